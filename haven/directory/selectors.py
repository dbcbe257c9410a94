"""Reads for the directory and referrals. Cases come in already loaded through
haven.cases.access; the inbox reads only what a referral carries for the receiving agency before
it accepts (DP-9), never the case or the child.

The target-group lists (genders, forms, languages) are JSON lists, which SQLite cannot search:
the type, country, age and activity narrow the offers in SQL, the lists in Python, in one query
whatever the directory's size. No filter can take a nationality (CC-4): a child of any
nationality is offered every service whose target group fits."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from haven.accounts.roles import Capability
from haven.cases.access import agencies_where
from haven.children.age import age_on
from haven.directory.models import Referral, ReferralStatus, ServiceOffer, SharingAssessment


def _fits(values: list[str], wanted: str) -> bool:
    return not wanted or not values or wanted in values


def search_offers(
    *,
    service_type: str = "",
    age: int | None = None,
    gender: str = "",
    form: str = "",
    country: str = "",
    language: str = "",
    exclude_agency_id: int | None = None,
) -> list[ServiceOffer]:
    """Active offers whose target group fits. An empty list on an offer means "any"."""
    rows = ServiceOffer.objects.active().select_related("agency")
    if service_type:
        rows = rows.filter(service_type=service_type)
    if country:
        rows = rows.filter(country=country)
    if age is not None:
        rows = rows.filter(Q(min_age__isnull=True) | Q(min_age__lte=age)).filter(
            Q(max_age__isnull=True) | Q(max_age__gte=age)
        )
    if exclude_agency_id is not None:
        rows = rows.exclude(agency_id=exclude_agency_id)
    return [
        offer
        for offer in rows.order_by("service_type", "name", "pk")
        if _fits(offer.genders, gender)
        and _fits(offer.forms, form)
        and _fits(offer.languages, language)
    ]


def child_age(case: Any) -> int | None:
    birth_date = case.child.birth_date
    return age_on(birth_date, timezone.localdate()) if birth_date else None


def offers_for_case(case: Any, service_type: str = "") -> list[ServiceOffer]:
    """Offers of other agencies that fit the child's age and gender (CC-15, CC-11)."""
    return search_offers(
        service_type=service_type,
        age=child_age(case),
        gender=case.child.gender,
        exclude_agency_id=case.lead_agency_id,
    )


def managed_offers(agency_ids: Iterable[int]) -> QuerySet[ServiceOffer]:
    return ServiceOffer.objects.filter(agency_id__in=list(agency_ids)).select_related("agency")


def case_referrals(case: Any) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(case=case)
        .select_related("to_agency", "offer", "consent", "accepted_by", "sent_by")
        .order_by("-sent_at", "-pk")
    )


def _responding_agency_ids(user: Any) -> list[int]:
    return [a.pk for a in agencies_where(user, Capability.RESPOND_REFERRAL)]


def incoming(user: Any, *, status: str = ReferralStatus.SENT) -> QuerySet[Referral]:
    """Referrals to the user's agencies in one status. Before acceptance they carry no name,
    no birth date and no case (DP-9): the inbox shows only the referral's own fields."""
    return (
        Referral.objects.filter(to_agency_id__in=_responding_agency_ids(user), status=status)
        .select_related("from_agency", "to_agency", "offer")
        .order_by("-urgent", "sent_at", "pk")
    )


def accepted_by(user: Any) -> QuerySet[Referral]:
    """Referrals this person accepted, still open, with the case to open."""
    return (
        Referral.objects.filter(accepted_by=user, status=ReferralStatus.ACCEPTED)
        .select_related("from_agency", "to_agency", "offer", "case", "consent")
        .order_by("-responded_at", "pk")
    )


def incoming_referral(user: Any, public_id: Any) -> Referral | None:
    """One referral to the user's agencies, or None (missing and forbidden look alike)."""
    try:
        return (
            Referral.objects.filter(to_agency_id__in=_responding_agency_ids(user))
            .select_related("case", "to_agency", "from_agency", "consent", "assignment")
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, TypeError):
        return None


def waiting_count(user: Any) -> int:
    """How many referrals wait for an answer from the user's agencies: one query, none at all
    for people who cannot answer referrals."""
    agency_ids = _responding_agency_ids(user)
    if not agency_ids:
        return 0
    return Referral.objects.filter(to_agency_id__in=agency_ids, status=ReferralStatus.SENT).count()


def assessments(agency_ids: Iterable[int]) -> QuerySet[SharingAssessment]:
    return SharingAssessment.objects.filter(from_agency_id__in=list(agency_ids)).select_related(
        "from_agency", "to_agency", "decided_by"
    )
