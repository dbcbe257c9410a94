"""My cases a page at a time, most urgent first, with "Show more" for the next ones (CC-14: a
supervisor's whole agency on a phone); the filters still travel by POST (DP-13)."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.cases import views
from haven.cases.access import agencies_seeing_every_alert
from haven.cases.models import Case
from haven.cases.selectors import case_list, first_of, first_page
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.reports.conftest import open_case

HTMX = {"HTTP_HX_REQUEST": "true"}


def _listed(response: Any) -> list[str]:
    return re.findall(r'<a class="name" href="/cases/([0-9a-f-]{36})/"', response.content.decode())


def _more(response: Any) -> str | None:
    found = re.search(r'name="shown" value="(\d+)"', response.content.decode())
    return found.group(1) if found else None


@pytest.fixture
def five(agency: Any, supervisor: Any, monkeypatch: Any) -> list[str]:
    """Five open cases of the agency, two to a page, in the list's order."""
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    for given in ("Fictone", "Fictwo", "Fictthree", "Fictfour", "Fictfive"):
        open_case(supervisor, agency, given_name=given)
    return [str(c.public_id) for c in case_list(supervisor, scope="all")]


def test_cc14_my_cases_shows_the_first_page_and_a_button_for_more(
    five: list[str], supervisor: Any
) -> None:
    response = signed_in(Client(), supervisor).get("/cases/")

    assert response.status_code == 200
    assert _listed(response) == five[:2]
    assert _more(response) == "2"
    assert "Show more cases" in response.content.decode()


def test_cc14_show_more_adds_the_next_cases_and_the_last_page_has_no_button(
    five: list[str], supervisor: Any
) -> None:
    client = signed_in(Client(), supervisor)

    second = client.post("/cases/", {"scope": "all", "shown": "2"}, **HTMX)
    third = client.post("/cases/", {"scope": "all", "shown": "4"}, **HTMX)

    assert _listed(second) == five[2:4]
    assert _more(second) == "4"
    assert '<div id="results">' not in second.content.decode()
    assert _listed(third) == five[4:]
    assert _more(third) is None
    assert "Show more cases" not in third.content.decode()


def test_dp13_show_more_keeps_the_filters_in_the_form_not_the_address(
    agency: Any, supervisor: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "CASES_PER_PAGE", 1)
    for given in ("Fictmali", "Fictmalee", "Fictsomchai"):
        open_case(supervisor, agency, given_name=given)
    client = signed_in(Client(), supervisor)

    first = client.post("/cases/", {"scope": "all", "q": "fictmali"}, **HTMX)
    body = first.content.decode()
    second = client.post("/cases/", {"scope": "all", "q": "fictmali", "shown": "1"}, **HTMX)

    assert '<input type="hidden" name="q" value="fictmali">' in body
    assert "fictmali" not in re.findall(r'hx-post="([^"]*)"', body)[0]
    assert len(_listed(first)) == len(_listed(second)) == 1
    assert _more(second) is None
    assert "Fictsomchai" not in first.content.decode() + second.content.decode()


@pytest.mark.parametrize("shown", ["-2", "abc", "99999999"])
def test_a_tampered_page_position_shows_the_first_page(
    five: list[str], supervisor: Any, shown: str
) -> None:
    response = signed_in(Client(), supervisor).post("/cases/", {"shown": shown})

    assert response.status_code == 200
    assert _listed(response) == five[:2]


def _with_alerts(case: Any, n: int) -> None:
    """`n` open alerts on the case, as the engine would leave them (subjects keep them apart)."""
    for i in range(n):
        Alert.objects.create(
            case=case,
            rule_code="cc9.no_case_worker",
            measure_id="CC-9",
            severity="alert",
            subject=f"fictional-{i}",
            raised_at=timezone.now(),
        )


def test_cc14_dp9_the_first_page_read_by_the_index_is_the_list_cut_in_the_same_order(
    agency: Any, other_agency: Any, supervisor: Any, case_worker: Any
) -> None:
    # The supervisor's agency, sorted by the kept count: 0-2 alerts, some changed stage at the
    # same moment (the key's next part), one closed.
    led = [open_case(case_worker, agency) for _ in range(6)]
    same_moment = timezone.now() - timedelta(days=3)
    for i, case in enumerate(led):
        Case.objects.filter(pk=case.pk).update(
            open_alert_count=i % 3, stage_changed_at=same_moment if i % 2 else case.opened_at
        )
    Case.objects.filter(pk=led[5].pk).update(stage="closed")
    # Cases of another agency that the supervisor sees as their case worker there: their
    # alerts counted afresh, as this reader may read them (DP-9), never by the kept count.
    Membership.objects.create(user=supervisor, agency=other_agency, role=Role.CASE_WORKER)
    beyond = [open_case(supervisor, other_agency) for _ in range(3)]
    for n, case in zip((3, 1, 0), beyond, strict=True):
        _with_alerts(case, n)
        Case.objects.filter(pk=case.pk).update(open_alert_count=9)  # must not count here
    assert agencies_seeing_every_alert(supervisor) == [agency.pk]

    for stage in ("", "identification", "closed"):
        listed = case_list(supervisor, scope="all", stage=stage)
        every = [c.pk for c in first_of(listed, 20)]
        for limit, skip in [(1, 0), (2, 0), (2, 2), (3, 4), (2, 7), (20, 0)]:
            page = first_page(supervisor, scope="all", stage=stage, limit=limit, skip=skip)
            assert [c.pk for c in page] == every[skip : skip + limit], (stage, limit, skip)
    open_order = [c.pk for c in first_of(case_list(supervisor, scope="all"), 20)]
    assert open_order[:2] == [beyond[0].pk, led[2].pk]  # 3 alerts, then the kept 2
    assert len(open_order) == 8  # the closed case is not listed


def test_cc14_a_supervisors_first_page_is_read_from_the_agencys_index_in_four_queries(
    agency: Any, supervisor: Any, case_worker: Any, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        open_case(case_worker, agency)
    first_page(supervisor, scope="all", limit=2)  # memberships read once per request

    # What the supervisor may read on cases assigned to them (DP-9), the agency's ordered ids
    # from its index, the cases shared with them (none), the page's rows.
    with django_assert_num_queries(4):
        page = first_page(supervisor, scope="all", limit=2)

    assert len(page) == 2
