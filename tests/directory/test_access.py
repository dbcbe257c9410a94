"""Who may open each directory and referral page and API endpoint, with exact statuses
(DP-1, DP-2, CC-15). Missing and forbidden cases answer the same 404; a caller who sees the
case but may not refer gets 403; refused writes change nothing."""

from typing import Any

import pytest
from django.test import Client

from haven.audit.models import AuditEvent
from haven.cases.models import CaseAssignment
from haven.directory.models import Referral, ServiceOffer
from tests.conftest import signed_in


def _state() -> tuple[int, ...]:
    return (
        Referral.objects.count(),
        ServiceOffer.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def callers(
    case_worker,
    supervisor,
    unassigned_case_worker,
    outsider,
    statistician,
    admin,
    psychologist,
    shelter_admin,
    assigned_interpreter,
):  # type: ignore[no-untyped-def]
    return {
        "case_worker": case_worker,  # on the case, in the lead agency
        "supervisor": supervisor,  # lead agency, sees every case, manages the directory
        "unassigned": unassigned_case_worker,  # lead agency, not on the case
        "outsider": outsider,  # case worker of the shelter (answers the shelter's referrals)
        "statistician": statistician,
        "admin": admin,  # agency admin of the lead agency: manages the directory, no case
        "psychologist": psychologist,  # the shelter's: answers referrals
        "shelter_admin": shelter_admin,
        "interpreter": assigned_interpreter,  # sees the case, may not refer
    }


def _status(client: Client, user: Any, method: str, url: str, data: Any = None) -> int:
    client.logout()
    if user is not None:
        signed_in(client, user)
    if method == "get":
        return client.get(url).status_code
    if method == "patch":
        return client.patch(url, data or {}, content_type="application/json").status_code
    if url.startswith("/api/"):
        return client.post(url, data or {}, content_type="application/json").status_code
    return client.post(url, data or {}).status_code


# fmt: off
PAGES = {
    # page:                    case_worker super unasgn outsid stat admin psych s.adm interp
    "/directory/":                  (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "/directory/manage/":           (403, 200, 403, 403, 403, 200, 403, 200, 403),
    "/directory/manage/new/":       (403, 200, 403, 403, 403, 200, 403, 200, 403),
    "/directory/assessments/":      (403, 200, 403, 403, 403, 200, 403, 200, 403),
    "/directory/referrals/incoming/": (200, 200, 200, 200, 403, 403, 200, 403, 403),
    "case:referrals/":              (200, 200, 404, 404, 404, 404, 404, 404, 403),
    "case:referrals/new/":          (200, 200, 404, 404, 404, 404, 404, 404, 403),
    "offer:edit":                   (403, 404, 403, 403, 403, 404, 403, 200, 403),
}
API = {
    "/api/v1/directory/offers/":             (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "/api/v1/directory/referrals/incoming/": (200, 200, 200, 200, 403, 403, 200, 403, 403),
    "case:/api/referrals/":                  (200, 200, 404, 404, 404, 404, 404, 404, 403),
}
# fmt: on


def _url(path: str, case: Any, offer: Any) -> str:
    if path.startswith("case:/api/"):
        return f"/api/v1/cases/{case.public_id}/{path.removeprefix('case:/api/')}"
    if path.startswith("case:"):
        return f"/cases/{case.public_id}/{path.removeprefix('case:')}"
    if path == "offer:edit":
        return f"/directory/manage/{offer.public_id}/"
    return path


@pytest.mark.slow(
    reason="every directory page and endpoint for every kind of caller, in one matrix"
)
def test_cc15_dp2_every_page_and_read_endpoint_answers_exactly(
    client: Client, callers, case, counselling, referral
):
    names = list(callers)
    for table in (PAGES, API):
        for path, expected in table.items():
            url = _url(path, case, counselling)
            got = tuple(_status(client, callers[n], "get", url) for n in names)
            assert dict(zip(names, got, strict=True)) == dict(zip(names, expected, strict=True)), (
                path
            )


def test_anonymous_is_sent_to_sign_in_by_pages_and_refused_by_the_api(
    client: Client, case, counselling
):
    for path in PAGES:
        response = client.get(_url(path, case, counselling))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    for path in API:
        assert client.get(_url(path, case, counselling)).status_code == 403, path


def test_dp2_answering_a_referral_of_another_agency_is_404_and_changes_nothing(
    client: Client, callers, referral
):
    before = _state()
    for name in ("case_worker", "supervisor", "unassigned"):
        user = callers[name]
        for kind in ("accept", "decline"):
            url = f"/directory/referrals/{referral.public_id}/{kind}/"
            assert _status(client, user, "post", url, {"reason": "Fictional"}) == 404, name
            api = f"/api/v1/directory/referrals/{referral.public_id}/{kind}/"
            assert _status(client, user, "post", api, {"reason": "Fictional"}) == 404, name
    for name in ("statistician", "shelter_admin"):  # cannot answer referrals at all
        api = f"/api/v1/directory/referrals/{referral.public_id}/accept/"
        assert _status(client, callers[name], "post", api) == 403, name
    assert _state() == before


def test_cc15_the_shelters_psychologist_accepts_on_the_page_and_opens_the_case(
    client: Client, psychologist, referral, case
):
    url = f"/directory/referrals/{referral.public_id}/accept/"
    response = signed_in(client, psychologist).post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.public_id}/"
    assert client.get(response["Location"]).status_code == 200


def test_cc15_api_accept_and_decline(client: Client, psychologist, outsider, referral, case):
    signed_in(client, outsider)
    url = f"/api/v1/directory/referrals/{referral.public_id}/decline/"
    response = client.post(url, {"reason": ""}, content_type="application/json")
    assert response.status_code == 400
    assert Referral.objects.get().status == "sent"
    client.logout()
    signed_in(client, psychologist)
    url = f"/api/v1/directory/referrals/{referral.public_id}/accept/"
    response = client.post(url, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["case"] == str(case.public_id)
    assert client.post(url, content_type="application/json").status_code == 400  # only once


def test_dp2_withdrawing_is_for_the_referring_side_only(client: Client, callers, accepted, case):
    before = _state()
    for name, expected in (("outsider", 404), ("interpreter", 403), ("psychologist", 403)):
        url = f"/api/v1/cases/{case.public_id}/referrals/{accepted.public_id}/withdraw/"
        assert _status(client, callers[name], "post", url) == expected, name
        page = f"/cases/{case.public_id}/referrals/{accepted.public_id}/withdraw/"
        assert _status(client, callers[name], "post", page) == expected, name
    assert _state() == before
    url = f"/api/v1/cases/{case.public_id}/referrals/{accepted.public_id}/withdraw/"
    assert (
        _status(client, callers["case_worker"], "post", url, {"reason_code": "no_longer_needed"})
        == 200
    )
    assert Referral.objects.get().status == "withdrawn"


def test_cc15_offers_are_managed_only_by_their_agencys_directory_managers(
    client: Client, callers, counselling
):
    body = {"service_type": "Legal", "name": "Fictional legal clinic", "country": "TH"}
    before = _state()
    for name in ("case_worker", "psychologist", "statistician"):
        assert _status(client, callers[name], "post", "/api/v1/directory/offers/", body) == 403
        assert _status(client, callers[name], "post", "/directory/manage/new/", body) == 403
    patch = f"/api/v1/directory/offers/{counselling.public_id}/"
    assert _status(client, callers["supervisor"], "patch", patch, {"is_active": False}) == 404
    post = f"/directory/manage/{counselling.public_id}/deactivate/"
    assert _status(client, callers["supervisor"], "post", post) == 404
    assert _state() == before
    assert (
        _status(client, callers["shelter_admin"], "post", "/api/v1/directory/offers/", body) == 201
    )
    assert _status(client, callers["shelter_admin"], "patch", patch, {"is_active": False}) == 200
    counselling.refresh_from_db()
    assert counselling.is_active is False
