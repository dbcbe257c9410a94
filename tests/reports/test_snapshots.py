"""The statistics page and API show the last count of the same agencies and period while it is
younger than HAVEN_STATISTICS_MAX_AGE, and `refresh_statistics` counts again (CC-16); a kept
count holds only suppressed figures (DP-10); a release still counts when it is asked for
(DP-12)."""

import io
import json
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.roles import Role
from haven.reports import selectors, snapshots
from haven.reports.models import StatisticsSnapshot, Table
from haven.reports.services import release_request
from tests.conftest import signed_in
from tests.factories import staff
from tests.reports.conftest import open_case

API = "/api/v1/reports/statistics/?year=all"


def _children(client: Any) -> int:
    return client.get(API).json()["tables"]["sex"]["total"]


def test_cc16_the_page_shows_the_last_count_until_it_is_counted_again(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    open_case(case_worker, agency)
    open_case(case_worker, agency)
    signed_in(client, statistician)
    assert _children(client) == 2

    open_case(case_worker, agency)

    assert _children(client) == 2
    # The tables in their order from the kept count too (jsonb keeps keys in its own)
    assert list(client.get(API).json()["tables"]) == list(Table.values)
    out = io.StringIO()
    call_command("refresh_statistics", stdout=out)
    assert out.getvalue() == "counted 1, forgot 0\n"
    assert _children(client) == 3
    assert StatisticsSnapshot.objects.count() == 1


def test_cc16_a_count_older_than_the_max_age_is_counted_again_on_request(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    open_case(case_worker, agency)
    signed_in(client, statistician)
    assert _children(client) == 1
    open_case(case_worker, agency)
    old = timezone.now() - timedelta(seconds=settings.HAVEN_STATISTICS_MAX_AGE + 1)
    StatisticsSnapshot.objects.update(counted_at=old)

    body = client.get(API).json()

    assert body["tables"]["sex"]["total"] == 2
    kept = StatisticsSnapshot.objects.get()
    assert kept.counted_at > old
    assert kept.figures["tables"]["sex"]["total"] == 2


def test_cc16_with_no_max_age_every_request_counts_and_nothing_is_kept(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    settings.HAVEN_STATISTICS_MAX_AGE = 0
    open_case(case_worker, agency)
    signed_in(client, statistician)
    assert _children(client) == 1

    open_case(case_worker, agency)

    assert _children(client) == 2
    assert not StatisticsSnapshot.objects.exists()


def test_cc16_the_page_says_when_its_figures_were_counted(
    client: Any, agency: Any, case_worker: Any, statistician: Any
) -> None:
    open_case(case_worker, agency)
    body = signed_in(client, statistician).get("/reports/statistics/").content.decode()

    assert "The figures are counted again every hour" in body
    assert "Counted " in body


def test_dp10_a_kept_count_holds_only_the_suppressed_figures(
    client: Any, agency: Any, case_worker: Any, statistician: Any
) -> None:
    cases = [open_case(case_worker, agency, given_name="Fictkept") for _ in range(3)]
    signed_in(client, statistician).get(API)

    kept = StatisticsSnapshot.objects.get()
    assert kept.figures == selectors.released(selectors.statistics([agency.pk], None))
    assert kept.figures["tables"]["sex"]["total"] is None
    cells = [
        value
        for table in kept.figures["tables"].values()
        for _code, value in table["rows"]
        if isinstance(value, int)
    ]
    assert cells and all(value == 0 or value >= 11 for value in cells)
    stored = json.dumps([kept.figures, kept.measures])
    for secret in ("Fictkept", cases[0].reference, str(cases[0].public_id), agency.name):
        assert secret not in stored


def test_dp1_each_set_of_agencies_has_its_own_count(
    client: Any,
    agency: Any,
    other_agency: Any,
    case_worker: Any,
    outsider: Any,
    statistician: Any,
    settings: Any,
) -> None:
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    other_statistician = staff(other_agency, Role.STATISTICIAN, username="stat2")
    open_case(case_worker, agency)
    open_case(case_worker, agency)
    open_case(outsider, other_agency)

    assert _children(signed_in(client, statistician)) == 2
    assert _children(signed_in(client, other_statistician)) == 1
    assert _children(signed_in(client, statistician)) == 2
    assert sorted(StatisticsSnapshot.objects.values_list("agency_ids", flat=True)) == sorted(
        [[agency.pk], [other_agency.pk]]
    )


def test_dp12_a_release_counts_when_it_is_asked_for_not_from_the_kept_count(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    open_case(case_worker, agency)
    assert _children(signed_in(client, statistician)) == 1
    open_case(case_worker, agency)

    release = release_request(actor=statistician, year=None, tables=["sex"], purpose="Fictional.")

    assert release.figures["tables"]["sex"]["total"] == 2


def test_cc16_refresh_forgets_counts_nobody_read_lately_and_those_of_another_k(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    open_case(case_worker, agency)
    signed_in(client, statistician)
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    client.get(API)
    client.get("/api/v1/reports/statistics/")
    settings.HAVEN_STATISTICS_MIN_CELL = 2
    client.get(API)
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    unread = StatisticsSnapshot.objects.get(k=1, year=timezone.localdate().year)
    StatisticsSnapshot.objects.filter(pk=unread.pk).update(
        read_at=timezone.now() - snapshots.READ_WITHIN - timedelta(minutes=1)
    )

    assert snapshots.refresh() == (1, 2)
    assert list(StatisticsSnapshot.objects.values_list("k", "year")) == [(1, None)]


def test_cc16_a_kept_count_is_read_in_the_same_queries_whatever_the_children(
    client: Any, agency: Any, case_worker: Any, statistician: Any
) -> None:
    open_case(case_worker, agency)
    signed_in(client, statistician)
    with CaptureQueriesContext(connection) as counting:
        client.get("/reports/statistics/?period=all")
    with CaptureQueriesContext(connection) as first:
        client.get("/reports/statistics/?period=all")
    for _ in range(3):
        open_case(case_worker, agency)
    with CaptureQueriesContext(connection) as second:
        client.get("/reports/statistics/?period=all")

    assert len(second.captured_queries) == len(first.captured_queries)
    assert len(first.captured_queries) < len(counting.captured_queries) - 10


def test_cc16_dp10_a_kept_count_shows_exactly_what_counting_shows(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    for age in (8, 12, 16, 16, 17):
        open_case(case_worker, agency, age=age)
    signed_in(client, statistician)
    settings.HAVEN_STATISTICS_MIN_CELL = 2
    counted = client.get("/reports/statistics/?period=all")

    kept = client.get("/reports/statistics/?period=all")
    settings.HAVEN_STATISTICS_MAX_AGE = 0
    afresh = client.get("/reports/statistics/?period=all")

    def tables(response: Any) -> str:
        body = response.content.decode()
        # The tables and the measures at hearings, up to the part about releases.
        start = body.index('<section class="card" aria-labelledby="t-')
        return body[start : body.index('aria-labelledby="s-release"')]

    assert counted.status_code == kept.status_code == afresh.status_code == 200
    # Five children, and the ages' bands of one child hidden (k = 2)
    assert "<strong>5</strong>" in tables(afresh)
    assert '<span class="muted">hidden</span>' in tables(afresh)
    assert tables(kept) == tables(counted) == tables(afresh)


def test_cc16_reading_a_kept_count_marks_it_read_at_most_every_hour(
    client: Any, agency: Any, case_worker: Any, statistician: Any
) -> None:
    open_case(case_worker, agency)
    signed_in(client, statistician).get(API)
    two_hours_ago = timezone.now() - timedelta(hours=2)
    StatisticsSnapshot.objects.update(read_at=two_hours_ago)

    client.get(API)
    marked = StatisticsSnapshot.objects.get().read_at
    client.get(API)

    assert marked > two_hours_ago
    assert StatisticsSnapshot.objects.get().read_at == marked
