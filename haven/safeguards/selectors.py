"""Reads of alerts and escalations. Callers pass the cases a person may see (haven.cases.access),
so this module knows no area."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from haven.safeguards.models import Alert, Notification
from haven.safeguards.registry import SEVERITY_ORDER, rules_shown


def _by_severity(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    rank = Case(
        *[When(severity=sev, then=Value(n)) for sev, n in SEVERITY_ORDER.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    return alerts.annotate(severity_rank=rank).order_by("severity_rank", "raised_at")


def open_alerts(shown: Q) -> QuerySet[Alert]:
    """Open alerts a person may see (`shown`: haven.cases.access.shown_alerts, the cases they
    may see and of those the alerts whose classes they may read), most severe and oldest
    first."""
    return _by_severity(
        Alert.objects.filter(shown, status=Alert.Status.OPEN).select_related("case", "case__child")
    )


def alerts_for_case(case: Any, classes: Iterable[str]) -> QuerySet[Alert]:
    """Open alerts on one case whose classes are among those the reader may read there
    (haven.cases.access.readable; DP-1, DP-9)."""
    return _by_severity(
        Alert.objects.filter(
            case=case, status=Alert.Status.OPEN, rule_code__in=rules_shown(classes)
        )
    )


def inbox(user: Any) -> QuerySet[Notification]:
    """The critical alerts escalated to this person (ND-2), unread first."""
    return (
        Notification.objects.filter(recipient=user)
        .select_related("alert__case__lead_agency")
        .order_by("read_at", "-created_at")
    )
