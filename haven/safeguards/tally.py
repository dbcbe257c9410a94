"""The count of open alerts per case (`Case.open_alert_count`), kept true by whatever opens or
closes an alert: the engine for the alerts it raises and clears, haven.alerts for one resolved
with a reason, and the sweep, which compares every count with the alerts (a count two writes
raced over is set right there). Counted afresh from the alerts each time, never incremented, so
that it cannot drift from them.

The count lives on the case row so that an index can order an agency's open cases by it (My
cases). This layer sits below cases and does not import them: it reaches the case table through
its own Alert's key to it."""

from collections import defaultdict
from collections.abc import Iterable
from itertools import batched
from typing import Any

from django.db.models import Count

from haven.core.models import IN_LIST_SIZE
from haven.safeguards.models import Alert

_Case: Any = Alert._meta.get_field("case").related_model


def open_counts(case_ids: list[int] | None = None) -> dict[int, int]:
    """How many open alerts each case has (these cases, or all), counted from the alerts: a case
    without one is absent."""
    alerts = Alert.objects.filter(status=Alert.Status.OPEN)
    if case_ids is not None:
        alerts = alerts.filter(case_id__in=case_ids)
    return dict(
        alerts.order_by().values("case_id").annotate(n=Count("pk")).values_list("case_id", "n")
    )


def kept_counts() -> dict[int, int]:
    """Each case's count as kept, for the cases whose count is not zero."""
    return dict(_Case.objects.filter(open_alert_count__gt=0).values_list("pk", "open_alert_count"))


def recount(case_ids: Iterable[int]) -> None:
    """Count the open alerts of these cases again (in the caller's transaction). A row is
    written only where its count changed: one UPDATE per distinct count, usually one or two."""
    for chunk in batched(sorted(set(case_ids)), IN_LIST_SIZE):
        counts = open_counts(list(chunk))
        by_count: dict[int, list[int]] = defaultdict(list)
        for case_id in chunk:
            by_count[counts.get(case_id, 0)].append(case_id)
        for n, ids in by_count.items():
            _Case.objects.filter(pk__in=ids).exclude(open_alert_count=n).update(open_alert_count=n)


def recount_all() -> None:
    """Count every case's open alerts again: the sweep's, so that a count two concurrent writes
    raced over is right again at the next sweep. Reads every count and every kept count that is
    not zero (two queries), then writes only where they differ."""
    counts = open_counts()
    kept = kept_counts()
    every = counts.keys() | kept.keys()
    differ = {case_id for case_id in every if counts.get(case_id) != kept.get(case_id)}
    if differ:
        recount(differ)
