"""Who may open each reports page and API endpoint (DP-1, DP-2, DP-10, DP-12), with exact
statuses. A page about the user's own agency answers 403 to those without the capability; a
release they may not see answers 404, as a missing one does. Refused writes change nothing."""

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.reports.models import Release, ReleaseAuthorisation
from haven.reports.services import release_request
from tests.conftest import signed_in
from tests.factories import staff

CALLERS = ["anonymous", "case_worker", "supervisor", "cp_officer", "statistician", "outsider",
           "other_supervisor", "admin"]  # fmt: skip


@pytest.fixture
def people(case_worker, supervisor, cp_officer, statistician, outsider, admin, other_agency):  # type: ignore[no-untyped-def]
    return {
        "anonymous": None,
        "case_worker": case_worker,
        "supervisor": supervisor,
        "cp_officer": cp_officer,
        "statistician": statistician,
        "outsider": outsider,
        "other_supervisor": staff(other_agency, Role.SUPERVISOR, username="osup"),
        "admin": admin,
    }


@pytest.fixture
def release(case, statistician):  # type: ignore[no-untyped-def]
    return release_request(actor=statistician, year=None, tables=["gender"], purpose="Fictional.")


def _client(people, who):  # type: ignore[no-untyped-def]
    return Client() if people[who] is None else signed_in(Client(), people[who])


def _state():  # type: ignore[no-untyped-def]
    return (
        Release.objects.count(),
        ReleaseAuthorisation.objects.count(),
        AuditEvent.objects.count(),
    )


#                      anon  cw   sup  cp   stat out  osup admin
PAGES = {
    "dashboard/": (302, 403, 200, 200, 403, 403, 200, 403),
    "dashboard/case-workers/": (302, 403, 200, 200, 403, 403, 200, 403),
    "dashboard/guardians/": (302, 403, 200, 200, 403, 403, 200, 403),
    "statistics/": (302, 403, 200, 403, 200, 403, 200, 403),
    "releases/": (302, 403, 200, 403, 200, 403, 200, 403),
    "releases/new/": (302, 403, 200, 403, 200, 403, 200, 403),
    "releases/{id}/": (302, 404, 200, 404, 200, 404, 404, 404),
    "releases/{id}/download/": (302, 404, 403, 404, 400, 404, 404, 404),
}
API = {
    "statistics/": (403, 403, 200, 403, 200, 403, 200, 403),
    "releases/": (403, 403, 200, 403, 200, 403, 200, 403),
    "releases/{id}/": (403, 404, 200, 404, 200, 404, 404, 404),
    "releases/{id}/download/": (403, 404, 403, 404, 400, 404, 404, 404),
}


@pytest.mark.parametrize("path", list(PAGES))
def test_dp1_reports_pages_answer_each_caller_exactly(path, people, release):
    got = tuple(
        _client(people, who).get("/reports/" + path.format(id=release.public_id)).status_code
        for who in CALLERS
    )
    assert got == PAGES[path]


@pytest.mark.parametrize("path", list(API))
def test_dp1_reports_api_answers_each_caller_exactly(path, people, release):
    got = tuple(
        _client(people, who).get("/api/v1/reports/" + path.format(id=release.public_id)).status_code
        for who in CALLERS
    )
    assert got == API[path]


#                 anon  cw   sup  cp   stat out  osup admin
AUTHORISE_PAGE = (302, 404, 302, 404, 403, 404, 404, 404)
AUTHORISE_API = (403, 404, 200, 404, 403, 404, 404, 404)


@pytest.mark.parametrize("index", range(len(CALLERS)))
def test_dp12_only_a_supervisor_of_the_agency_counted_authorises(index, people, release):
    who = CALLERS[index]
    before = _state()
    page = _client(people, who).post(f"/reports/releases/{release.public_id}/authorise/")
    assert page.status_code == AUTHORISE_PAGE[index]
    if page.status_code != 302 or who == "anonymous":
        assert _state() == before
    ReleaseAuthorisation.objects.all().delete()
    before = _state()
    api = _client(people, who).post(
        f"/api/v1/reports/releases/{release.public_id}/authorise/",
        {},
        content_type="application/json",
    )
    assert api.status_code == AUTHORISE_API[index]
    if api.status_code != 200:
        assert _state() == before


@pytest.mark.parametrize("who", ["case_worker", "cp_officer", "outsider", "admin"])
def test_dp12_only_statistics_holders_ask_for_a_release(who, people, case):
    before = _state()
    page = _client(people, who).post(
        "/reports/releases/new/",
        {"period": "all", "tables": ["gender"], "purpose": "Fictional.", "format": "csv"},
    )
    api = _client(people, who).post(
        "/api/v1/reports/releases/",
        {"purpose": "Fictional.", "tables": ["gender"]},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (403, 403)
    assert _state() == before


def test_dp12_a_statistician_asks_for_a_release_through_the_api(people, case):
    response = _client(people, "statistician").post(
        "/api/v1/reports/releases/",
        {"purpose": "Fictional.", "tables": ["gender", "status"], "year": None},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["tables"] == ["gender", "status"]
    assert (response.json()["agencies"], response.json()["authorised"]) == (1, 0)


def test_dp12_an_api_refusal_uses_the_error_envelope(people, release):
    response = _client(people, "statistician").get(
        f"/api/v1/reports/releases/{release.public_id}/download/"
    )
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"] == {
        "non_field_errors": [
            "Every contributing agency must authorise this release before it is downloaded."
        ]
    }


def test_dp13_reports_pages_are_not_stored(people, release):
    response = _client(people, "supervisor").get("/reports/dashboard/")
    assert "no-store" in response["Cache-Control"]


def test_dp10_the_statistics_api_carries_no_identity(people, case):
    body = _client(people, "statistician").get("/api/v1/reports/statistics/?year=all")
    assert body.status_code == 200
    text = body.content.decode()
    for secret in (case.reference, str(case.public_id), case.lead_agency.name, "Mali"):
        assert secret not in text
    assert body.json()["tables"]["gender"]["total"] is None
