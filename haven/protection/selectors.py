"""Reads for protection and support. Callers pass a case already loaded through
haven.cases.access and the sensitivity classes the user may read on it."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet

from haven.core.sensitivity import Sensitivity
from haven.protection.models import (
    SERVICE_SENSITIVITY,
    Guardian,
    GuardianAppointment,
    NeedsAssessment,
    Service,
    ServiceType,
    legal_assistance_q,
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


def legal_assistance(case: Any) -> QuerySet[Service]:
    """The child's legal assistance: legal services planned, under way or completed (ND-1,
    ND-5). The rules read the same fact (haven.placements.rules)."""
    return Service.objects.filter(legal_assistance_q(), case=case)
