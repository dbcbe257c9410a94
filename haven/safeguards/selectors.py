"""Reads of alerts and escalations. Callers pass the cases a person may see (haven.cases.access),
so this module knows no area."""

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from haven.safeguards.models import Alert, Notification
from haven.safeguards.registry import SEVERITY_ORDER


def _by_severity(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    rank = Case(
        *[When(severity=sev, then=Value(n)) for sev, n in SEVERITY_ORDER.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    return alerts.annotate(severity_rank=rank).order_by("severity_rank", "raised_at")


def open_alerts(cases: QuerySet[Any]) -> QuerySet[Alert]:
    """Open alerts on these cases (the ones a person may see), most severe and oldest first."""
    return _by_severity(
        Alert.objects.filter(case__in=cases, status=Alert.Status.OPEN).select_related(
            "case", "case__child"
        )
    )


def alerts_for_case(case: Any) -> QuerySet[Alert]:
    return _by_severity(Alert.objects.filter(case=case, status=Alert.Status.OPEN))


def inbox(user: Any) -> QuerySet[Notification]:
    """The critical alerts escalated to this person (ND-2), unread first."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("alert__case__lead_agency")
        .order_by("read_at", "-created_at")
    )
