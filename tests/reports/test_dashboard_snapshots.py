"""The supervisors' dashboard shows the last count of the same agencies while it is younger than
HAVEN_DASHBOARD_MAX_AGE; `refresh_dashboards` and "Count again now" count again (CC-9, CC-14,
ID-4, PS-2). A kept count is shared only by readers who see every case of its agencies (DP-1),
and names no child."""

import io
import json
from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.roles import Role
from haven.cases import access
from haven.cases.services import case_assign
from haven.placements.services import placement_record
from haven.reports import selectors, snapshots
from haven.reports.models import DashboardSnapshot
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import staff
from tests.reports.conftest import open_case

PAGE = "/reports/dashboard/"


def _load(client: Any, name: str, url: str = PAGE) -> int | None:
    """The open cases the dashboard shows `name` holding as case worker."""
    response = client.get(url)
    assert response.status_code == 200
    return {row["name"]: row["load"] for row in response.context["caseloads"]["rows"]}.get(name)


def _name(user: Any) -> str:
    return f"{user.first_name} {user.last_name}"


def _detained(case: Any, actor: Any) -> None:
    """A police cell: a critical ND-2 alert for the dashboard to show."""
    placement_record(
        case=case,
        actor=actor,
        type="police_cell",
        facility="Fictional police station",
        start_on=timezone.localdate(),
    )


def test_cc14_the_dashboard_shows_the_last_count_until_it_is_counted_again(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    signed_in(client, supervisor)
    assert _load(client, _name(case_worker)) == 3

    open_case(case_worker, agency)

    assert _load(client, _name(case_worker)) == 3
    out = io.StringIO()
    call_command("refresh_dashboards", stdout=out)
    assert out.getvalue() == "counted 1, forgot 0\n"
    assert _load(client, _name(case_worker)) == 4
    assert DashboardSnapshot.objects.count() == 1


def test_cc14_count_again_now_shows_a_change_at_once_and_keeps_it(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    signed_in(client, supervisor)
    page = client.get(PAGE).content.decode()
    assert "The figures are counted again every 15 minutes" in page
    assert '<form method="post" class="inline">' in page and "Count again now</button>" in page
    open_case(case_worker, agency)

    response = client.post(PAGE)

    assert (response.status_code, response["Location"]) == (302, PAGE)
    assert _load(client, _name(case_worker)) == 4
    assert DashboardSnapshot.objects.get().figures["caseloads"]["rows"][0]["load"] == 4


def test_cc14_a_reload_or_a_link_never_counts_again(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    signed_in(client, supervisor)
    assert _load(client, _name(case_worker)) == 3
    kept = DashboardSnapshot.objects.get().counted_at
    open_case(case_worker, agency)

    assert _load(client, _name(case_worker), PAGE + "?count=now") == 3
    assert DashboardSnapshot.objects.get().counted_at == kept


def test_cc14_a_refresh_leaves_a_count_asked_for_while_it_ran(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any, monkeypatch: Any
) -> None:
    """A refresh that began before a "Count again now" and ends after it keeps the newer count."""
    signed_in(client, supervisor).get(PAGE)
    counted = selectors.dashboard_figures

    def slow(*args: Any, **kwargs: Any) -> Any:
        figures = counted(*args, **kwargs)
        # While the refresh counts, a supervisor counts again, with one more case.
        open_case(case_worker, agency)
        monkeypatch.setattr(selectors, "dashboard_figures", counted)
        assert client.post(PAGE).status_code == 302
        return figures

    monkeypatch.setattr(selectors, "dashboard_figures", slow)

    assert snapshots.refresh_dashboards() == (1, 0)
    assert _load(client, _name(case_worker)) == 4


def test_cc14_a_count_older_than_the_max_age_is_counted_again_on_request(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any, settings: Any
) -> None:
    signed_in(client, supervisor)
    assert _load(client, _name(case_worker)) == 3
    open_case(case_worker, agency)
    old = timezone.now() - timedelta(seconds=settings.HAVEN_DASHBOARD_MAX_AGE + 1)
    DashboardSnapshot.objects.update(counted_at=old)

    assert _load(client, _name(case_worker)) == 4
    assert DashboardSnapshot.objects.get().counted_at > old


def test_cc14_with_no_max_age_every_request_counts_and_nothing_is_kept(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any, settings: Any
) -> None:
    settings.HAVEN_DASHBOARD_MAX_AGE = 0
    signed_in(client, supervisor)
    assert _load(client, _name(case_worker)) == 3

    open_case(case_worker, agency)

    page = client.get(PAGE)
    assert _load(client, _name(case_worker)) == 4
    assert not DashboardSnapshot.objects.exists()
    assert "Count again now" not in page.content.decode()


def test_cc14_a_kept_count_shows_exactly_what_counting_shows(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any
) -> None:
    _detained(office_cases[2], case_worker)
    assert Alert.objects.filter(status=Alert.Status.OPEN, measure_id="ND-2").exists()
    signed_in(client, supervisor)
    counted = client.get(PAGE)

    kept = client.get(PAGE)

    assert kept.context["counted_at"] == counted.context["counted_at"]
    for name in ("caseloads", "interpreters", "handovers", "alerts", "first_steps", "guardians"):
        assert kept.context[name] == counted.context[name], name
    assert kept.context["alerts"] == selectors.dashboard(supervisor)["alerts"]


def test_cc11_a_kept_count_is_shown_in_each_readers_language(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    _detained(office_cases[2], case_worker)
    other = staff(agency, Role.SUPERVISOR, username="sup-th")
    signed_in(client, supervisor).get(PAGE, HTTP_ACCEPT_LANGUAGE="en")

    page = signed_in(client, other).get(PAGE, HTTP_ACCEPT_LANGUAGE="th")

    body = page.content.decode()
    assert page.context["alerts"][0]["severity"] == "critical"
    assert '<span class="badge crit">ร้ายแรง</span>' in body  # "Critical"
    assert "นับใหม่ตอนนี้" in body  # "Count again now"
    stored = json.dumps(DashboardSnapshot.objects.get().figures)
    assert "severity_label" not in stored and '"label"' not in stored


def test_dp1_each_set_of_agencies_has_its_own_kept_dashboard(
    client: Any, office_cases: Any, supervisor: Any, other_agency: Any, outsider: Any
) -> None:
    other_supervisor = staff(other_agency, Role.SUPERVISOR, username="sup-other")
    open_case(outsider, other_agency)
    mine = signed_in(client, supervisor).get(PAGE).content.decode()

    theirs = signed_in(client, other_supervisor).get(PAGE)

    body = theirs.content.decode()
    assert office_cases[0].reference in mine
    for case in office_cases:
        assert case.reference not in body
    assert _name(outsider) in [row["name"] for row in theirs.context["caseloads"]["rows"]]
    assert sorted(DashboardSnapshot.objects.values_list("agency_ids", flat=True)) == sorted(
        [[office_cases[0].lead_agency_id], [other_agency.pk]]
    )


def test_dp1_a_reader_who_does_not_see_every_case_is_counted_alone_and_nothing_is_kept(
    client: Any, office_cases: Any, supervisor: Any, monkeypatch: Any
) -> None:
    """Every role that holds the dashboard sees every case of its agency today; should one not,
    its figures would depend on the reader, so they are counted for that reader only."""
    monkeypatch.setattr(snapshots, "sees_every_case", lambda user, ids: False)
    monkeypatch.setattr(access, "sees_every_case", lambda user, ids: False)

    response = signed_in(client, supervisor).get(PAGE)

    assert response.status_code == 200
    assert not DashboardSnapshot.objects.exists()
    assert "Count again now" not in response.content.decode()
    # Counted over the cases this reader sees (cases_for_user), not every case the agency leads.
    assert response.context["caseloads"] == selectors.dashboard(supervisor)["caseloads"]


def test_dp1_a_kept_dashboard_names_no_child(
    client: Any, office_cases: Any, supervisor: Any
) -> None:
    signed_in(client, supervisor).get(PAGE)

    stored = json.dumps(DashboardSnapshot.objects.get().figures)
    child = office_cases[0].child
    for secret in (child.given_name, child.family_name, "Fictional summary"):
        assert secret and secret not in stored
    assert office_cases[0].reference in stored  # handed over twice: listed by reference


def test_cc14_refresh_forgets_dashboards_nobody_read_lately(
    client: Any, office_cases: Any, supervisor: Any, other_agency: Any
) -> None:
    signed_in(client, supervisor).get(PAGE)
    signed_in(client, staff(other_agency, Role.SUPERVISOR, username="sup-other")).get(PAGE)
    DashboardSnapshot.objects.filter(agency_ids=[other_agency.pk]).update(
        read_at=timezone.now() - snapshots.READ_WITHIN - timedelta(minutes=1)
    )

    assert snapshots.refresh_dashboards() == (1, 1)
    assert list(DashboardSnapshot.objects.values_list("agency_ids", flat=True)) == [
        [office_cases[0].lead_agency_id]
    ]


def test_cc14_a_kept_dashboard_is_read_in_the_same_few_queries_whatever_the_cases(
    client: Any, office_cases: Any, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    signed_in(client, supervisor)
    with CaptureQueriesContext(connection) as counting:
        client.get(PAGE)
    with CaptureQueriesContext(connection) as first:
        client.get(PAGE)
    for n in range(3):
        case = open_case(case_worker, agency)
        case_assign(
            case=case,
            actor=supervisor,
            user=staff(agency, Role.CASE_WORKER, username=f"more{n}"),
            role="case_worker",
            handover_note="Fictional.",
        )
    with CaptureQueriesContext(connection) as second:
        client.get(PAGE)

    assert len(second.captured_queries) == len(first.captured_queries)
    assert len(first.captured_queries) <= len(counting.captured_queries) - 8


def test_dp1_counting_again_is_refused_to_who_holds_no_dashboard_and_keeps_nothing(
    client: Any, office_cases: Any, case_worker: Any
) -> None:
    response = signed_in(client, case_worker).post(PAGE)

    assert response.status_code == 403
    assert not DashboardSnapshot.objects.exists()
