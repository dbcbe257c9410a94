"""Reads for protection and support. Callers pass a case already loaded through
haven.cases.access and the sensitivity classes the user may read on it."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from haven.core.sensitivity import Sensitivity
from haven.protection.models import (
    SERVICE_SENSITIVITY,
    Charge,
    FamilyContact,
    Guardian,
    GuardianAppointment,
    LibertyChallenge,
    NeedsAssessment,
    Placement,
    Restriction,
    Service,
)


def guardian_appointments(case: Any) -> QuerySet[GuardianAppointment]:
    return GuardianAppointment.objects.filter(case=case).select_related(
        "guardian", "over_ceiling_approved_by"
    )


def guardians_with_caseload(agency_id: int) -> QuerySet[Guardian]:
    """The agency's guardians with how many children each holds now (PS-2)."""
    return (
        Guardian.objects.filter(agency_id=agency_id)
        .select_related("user")
        .annotate(caseload=Count("appointments", filter=Q(appointments__ended_on__isnull=True)))
        .order_by("-is_active", "name")
    )


def needs_assessments(case: Any) -> QuerySet[NeedsAssessment]:
    return (
        NeedsAssessment.objects.filter(case=case)
        .select_related("assessed_by")
        .prefetch_related("findings")
    )


def readable_service_types(classes: Iterable[str]) -> list[str]:
    """The service types whose details a reader of `classes` may see (DP-1)."""
    from haven.protection.models import ServiceType

    allowed = set(classes)
    return [
        t
        for t in ServiceType.values
        if SERVICE_SENSITIVITY.get(ServiceType(t), Sensitivity.BASIC) in allowed
    ]


def services(case: Any, classes: Iterable[str]) -> QuerySet[Service]:
    return Service.objects.filter(
        case=case, type__in=readable_service_types(classes)
    ).select_related("decision")


def placements(case: Any) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(case=case)
        .select_related("decision")
        .prefetch_related("reviews", "challenges")
    )


def current_placement(case: Any) -> Placement | None:
    return Placement.objects.current().filter(case=case).first()


def challenges(case: Any) -> QuerySet[LibertyChallenge]:
    return LibertyChallenge.objects.filter(placement__case=case).select_related("placement")


def restrictions(case: Any) -> QuerySet[Restriction]:
    return Restriction.objects.filter(case=case)


def family_contacts(case: Any) -> QuerySet[FamilyContact]:
    return FamilyContact.objects.filter(case=case)


def charges(case: Any) -> QuerySet[Charge]:
    return Charge.objects.filter(case=case)


def placement_figures(placements_qs: QuerySet[Placement] | None = None) -> dict[str, Any]:
    """Figures for reports (ND-3, ND-5): shelter stays (how many, how long in days: median and
    longest, current and ended), children in detention now, and the days from a challenge to
    its decision. A few queries whatever the number of placements; released statistics add
    small-cell suppression in the reports, not here."""
    from statistics import median

    from django.utils import timezone

    from haven.protection.models import DETENTION, SHELTERS, LibertyChallenge

    qs = placements_qs if placements_qs is not None else Placement.objects.all()
    today = timezone.localdate()
    stays = [
        ((end or today) - start).days
        for start, end in qs.filter(type__in=list(SHELTERS)).values_list("start_on", "end_on")
    ]
    waits = [
        (decided - lodged).days
        for lodged, decided in LibertyChallenge.objects.filter(
            placement__in=qs, decided_on__isnull=False
        ).values_list("lodged_on", "decided_on")
        if decided is not None
    ]
    return {
        "shelter_stays": len(stays),
        "shelter_days_median": median(stays) if stays else None,
        "shelter_days_longest": max(stays) if stays else None,
        "in_detention_now": Placement.objects.current()
        .filter(pk__in=qs.values("pk"), type__in=list(DETENTION))
        .count(),
        "challenges_decided": len(waits),
        "days_to_decision_median": median(waits) if waits else None,
    }


def legal_assistance(case: Any) -> QuerySet[Service]:
    """The child's legal assistance: legal services planned, under way or completed (ND-1,
    ND-5). The rules read the same fact (haven.protection.placement_rules)."""
    from haven.protection.models import legal_assistance_q

    return Service.objects.filter(legal_assistance_q(), case=case)
