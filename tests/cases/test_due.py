"""What is due (CC-9): one list of every dated obligation on a person's cases — first steps,
placement and restriction reviews, hearings — overdue first, each line where the reader may
read what it tells, with its count in the menu. On the page and the API."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.cases.due import due_items, due_now_count, scoped_cases
from haven.cases.services import case_register
from haven.identification.codes import Act, Exploitation
from haven.identification.services import screening_record
from haven.justice import services as justice
from haven.placements.services import placement_record, restriction_record
from tests.conftest import signed_in
from tests.factories import child_fields

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
URGENT = "Fictional: she was found at night and needed a safe bed at once."


def _screened(case, actor, hours_ago=48):  # type: ignore[no-untyped-def]
    screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=hours_ago),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )


@pytest.fixture
def busy_case(case, case_worker):  # type: ignore[no-untyped-def]
    """Screened two days ago (first steps overdue), in an open shelter to review today, with a
    restriction to review in 3 days and a hearing in 2."""
    _screened(case, case_worker)
    placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility="Fictional shelter",
        start_on=TODAY() - timedelta(days=1),
        review_on=TODAY(),
        urgent_reason=URGENT,
    )
    restriction_record(
        case=case,
        actor=case_worker,
        kind="communication",
        description="Fictional: no phone after 9 p.m.",
        decided_by="Fictional Shelter Manager",
        start_on=TODAY() - timedelta(days=1),
        review_on=TODAY() + timedelta(days=3),
        justification="Fictional: she asked for quiet nights to sleep.",
    )
    part = justice.proceeding_open(
        case=case,
        actor=case_worker,
        kind="criminal",
        authority="Fictional Provincial Court",
        stage="trial",
        opened_on=TODAY() - timedelta(days=30),
        role="witness",
    )
    justice.hearing_record(
        case=case,
        actor=case_worker,
        part=part,
        held_on=TODAY() + timedelta(days=2),
        purpose="Fictional: first hearing",
    )
    return case


def _lines(user, scope="mine"):  # type: ignore[no-untyped-def]
    return [(i.on - TODAY(), str(i.what)) for i in due_items(user, scoped_cases(user, scope))]


def test_cc9_the_list_holds_every_dated_obligation_overdue_first(busy_case, case_worker):
    lines = _lines(case_worker)

    overdue = [what for days, what in lines if days.days < 0]
    assert "Arrange safe accommodation" not in overdue  # met by the open shelter (ID-4)
    assert "Check urgent medical needs" in overdue
    # The referral is done at once by a child-protection authority; the case worker is assigned.
    assert "Refer to the child-protection authority" not in overdue
    later = [(days.days, what) for days, what in lines if days.days >= 0]
    assert later == [
        (0, "Arrange an interpreter in the child's language"),
        (0, "Review the placement: Open shelter"),
        (1, "Explain the child's rights"),
        (2, "Hearing: prepare the child and the support person (Fictional: first hearing)"),
        (3, "Review the restriction: Phone, internet or letters"),
    ]
    assert [d for d, _w in lines] == sorted(d for d, _w in lines)
    assert due_now_count(case_worker) == len(overdue) + 2


def test_dp1_an_interpreter_sees_the_first_steps_but_not_where_the_child_lives_or_the_hearing(
    busy_case, assigned_interpreter
):
    whats = {what for _d, what in _lines(assigned_interpreter)}
    assert "Check urgent medical needs" in whats
    assert not any(w.startswith(("Review the", "Hearing")) for w in whats)


def test_cc9_a_supervisor_sees_the_team_and_an_unassigned_worker_nothing(
    busy_case, supervisor, unassigned_case_worker
):
    assert _lines(supervisor, "mine") == []
    assert {what for _d, what in _lines(supervisor, "team")} >= {
        "Review the placement: Open shelter",
        "Check urgent medical needs",
    }
    assert _lines(unassigned_case_worker, "team") == []


def test_cc9_the_list_reads_the_same_queries_for_one_case_and_four(case, case_worker, agency):
    _screened(case, case_worker)
    with CaptureQueriesContext(connection) as one:
        due_items(case_worker, scoped_cases(case_worker))
    for name in ("Dara", "Mina", "Sok"):
        _screened(
            case_register(actor=case_worker, agency=agency, child=child_fields(given_name=name)),
            case_worker,
        )
    with CaptureQueriesContext(connection) as four:
        items = due_items(case_worker, scoped_cases(case_worker))
    assert len({i.case.pk for i in items}) == 4
    assert len(four) == len(one)


def test_cc9_the_page_groups_the_items_and_the_menu_counts_what_is_due_now(busy_case, case_worker):
    client = signed_in(Client(), case_worker)
    page = client.get("/cases/due/").content.decode()

    assert (
        page.index('id="due-overdue"') < page.index('id="due-today"') < page.index('id="due-week"')
    )
    assert (
        f'href="/cases/{busy_case.public_id}/placement/">Review the placement: Open shelter' in page
    )
    assert f"{due_now_count(case_worker)} due now" in page


def test_cc9_nothing_due_says_so(case_worker):
    page = signed_in(Client(), case_worker).get("/cases/due/").content.decode()
    assert "Nothing is due this week." in page


def test_cc9_the_api_lists_the_same_items_in_iso_dates(busy_case, case_worker):
    rows = signed_in(Client(), case_worker).get("/api/v1/due/").json()
    assert [r["what"] for r in rows] == [
        str(i.what) for i in due_items(case_worker, scoped_cases(case_worker))
    ]
    assert rows[-1]["on"] == (TODAY() + timedelta(days=3)).isoformat()
    assert {r["reference"] for r in rows} == {busy_case.reference}
