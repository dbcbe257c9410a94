"""Reads for consent and information. Callers pass a case already loaded through
haven.cases.access."""

from typing import Any

from django.db.models import QuerySet

from haven.consent.models import Consent, InformationSession, Purpose


def consent_in_force(case: Any, purpose: str) -> Consent | None:
    """The consent that permits `purpose` on this case today, if any (CC-3, PS-4)."""
    return Consent.objects.in_force().filter(case=case, purpose=purpose).first()


def consents(case: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(case=case).select_related("override_decision")


def information_sessions(case: Any) -> QuerySet[InformationSession]:
    return InformationSession.objects.filter(case=case)


def sharing_consents(case: Any, *, in_force: bool = False) -> QuerySet[Consent]:
    """The case's consents to share information (DP-5): those in force today when asked."""
    rows = Consent.objects.in_force() if in_force else Consent.objects.all()
    return rows.filter(case=case, purpose=Purpose.INFORMATION_SHARING)
