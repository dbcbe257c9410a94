"""The pages practitioners open most read the same number of queries however much the agency
holds (CC-9, CC-14): a page that read one more query per case, per interview or per alert would
be fine on a demo and unusable at national scale, where bench/pages.py times them at 100,000
cases. Each page is counted on a small agency, then again after the agency, the case worker's
caseload, the open case's interviews, the alerts and the children on record have grown; the two
counts must be equal. The menu's counts, kept in the session for a minute, are warmed first."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.identification.services import screening_record
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import child_fields, interview, staff

pytestmark = pytest.mark.django_db


def _open_case(actor: Any, agency: Any, n: int) -> Case:
    """A case the actor registers (and so holds), screened two days ago: its first steps are
    overdue, which raises alerts and puts lines on What is due."""
    case = case_register(
        actor=actor,
        agency=agency,
        child=child_fields(given_name=f"Fictional{n}", family_name="Child"),
        nationalities=["MM"],
        languages=["my"],
        summary="Fictional summary.",
    )
    screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=48),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
    )
    return case


def _grow(agency: Any, case_worker: Any, case: Case, start: int) -> None:
    """Five more cases for the case worker, five for a colleague, three more interviews on
    `case`, and the alerts of all of them raised."""
    colleague = staff(agency, Role.CASE_WORKER, username=f"colleague{start}")
    for n in range(start, start + 5):
        _open_case(case_worker, agency, n)
        _open_case(colleague, agency, n + 100)
    for hours in (30, 20, 10):
        interview(case, case_worker, conducted_at=timezone.now() - timedelta(hours=hours))
    evaluate(Case.objects.all())


def _queries(client: Client, method: str, url: str, data: Any = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
    assert response.status_code in (200, 302), (url, response.status_code)
    # Savepoints are the test's transaction around each write (the session's too), not reads.
    return sum(
        1 for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    )


@pytest.fixture
def world(agency: Any, case_worker: Any, supervisor: Any) -> dict[str, Any]:
    case = _open_case(case_worker, agency, 0)
    _open_case(case_worker, agency, 1)
    # A child of the same name whose case the case worker may not open: the search names its
    # agency alone (DP-1), from the start.
    _open_case(staff(agency, Role.CASE_WORKER, username="colleague"), agency, 0)
    # The child has told their story more often than the threshold (CC-6) from the start, so
    # that what grows is the data, not which rules find something.
    for hours in range(4):
        interview(case, case_worker, conducted_at=timezone.now() - timedelta(hours=40 + hours))
    evaluate(Case.objects.all())
    return {"case": case}


PAGES = [
    ("My cases, case worker", "case_worker", "get", "/cases/"),
    ("My cases, supervisor (the agency)", "supervisor", "get", "/cases/"),
    ("case page", "case_worker", "get", "/cases/{case}/"),
    ("case page, supervisor", "supervisor", "get", "/cases/{case}/"),
    ("alerts", "case_worker", "get", "/alerts/"),
    ("what is due", "case_worker", "get", "/cases/due/"),
    ("referral inbox", "case_worker", "get", "/directory/referrals/incoming/"),
    ("dashboard", "supervisor", "get", "/reports/dashboard/"),
    ("is this child already known?", "case_worker", "post", "/cases/find/"),
]


def _interview(client: Client, case: Case, hours: int) -> int:
    conducted = timezone.localtime() - timedelta(hours=hours)
    return _queries(
        client,
        "post",
        f"/cases/{case.public_id}/interviews/new/",
        {
            "kind": "assessment",
            "conducted_at": conducted.strftime("%Y-%m-%dT%H:%M"),
            "interviewer": "Fictional Psychologist",
            "duration_minutes": "30",
            "interpreter": "Fictional Interpreter",
        },
    )


def _counts(clients: dict[str, Client], case: Case) -> dict[str, int]:
    counts = {}
    for page, who, method, url in PAGES:
        client, url = clients[who], url.format(case=case.public_id)
        data = {"name": "Fictional0 Child"} if method == "post" else None
        counts[page] = _queries(client, method, url, data)
    return counts


@pytest.mark.slow(reason="grows an agency by ten screened cases; nine pages and a write, twice")
def test_cc6_cc9_cc14_each_page_and_a_write_read_the_same_queries_for_a_larger_agency(
    world: dict[str, Any], agency: Any, case_worker: Any, supervisor: Any
) -> None:
    case = world["case"]
    clients = {
        "case_worker": signed_in(Client(), case_worker),
        "supervisor": signed_in(Client(), supervisor),
    }
    _interview(clients["case_worker"], case, 5)  # a write of one's own drops the menu's counts
    _counts(clients, case)  # which are then kept in the session for a minute
    small = _counts(clients, case) | {
        "recording an interview": _interview(clients["case_worker"], case, 4)
    }
    alerts = Alert.objects.filter(status="open").count()

    _grow(agency, case_worker, case, start=2)

    assert Alert.objects.filter(status="open").count() > alerts
    for client in clients.values():
        client.get("/cases/")  # the menu's counts again, for the larger caseload
    large = _counts(clients, case) | {
        "recording an interview": _interview(clients["case_worker"], case, 3)
    }
    assert large == small
