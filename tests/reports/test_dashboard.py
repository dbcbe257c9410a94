"""The supervisor's dashboard: caseloads against the ceiling (CC-14), handovers (CC-9), open
alerts, overdue first steps (ID-4) and guardians (PS-2), exact on a small agency, in a fixed
number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.cases.services import case_assign
from haven.children.models import Child
from haven.identification.models import FirstStep
from haven.identification.services import screening_record
from haven.placements.services import placement_record
from haven.protection.services import guardian_appoint, guardian_create
from haven.reports import selectors
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import staff
from tests.reports.conftest import open_case


def test_cc14_caseloads_count_current_case_worker_assignments_on_open_cases(
    office_cases, supervisor, case_worker, second_worker, settings
):
    settings.HAVEN_CASELOAD_CEILING = 2

    loads = selectors.caseloads(
        selectors.dashboard_agencies(supervisor), selectors.dashboard_cases(supervisor)
    )

    assert [(p["name"], p["load"], p["over"]) for p in loads] == [
        (f"{case_worker.first_name} {case_worker.last_name}", 3, True),
        (f"{supervisor.first_name} {supervisor.last_name}", 0, False),
        ("Bua Second", 0, False),
    ]


def test_cc14_interpreters_load_is_visible_too(office_cases, supervisor, other_agency):
    interpreter = staff(
        other_agency, Role.INTERPRETER, username="int", first_name="Mya", last_name="Interp"
    )
    for case in office_cases[:2]:
        case_assign(case=case, actor=supervisor, user=interpreter, role="interpreter")

    loads = selectors.interpreter_loads(selectors.dashboard_cases(supervisor))

    assert [(p["name"], p["load"]) for p in loads] == [("Mya Interp", 2)]


def test_cc9_handovers_in_the_last_90_days_and_cases_handed_over_twice(office_cases, supervisor):
    figures = selectors.handovers(selectors.dashboard_cases(supervisor))

    assert {k: v for k, v in figures.items() if k != "often"} == {
        "days": 90,
        "cases": 3,
        "handovers": 2,
        "per_case": 0.67,
        "none": 2,
        "once": 0,
        "twice_or_more": 1,
    }
    assert figures["often"] == [
        {
            "public_id": str(office_cases[0].public_id),
            "reference": office_cases[0].reference,
            "handovers": 2,
        }
    ]


def _screened(case, actor, hours_ago):  # type: ignore[no-untyped-def]
    screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=hours_ago),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
        means=["none"],
        movement="none",
    )


def test_id4_cases_with_overdue_first_steps(office_cases, supervisor, case_worker):
    case = office_cases[1]
    _screened(case, case_worker, hours_ago=2)
    FirstStep.objects.filter(case=case, kind="safe_accommodation").update(
        due_at=timezone.now() - timedelta(hours=1)
    )
    # A due time passes without a write: the sweep raises the alert the dashboard reads.
    evaluate(Case.objects.filter(pk=case.pk))

    figures = selectors.overdue_first_steps(selectors.dashboard_cases(supervisor))

    assert figures["cases"] == 1
    assert [s["kind"] for s in figures["by_step"]] == ["safe_accommodation"]
    assert figures["listed"] == [{"public_id": str(case.public_id), "reference": case.reference}]


def test_id4_overdue_first_steps_count_each_case_once_and_list_by_reference(
    office_cases, supervisor, case_worker
):
    """A case with two steps overdue is one case in the total and one in each step's row; a
    step another record meets (the case worker's assignment) is not late."""
    first, second = sorted(office_cases[1:3], key=lambda c: c.reference)
    for case in (first, second):
        _screened(case, case_worker, hours_ago=2)
    late = timezone.now() - timedelta(hours=1)
    FirstStep.objects.filter(
        case=first, kind__in=["safe_accommodation", "urgent_medical", "case_worker"]
    ).update(due_at=late)
    FirstStep.objects.filter(case=second, kind="urgent_medical").update(due_at=late)
    evaluate(Case.objects.filter(pk__in=[first.pk, second.pk]))

    figures = selectors.overdue_first_steps(selectors.dashboard_cases(supervisor))

    assert figures["cases"] == 2
    assert {s["kind"]: s["cases"] for s in figures["by_step"]} == {
        "urgent_medical": 2,
        "safe_accommodation": 1,
    }
    assert figures["by_step"][0]["kind"] == "urgent_medical"
    assert figures["listed"] == [
        {"public_id": str(first.public_id), "reference": first.reference},
        {"public_id": str(second.public_id), "reference": second.reference},
    ]


def test_ps1_ps5_a_late_guardian_and_rights_step_are_counted_by_their_measures_alerts(
    office_cases, supervisor, case_worker
):
    """The guardian and rights steps raise PS-1's and PS-5's alerts, not ID-4's: a child without
    parental care identified eight days ago, with no guardian and told nothing, is late on both
    steps. Its other steps are done, and a closed case's alerts are not counted."""
    case = office_cases[1]
    Child.objects.filter(pk=case.child_id).update(parental_care="unaccompanied")
    _screened(case, case_worker, hours_ago=8 * 24)
    FirstStep.objects.filter(case=case).exclude(kind__in=["guardian", "rights_information"]).update(
        status=FirstStep.Status.DONE, closed_at=timezone.now()
    )
    evaluate(Case.objects.filter(pk=case.pk))
    assert set(
        Alert.objects.filter(case=case, status="open").values_list("rule_code", flat=True)
    ) >= {
        "ps1.guardian_overdue",
        "ps5.no_information",
    }

    figures = selectors.overdue_first_steps(selectors.dashboard_cases(supervisor))

    assert figures["cases"] == 1
    assert {s["kind"]: s["cases"] for s in figures["by_step"]} == {
        "guardian": 1,
        "rights_information": 1,
    }
    Case.objects.filter(pk=case.pk).update(stage=Case.Stage.CLOSED)
    assert selectors.overdue_first_steps(selectors.dashboard_cases(supervisor))["cases"] == 0


def test_nd2_critical_alerts_come_first(office_cases, supervisor, case_worker):
    placement_record(
        case=office_cases[2],
        actor=case_worker,
        type="police_cell",
        facility="Fictional police station",
        start_on=timezone.localdate(),
    )

    rows = selectors.open_alerts(selectors.dashboard_cases(supervisor))

    assert rows[0]["measure_id"] == "ND-2"
    assert rows[0]["severity"] == "critical"
    assert (rows[0]["alerts"], rows[0]["cases"]) == (1, 1)
    assert [r["severity"] for r in rows] == sorted(
        [r["severity"] for r in rows], key=["critical", "alert", "reminder", "block"].index
    )


def test_ps2_guardians_against_their_ceiling(office_cases, supervisor, agency):
    guardian = guardian_create(
        agency=agency, actor=supervisor, name="Fictional Guardian", caseload_ceiling=1
    )
    guardian_appoint(
        case=office_cases[0],
        actor=supervisor,
        guardian=guardian,
        appointed_on=timezone.localdate(),
        appointed_by="Fictional court",
        reason="Fictional: unaccompanied.",
    )

    assert selectors.guardian_loads(selectors.dashboard_agencies(supervisor)) == [
        {
            "name": "Fictional Guardian",
            "caseload": 1,
            "ceiling": 1,
            "at_or_over": True,
            "active": True,
        }
    ]


def _page_queries(client, supervisor) -> int:  # type: ignore[no-untyped-def]
    client = signed_in(client, supervisor)
    # The menu's figures are counted on the first page, then kept a minute: count from the second.
    client.get("/reports/dashboard/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/reports/dashboard/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_cc14_dashboard_query_count_does_not_grow_with_cases(
    client, office_cases, supervisor, case_worker, agency, second_worker, settings
):
    settings.HAVEN_DASHBOARD_MAX_AGE = 0  # counted on each request
    before = _page_queries(client, supervisor)
    for _ in range(4):
        case = open_case(second_worker, agency)
        case_assign(
            case=case, actor=supervisor, user=case_worker, role="case_worker", handover_note="x"
        )
    staff(agency, Role.CASE_WORKER, username="cw3")

    assert _page_queries(client, supervisor) == before
    assert before <= 25, before


def test_cc14_the_dashboard_names_no_child(client, office_cases, supervisor):
    body = signed_in(client, supervisor).get("/reports/dashboard/").content.decode()

    assert "Testchild" not in body and "Mali" not in body
    assert office_cases[0].reference in body  # handed over twice: linked by public ID
    assert f"/cases/{office_cases[0].public_id}/" in body


# --- the heaviest on the dashboard, everyone on a page of its own -------------------------------


def _rows(html: str, section: str) -> list[str]:
    """The names in the rows of one of the dashboard's tables, in order."""
    part = html[html.index(f'id="{section}"') :]
    part = part[: part.index("</table>")]
    return [cell.split("</td>")[0] for cell in part.split("<tr><td>")[1:]]


def test_cc14_the_dashboard_lists_the_heaviest_and_links_to_everyone(
    client, office_cases, supervisor, case_worker, settings, monkeypatch
):
    settings.HAVEN_CASELOAD_CEILING = 3
    monkeypatch.setattr(selectors, "SHOWN", 1)

    html = signed_in(client, supervisor).get("/reports/dashboard/").content.decode()

    assert _rows(html, "d-load") == [f"{case_worker.first_name} {case_worker.last_name}"]
    assert "The 1 heaviest of 3." in html
    assert 'href="/reports/dashboard/case-workers/"' in html
    # Nobody interprets and one guardian at most: nothing more to link to.
    assert 'href="/reports/dashboard/interpreters/"' not in html


def test_cc14_everyone_at_or_over_the_ceiling_is_listed_up_to_the_limit(
    client, office_cases, supervisor, settings, monkeypatch
):
    settings.HAVEN_CASELOAD_CEILING = 0  # everyone is at it or over it
    monkeypatch.setattr(selectors, "SHOWN", 1)
    monkeypatch.setattr(selectors, "LISTED", 2)

    figures = selectors.dashboard(supervisor)["caseloads"]

    assert [(p["load"], p["loaded"]) for p in figures["rows"]] == [(3, True), (0, True)]
    assert (figures["total"], figures["burdened"]) == (3, 3)


def test_cc14_the_caseloads_page_lists_everyone_a_page_at_a_time(
    client, office_cases, supervisor, case_worker, monkeypatch
):
    from haven.reports import views

    monkeypatch.setattr(views, "PEOPLE_PER_PAGE", 2)
    signed_in(client, supervisor)
    url = "/reports/dashboard/case-workers/"

    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    everyone = [
        p["name"]
        for p in selectors.caseloads(
            selectors.dashboard_agencies(supervisor), selectors.dashboard_cases(supervisor)
        )
    ]
    assert _rows(first, "main") + _rows(second, "main") == everyone
    assert _rows(first, "main")[0] == f"{case_worker.first_name} {case_worker.last_name}"
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    # A page that is not a number, or past the end, is the first or the last, not an error.
    assert _rows(client.get(url + "?page=abc").content.decode(), "main") == _rows(first, "main")
    assert _rows(client.get(url + "?page=99").content.decode(), "main") == _rows(second, "main")


def test_cc14_ps2_each_list_of_people_has_its_page_and_nothing_else_does(
    client, office_cases, supervisor
):
    signed_in(client, supervisor)

    assert [
        client.get(f"/reports/dashboard/{who}/").status_code
        for who in ("case-workers", "interpreters", "guardians", "children")
    ] == [200, 200, 200, 404]


def test_cc14_the_caseloads_page_reads_the_same_queries_for_more_people(
    client, office_cases, supervisor, agency
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/reports/dashboard/case-workers/").status_code == 200
        return len(ctx.captured_queries)

    signed_in(client, supervisor)
    # The menu's figures are counted on the first page, then kept a minute: count from the second.
    client.get("/reports/dashboard/case-workers/")
    few = queries()
    for n in range(5):
        worker = staff(agency, Role.CASE_WORKER, username=f"more{n}")
        open_case(worker, agency)

    assert queries() == few
