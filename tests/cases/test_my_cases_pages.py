"""My cases a page at a time, most urgent first, with "Show more" for the next ones (CC-14: a
supervisor's whole agency on a phone); the filters still travel by POST (DP-13)."""

import re
from typing import Any

import pytest
from django.test import Client

from haven.cases import views
from haven.cases.selectors import case_list
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
