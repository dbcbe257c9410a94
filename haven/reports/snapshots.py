"""The statistics (CC-16, DP-10) and the supervisors' dashboard (CC-9, CC-14, ID-4, PS-2) as
their pages show them, counted at most every so often.

Counting every child of a national agency by nine tables reads each of its cases several
times: 0.9 s at 100,000 cases and 10 s at 1,000,000 on two cores. The figures answer questions
about months and years, not minutes, so the page shows the last count of the same agencies and
period while it is younger than HAVEN_STATISTICS_MAX_AGE (two hours by default), says when it
was counted, and counts again itself only when there is none. `manage.py refresh_statistics`,
run every hour, counts again each snapshot someone read in the last READ_WITHIN days, so the
page a supervisor opens is always already counted, and forgets the others.

A snapshot holds the figures already suppressed (selectors.released and released_measures),
exactly what the page may show: never a raw count below k, a name or a case (DP-10). A release
(DP-12) is not read from here: it counts when it is asked for, so that what its supervisors
authorise is exactly the data at that moment.

The dashboard is kept the same way, per set of agencies, for HAVEN_DASHBOARD_MAX_AGE (30
minutes by default), and `manage.py refresh_dashboards`, run every 15 minutes, counts again
each one read in the last READ_WITHIN days: its five aggregates over the 400,000 cases of a
national agency take about 3 s at a million cases. Its page says when it was counted and can
count again at once. Only the figures of a reader who sees every case of their agencies are
kept (cases.access.sees_every_case): they are the same for each such reader. Anyone else's
dashboard is counted for them on each request.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from haven.cases.access import cases_led_by, sees_every_case
from haven.core.routers import replica_reads
from haven.reports import selectors
from haven.reports.models import DashboardSnapshot, Snapshot, StatisticsSnapshot, Table

# A snapshot nobody has read for this many days is deleted rather than counted again.
READ_WITHIN = timedelta(days=30)
# `read_at` is written at most this often per snapshot: a busy page does not write on every
# request.
READ_MARK = timedelta(hours=1)


@dataclass(frozen=True)
class Figures:
    """What the statistics page and API show: selectors.released, released_measures, and when
    they were counted."""

    figures: dict[str, Any]
    measures: dict[str, Any]
    counted_at: datetime


def _digest(*parts: object) -> str:
    """A snapshot's key: what was counted, as one line, hashed."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


def _key(agency_ids: list[int], year: int | None, k: int) -> str:
    return _digest(",".join(map(str, agency_ids)), year or "all", k)


def _young[Kept: Snapshot](
    model: type[Kept], key: str, max_age: int, now: datetime, *fields: str
) -> Kept | None:
    """The snapshot of `key` counted less than `max_age` seconds ago, if any, with `fields`;
    marked read (at most every READ_MARK, so that a busy page does not write on every request).
    Read from the primary, where snapshots are written: one row by its key, and a replica that
    lags would show a supervisor who has just asked for a count ("Count again now") the one
    before it. Only the counting reads the replica."""
    kept = (
        model._default_manager.filter(key=key, counted_at__gte=now - timedelta(seconds=max_age))
        .only("counted_at", "read_at", *fields)
        .first()
    )
    if kept is not None and kept.read_at < now - READ_MARK:
        model._default_manager.filter(pk=kept.pk).update(read_at=now)
    return kept


def _forget_unread(model: type[Snapshot], also: Q | None = None) -> int:
    """Delete the snapshots nobody read within READ_WITHIN (and those `also` matches)."""
    stale = Q(read_at__lt=timezone.now() - READ_WITHIN)
    deleted, _ = model._default_manager.filter(stale | also if also is not None else stale).delete()
    return deleted


def count(agency_ids: list[int], year: int | None, k: int | None = None) -> Figures:
    """Count now: the statistics and the measures at hearings of these agencies' children,
    suppressed with k."""
    k = settings.HAVEN_STATISTICS_MIN_CELL if k is None else k
    return Figures(
        figures=selectors.released(selectors.statistics(agency_ids, year), k=k),
        measures=selectors.released_measures(selectors.measures_at_hearings(agency_ids, year), k=k),
        counted_at=timezone.now(),
    )


def _store(agency_ids: list[int], year: int | None, k: int, counted: Figures) -> None:
    """Keep a count, replacing an older one of the same agencies and period. Two requests that
    counted at once both write; the later count stays, and either is right."""
    StatisticsSnapshot.objects.update_or_create(
        key=_key(agency_ids, year, k),
        defaults={
            "agency_ids": agency_ids,
            "year": year,
            "k": k,
            "figures": counted.figures,
            "measures": counted.measures,
            "counted_at": counted.counted_at,
            # Counted because someone asked: a read.
            "read_at": counted.counted_at,
        },
    )


def shown(agency_ids: list[int], year: int | None) -> Figures:
    """The figures for the statistics page and the API: the last count of these agencies and
    this period if it is younger than HAVEN_STATISTICS_MAX_AGE, else a count made now (and
    kept for the next reader). Call it with the agencies where the reader may see statistics:
    who may see them is decided before, not here."""
    ids = sorted(set(agency_ids))
    k = settings.HAVEN_STATISTICS_MIN_CELL
    max_age = settings.HAVEN_STATISTICS_MAX_AGE
    if max_age <= 0:
        with replica_reads():
            return count(ids, year, k)
    now = timezone.now()
    key = _key(ids, year, k)
    kept = _young(StatisticsSnapshot, key, max_age, now, "figures", "measures")
    if kept is not None:
        # The tables in their own order, as counted: PostgreSQL's jsonb keeps keys in its own.
        tables = kept.figures["tables"]
        figures = kept.figures | {"tables": {t: tables[t] for t in Table.values if t in tables}}
        return Figures(figures, kept.measures, kept.counted_at)
    with replica_reads():
        counted = count(ids, year, k)
    _store(ids, year, k, counted)
    return counted


def refresh() -> tuple[int, int]:
    """Count again every snapshot read within READ_WITHIN with today's k; delete the others.
    Returns (counted, deleted). Each count is its own transaction, so a long refresh never
    holds locks on what it has already written."""
    k = settings.HAVEN_STATISTICS_MIN_CELL
    deleted = _forget_unread(StatisticsSnapshot, also=~Q(k=k))
    counted = 0
    for pk, agency_ids, year in StatisticsSnapshot.objects.order_by("pk").values_list(
        "pk", "agency_ids", "year"
    ):
        with replica_reads():
            figures = count(agency_ids, year, k)
        StatisticsSnapshot.objects.filter(pk=pk).update(
            figures=figures.figures, measures=figures.measures, counted_at=figures.counted_at
        )
        counted += 1
    return counted, deleted


# --- the dashboard --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard page shows (selectors.dashboard_shown), when it was counted, and
    whether it is a count kept for the agencies' readers (else counted for this request)."""

    figures: dict[str, Any]
    counted_at: datetime
    kept: bool


def _dashboard_key(agency_ids: list[int]) -> str:
    return _digest("dashboard", ",".join(map(str, agency_ids)))


def dashboard(user: Any, *, recount: bool = False) -> Dashboard:
    """The dashboard of the user's agencies: the last count of the same agencies if it is
    younger than HAVEN_DASHBOARD_MAX_AGE and `recount` is not asked, else a count made now (and
    kept for the next reader). A reader who does not see every case of their agencies gets a
    count of their own, never kept. Who may see a dashboard at all is decided before, not here."""
    ids = selectors.dashboard_agencies(user)
    max_age = settings.HAVEN_DASHBOARD_MAX_AGE
    now = timezone.now()
    if max_age <= 0 or not sees_every_case(user, ids):
        with replica_reads():
            figures = selectors.dashboard_figures(ids, cases_led_by(user, ids))
        return Dashboard(selectors.dashboard_shown(figures), now, kept=False)
    key = _dashboard_key(ids)
    kept = None if recount else _young(DashboardSnapshot, key, max_age, now, "figures")
    if kept is not None:
        return Dashboard(selectors.dashboard_shown(kept.figures), kept.counted_at, kept=True)
    with replica_reads():
        figures = selectors.dashboard_figures(ids)
    DashboardSnapshot.objects.update_or_create(
        key=key,
        defaults={"agency_ids": ids, "figures": figures, "counted_at": now, "read_at": now},
    )
    return Dashboard(selectors.dashboard_shown(figures), now, kept=True)


def refresh_dashboards() -> tuple[int, int]:
    """Count again every dashboard read within READ_WITHIN; delete the others. Returns
    (counted, deleted); each count is its own transaction."""
    deleted = _forget_unread(DashboardSnapshot)
    counted = 0
    for pk, agency_ids in DashboardSnapshot.objects.order_by("pk").values_list("pk", "agency_ids"):
        now = timezone.now()
        with replica_reads():
            figures = selectors.dashboard_figures(agency_ids)
        # Unless someone asked for a count while this one ran ("Count again now"): that one
        # is newer and stays.
        DashboardSnapshot.objects.filter(pk=pk, counted_at__lt=now).update(
            figures=figures, counted_at=now
        )
        counted += 1
    return counted, deleted
