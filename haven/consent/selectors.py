"""Reads for consent and information. Callers pass a case already loaded through
haven.cases.access."""

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from haven.consent.models import (
    ChildAnswer,
    Consent,
    InformationSession,
    Purpose,
    RepresentativeAnswer,
)


def consent_in_force(case: Any, purpose: str) -> Consent | None:
    """The consent that permits `purpose` on this case today, if any (CC-3, PS-4)."""
    return Consent.objects.in_force().filter(case=case, purpose=purpose).first()


def standing_refusal(case: Any, purposes: Iterable[str]) -> Consent | None:
    """The child's "no" that stands for one of these purposes (CC-3): the latest conversation
    about it ended in a refusal, by the child or their representative (or the consent was
    withdrawn), and no best-interests
    determination has overridden it. A later consent replaces an earlier refusal. One query."""
    latest: dict[str, Consent] = {}
    rows = Consent.objects.filter(case=case, purpose__in=list(purposes)).order_by(
        "-given_on", "-created_at", "-pk"
    )
    for consent in rows:
        latest.setdefault(consent.purpose, consent)
    for consent in latest.values():
        refused = (
            consent.child_answer == ChildAnswer.REFUSES
            or consent.representative_answer == RepresentativeAnswer.REFUSES
            or consent.withdrawn_at is not None
        )
        if refused and consent.override_decision_id is None:
            return consent
    return None


def consents(case: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(case=case).select_related("override_decision")


def information_sessions(case: Any) -> QuerySet[InformationSession]:
    return InformationSession.objects.filter(case=case)


def sharing_consents(case: Any, *, in_force: bool = False) -> QuerySet[Consent]:
    """The case's consents to share information (DP-5): those in force today when asked."""
    rows = Consent.objects.in_force() if in_force else Consent.objects.all()
    return rows.filter(case=case, purpose=Purpose.INFORMATION_SHARING)
