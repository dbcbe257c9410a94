"""The count of open alerts per case (OpenAlertCount), kept true by whatever opens or closes an
alert: the engine for the alerts it raises and clears, haven.alerts for one resolved with a
reason, and the sweep, which counts every case again (a count two writes raced over is set
right there). Counted afresh from the alerts each time, never incremented, so that it cannot
drift from them."""

from collections.abc import Iterable
from itertools import batched

from django.db.models import Count

from haven.core.models import IN_LIST_SIZE
from haven.safeguards.models import Alert, OpenAlertCount


def open_counts(case_ids: list[int] | None = None) -> dict[int, int]:
    """How many open alerts each case has (these cases, or all), counted from the alerts: a case
    without one is absent."""
    alerts = Alert.objects.filter(status=Alert.Status.OPEN)
    if case_ids is not None:
        alerts = alerts.filter(case_id__in=case_ids)
    return dict(
        alerts.order_by().values("case_id").annotate(n=Count("pk")).values_list("case_id", "n")
    )


def recount(case_ids: Iterable[int]) -> None:
    """Count the open alerts of these cases again (in the caller's transaction)."""
    for chunk in batched(sorted(set(case_ids)), IN_LIST_SIZE):
        counts = open_counts(list(chunk))
        OpenAlertCount.objects.filter(case_id__in=list(chunk)).exclude(
            case_id__in=list(counts)
        ).delete()
        OpenAlertCount.objects.bulk_create(
            [OpenAlertCount(case_id=case_id, n=n) for case_id, n in counts.items()],
            update_conflicts=True,
            unique_fields=["case"],
            update_fields=["n"],
        )


def recount_all() -> None:
    """Count every case's open alerts again: the sweep's, so that a count two concurrent writes
    raced over is right again at the next sweep. Reads every count and every kept count (two
    queries), then writes only where they differ."""
    counts = open_counts()
    kept = dict(OpenAlertCount.objects.values_list("case_id", "n"))
    every = counts.keys() | kept.keys()
    differ = {case_id for case_id in every if counts.get(case_id) != kept.get(case_id)}
    if differ:
        recount(differ)
