"""Reads for the directory and referrals. Cases come in already loaded through
haven.cases.access; the inbox reads only what a referral carries for the receiving agency before
it accepts (DP-9), never the case or the child.

The target-group lists (genders, forms, languages) are JSON lists, which SQLite cannot search:
the type, country, age and activity narrow the offers in SQL, the lists in Python, in one query
whatever the directory's size. No filter can take a nationality (CC-4): a child of any
nationality is offered every service whose target group fits.

Whether an offer fits a child is decided in one place, `offer_misfits`: the referral page lists
exactly the offers it passes, and `haven.directory.services.referral_send` refuses the others, so
the API cannot refer a child to a service the page would never offer (CC-15, CC-11)."""

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.cases.access import agencies_where
from haven.children.age import age_on
from haven.children.models import Gender
from haven.core.codes import languages as language_names
from haven.directory.models import (
    Referral,
    ReferralStatus,
    ServiceOffer,
    SharingAssessment,
    Transfer,
    TransferStatus,
)


def _fits(values: list[str], wanted: str) -> bool:
    return not wanted or not values or wanted in values


def _active_offers(
    *,
    service_type: str = "",
    age: int | None = None,
    country: str = "",
    exclude_agency_id: int | None = None,
) -> QuerySet[ServiceOffer]:
    """The SQL part of a search: activity, type, country and age."""
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
    return rows.order_by("service_type", "name", "pk")


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
    rows = _active_offers(
        service_type=service_type, age=age, country=country, exclude_agency_id=exclude_agency_id
    )
    return [
        offer
        for offer in rows
        if _fits(offer.genders, gender)
        and _fits(offer.forms, form)
        and _fits(offer.languages, language)
    ]


def child_age(case: Any, today: date | None = None) -> int | None:
    birth_date = case.child.birth_date
    return age_on(birth_date, today or timezone.localdate()) if birth_date else None


def child_languages(child: Any) -> list[str]:
    """The child's recorded languages, the preferred first."""
    return list(child.languages.order_by("-is_preferred", "pk").values_list("language", flat=True))


# A recorded gender that says nothing about the child cannot exclude them, like an unknown age.
_UNKNOWN_GENDERS = frozenset({"", Gender.UNKNOWN})


def _age_misfit(offer: ServiceOffer, age: int) -> str:
    if offer.min_age is not None and offer.max_age is not None:
        message = _("This service is for children aged %(min)s to %(max)s; this child is %(age)s.")
    elif offer.min_age is not None:
        message = _("This service is for children aged %(min)s or older; this child is %(age)s.")
    else:
        message = _("This service is for children aged up to %(max)s; this child is %(age)s.")
    return message % {"min": offer.min_age, "max": offer.max_age, "age": age}


def offer_misfits(
    offer: ServiceOffer,
    child: Any,
    today: date | None = None,
    *,
    languages: Collection[str] | None = None,
) -> dict[str, str]:
    """Why `offer`'s target group does not fit `child`, one translated sentence per field
    ("age", "gender", "languages"); empty when it fits (CC-15, CC-11). What is not known about
    the child cannot exclude them: no birth date, no recorded gender, no recorded language. An
    offer's empty list or missing age bound means "any". `languages` are the child's recorded
    languages when the caller has them already (else one query)."""
    misfits: dict[str, str] = {}
    birth_date = child.birth_date
    if birth_date is not None:
        age = age_on(birth_date, today or timezone.localdate())
        if not offer.serves_age(age):
            misfits["age"] = _age_misfit(offer, age)
    gender = child.gender or ""
    if offer.genders and gender not in _UNKNOWN_GENDERS and gender not in offer.genders:
        labels = dict(Gender.choices)
        misfits["gender"] = _(
            "This service is for children recorded as: %(genders)s; this child is recorded as: "
            "%(gender)s."
        ) % {
            "genders": ", ".join(str(labels.get(g, g)) for g in offer.genders),
            "gender": str(labels.get(gender, gender)),
        }
    if offer.languages:
        spoken = child_languages(child) if languages is None else list(languages)
        if spoken and not set(spoken) & set(offer.languages):
            names = dict(language_names())
            misfits["languages"] = _(
                "This service works in %(languages)s; this child speaks %(spoken)s."
            ) % {
                "languages": ", ".join(names.get(code, code) for code in offer.languages),
                "spoken": ", ".join(names.get(code, code) for code in spoken),
            }
    return misfits


def offers_for_case(case: Any, service_type: str = "") -> list[ServiceOffer]:
    """Offers of other agencies whose target group fits the child (CC-15, CC-11): exactly those
    `referral_send` accepts, as both ask `offer_misfits`. The age narrows in SQL first."""
    today = timezone.localdate()
    child = case.child
    spoken = child_languages(child)
    rows = _active_offers(
        service_type=service_type,
        age=child_age(case, today),
        exclude_agency_id=case.lead_agency_id,
    )
    return [offer for offer in rows if not offer_misfits(offer, child, today, languages=spoken)]


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
    """How many referrals and requests to take over a case (RR-7) wait for an answer from the
    user's agencies: one query, none at all for people who cannot answer referrals."""
    agency_ids = _responding_agency_ids(user)
    if not agency_ids:
        return 0
    referrals = Referral.objects.filter(
        to_agency_id__in=agency_ids, status=ReferralStatus.SENT
    ).values("public_id")
    transfers = Transfer.objects.filter(
        to_agency_id__in=agency_ids, status=TransferStatus.REQUESTED
    ).values("public_id")
    return referrals.union(transfers, all=True).count()


def assessments(agency_ids: Iterable[int]) -> QuerySet[SharingAssessment]:
    return SharingAssessment.objects.filter(from_agency_id__in=list(agency_ids)).select_related(
        "from_agency", "to_agency", "decided_by"
    )


# --- transfers of a case to another agency (RR-7) ----------------------------------------------


def case_transfers(case: Any) -> QuerySet[Transfer]:
    """A case's transfers, newest first: the sending agency's record of what it sent."""
    return (
        Transfer.objects.filter(case=case)
        .select_related("to_agency", "from_agency", "created_by", "decided_by", "new_case")
        .order_by("-created_at", "-pk")
    )


def incoming_transfers(user: Any) -> QuerySet[Transfer]:
    """Requests waiting for the user's agencies. As for a referral, before acceptance the
    receiving agency reads only the transfer's own fields: no name, no case (DP-9)."""
    return (
        Transfer.objects.filter(
            to_agency_id__in=_responding_agency_ids(user), status=TransferStatus.REQUESTED
        )
        .select_related("from_agency", "to_agency")
        .order_by("created_at", "pk")
    )


def incoming_transfer(user: Any, public_id: Any) -> Transfer | None:
    """One transfer to the user's agencies, or None (missing and forbidden look alike)."""
    try:
        return (
            Transfer.objects.filter(to_agency_id__in=_responding_agency_ids(user))
            .select_related("case", "to_agency", "from_agency", "consent")
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None
