"""What every response must get right, whatever the page (DP-3, DP-13, CC-7), how bad input is
answered on the pages and in the API, and the registration journey end to end."""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, CaseNote, Interview, StageChange
from haven.cases.services import case_register
from haven.children.models import Child
from tests.conftest import signed_in
from tests.factories import child_fields


def _signed_in_pages(case) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "/cases/",
        "/cases/new/",
        f"/cases/{case.public_id}/",
        f"/cases/{case.public_id}/child/",
        f"/cases/{case.public_id}/child/age/",
        f"/cases/{case.public_id}/interviews/new/",
        "/alerts/",
        "/accounts/me/",
        "/accounts/password/",
        "/api/v1/cases/",
        f"/api/v1/cases/{case.public_id}/",
        f"/api/v1/cases/{case.public_id}/interviews/",
        f"/api/v1/children/{case.child.public_id}/",
        "/api/v1/alerts/",
        "/api/schema/",
        "/api/docs/",
        "/cases/00000000-0000-0000-0000-000000000000/",  # 404 page
        "/api/v1/cases/00000000-0000-0000-0000-000000000000/",  # 404 in the API
        "/accounts/members/",  # 403 page for a case worker
        "/",  # redirect
    ]


@pytest.fixture
def pages(client: Client, case, case_worker):  # type: ignore[no-untyped-def]
    signed_in(client, case_worker)
    responses = {url: client.get(url) for url in _signed_in_pages(case)}
    assert responses["/accounts/members/"].status_code == 403
    assert responses["/"].status_code == 302
    assert {r.status_code for u, r in responses.items() if "0000" in u} == {404}
    for url, response in responses.items():
        if url not in ("/", "/accounts/members/") and "0000" not in url:
            assert response.status_code == 200, url
    return responses


# --- headers ----------------------------------------------------------------------------------


def test_dp13_every_signed_in_response_says_no_store(pages) -> None:  # type: ignore[no-untyped-def]
    for url, response in pages.items():
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control, url
        assert "private" in cache_control, url


def test_dp13_the_sign_in_page_is_not_stored_either(client: Client) -> None:
    assert "no-store" in client.get("/accounts/login/")["Cache-Control"]


def test_dp13_csp_allows_no_inline_script_and_pages_have_none(pages) -> None:  # type: ignore[no-untyped-def]
    for url, response in pages.items():
        csp = response.get("Content-Security-Policy", "")
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
        )
        assert "script-src" in directives, url
        assert "'unsafe-inline'" not in directives["script-src"], url
        assert "'unsafe-eval'" not in directives["script-src"], url
        assert directives["frame-ancestors"] == ["'none'"], url
        assert directives["object-src"] == ["'none'"], url
        if response["Content-Type"].startswith("text/html"):
            # Inline scripts would be blocked by the policy anyway: there must be none.
            for tag in re.findall(r"<script\b[^>]*>", response.content.decode()):
                assert "src=" in tag, (url, tag)


def test_dp13_every_response_forbids_framing(pages) -> None:  # type: ignore[no-untyped-def]
    for url, response in pages.items():
        assert response.get("X-Frame-Options") == "DENY", url


# --- names never travel in URLs -------------------------------------------------------------

_URL_ATTRIBUTES = re.compile(r'\b(?:href|src|action|hx-get|hx-post|formaction)="([^"]*)"')


def _urls(content: bytes) -> list[str]:
    return _URL_ATTRIBUTES.findall(content.decode())


def test_dp13_my_cases_filters_by_post_and_no_url_carries_a_name(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    child = case.child
    page = client.get("/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    # The filter form posts (also when HTMX sends it); nothing asks for the names by GET.
    assert re.search(r'<form method="post"[^>]*hx-post="/cases/"', html)
    assert "hx-get" not in html
    assert child.given_name in html  # the case is listed ...
    for url in _urls(page.content):  # ... but its links hold only opaque IDs
        assert child.given_name not in url and child.family_name not in url, url
        assert "q=" not in url, url

    # Searching by name sends the name in the body and answers with links that do not hold it.
    results = client.post("/cases/", {"q": child.given_name}, HTTP_HX_REQUEST="true")
    assert results.status_code == 200
    assert child.given_name in results.content.decode()
    assert _urls(results.content) == [f"/cases/{case.public_id}/"]


def test_dp13_a_name_in_the_query_string_is_ignored(client: Client, case, case_worker) -> None:
    # Were names accepted by GET, links and history would start to carry them.
    signed_in(client, case_worker)
    response = client.get("/cases/", {"q": "Nobody-By-This-Name"})
    assert case.child.given_name in response.content.decode()


# --- reads are logged (DP-3, CC-7) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "what", "channel"),
    [
        ("/cases/{case}/", "case.view", "web"),
        ("/cases/{case}/child/", "child.edit", "web"),
        ("/cases/{case}/interviews/new/", "case.interviews", "web"),
        ("/api/v1/cases/{case}/", "case.view", "api"),
        ("/api/v1/cases/{case}/interviews/", "case.interviews", "api"),
        ("/api/v1/children/{child}/", "child.view", "api"),
    ],
)
def test_dp3_cc7_reading_a_child_record_writes_an_access_log_row(
    client: Client, case, case_worker, agency, url: str, what: str, channel: str
) -> None:
    signed_in(client, case_worker)
    AccessLog.objects.all().delete()
    response = client.get(url.format(case=case.public_id, child=case.child.public_id))
    assert response.status_code == 200
    [row] = AccessLog.objects.all()
    assert (row.user, row.what, row.case_id, row.child_id) == (
        case_worker,
        what,
        case.pk,
        case.child_id,
    )
    assert (row.roles, row.agency_id, row.channel) == ("case_worker", agency.pk, channel)
    assert row.ip_address == "127.0.0.1"
    assert abs(row.occurred_at - timezone.now()) < timedelta(minutes=1)


def test_dp3_a_refused_read_logs_no_read(client: Client, case, outsider) -> None:
    signed_in(client, outsider)
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 404
    assert not AccessLog.objects.filter(case_id=case.pk, user=outsider).exists()


# --- bad input on the pages -------------------------------------------------------------------


def _register_form(agency, **changes):  # type: ignore[no-untyped-def]
    data = {
        "agency": agency.pk,
        "given_name": "Kanya",
        "family_name": "Fictionalchild",
        "sex": "female",
        "gender": "NonSpecifiedUnknown",
        "birth_date": "2011-05-01",
        "age_status": "estimated",
        "parental_care": "unknown",
        "nationality": "TH",
        "language": "th",
        "summary": "Fictional: referred by a fictional outreach team.",
    }
    data.update(changes)
    return data


def _counts() -> tuple[int, int, int]:
    return Child.objects.count(), Case.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("changes", "language", "message"),
    [
        (
            {"birth_date": (timezone.localdate() + timedelta(days=30)).isoformat()},
            "en",
            "The birth date cannot be in the future.",
        ),
        ({"given_name": ""}, "en", "This field is required."),
        ({"given_name": ""}, "id", "Bidang ini harus diisi."),
        ({"birth_date": "31/31/2020"}, "id", "Masukkan tanggal yang valid."),
        ({"age_status": "known", "birth_date": ""}, "en", "A known age needs the documented"),
    ],
)
def test_register_form_refuses_bad_input_with_a_translated_message_and_saves_nothing(
    client: Client, case_worker, agency, changes: dict, language: str, message: str
) -> None:
    signed_in(client, case_worker)
    before = _counts()
    response = client.post(
        "/cases/new/", _register_form(agency, **changes), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _counts() == before


# --- bad input in the API ---------------------------------------------------------------------


def _api_state(case) -> tuple:  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    child = Child.objects.get(pk=case.child_id)
    return (
        *_counts(),
        case.stage,
        StageChange.objects.count(),
        Interview.objects.count(),
        CaseNote.objects.count(),
        (child.age_status, child.birth_date, child.updated_at),
    )


def _fill(payload: dict) -> dict:
    """Put real times in place of the FUTURE and PAST placeholders of the table below."""
    times = {"FUTURE": timedelta(hours=2), "PAST": timedelta(hours=-2)}
    return {
        k: (timezone.now() + times[v]).isoformat() if v in ("FUTURE", "PAST") else v
        for k, v in payload.items()
    }


INTERVIEW = {"kind": "assessment", "interviewer": "Fictional Interviewer", "duration_minutes": 30}


# fmt: off
API_BAD_INPUT = [
    # method, URL, payload, the field the error names
    ("post", "/api/v1/cases/", {"child": {"given_name": "Dao", "birth_date": "2099-01-01"}}, "birth_date"),  # noqa: E501
    ("post", "/api/v1/cases/", {"child": {"family_name": "Fictional"}}, "child.given_name"),
    ("post", "/api/v1/cases/", {"child": {"given_name": "Dao", "nationalities": ["XX"]}}, "nationalities"),  # noqa: E501
    ("post", "/api/v1/cases/", {"child": {"given_name": "Dao", "languages": ["zz"]}}, "languages"),
    ("post", "/api/v1/cases/", {"child": {"given_name": "Dao", "sex": "robot"}}, "child.sex"),
    ("post", "/api/v1/cases/", {}, "child"),
    ("post", "/api/v1/cases/{case}/stage/", {"to_stage": "follow_up"}, "to_stage"),
    ("post", "/api/v1/cases/{case}/stage/", {"to_stage": "closed"}, "closed_reason"),
    ("post", "/api/v1/cases/{case}/stage/", {"to_stage": "nowhere"}, "to_stage"),
    ("post", "/api/v1/cases/{case}/interviews/", {**INTERVIEW, "conducted_at": "FUTURE"}, "conducted_at"),  # noqa: E501
    ("post", "/api/v1/cases/{case}/interviews/", {**INTERVIEW, "conducted_at": "PAST", "duration_minutes": 0}, "duration_minutes"),  # noqa: E501
    ("post", "/api/v1/cases/{case}/notes/", {"body": "   "}, "body"),
    ("post", "/api/v1/cases/{case}/notes/", {}, "body"),
    ("patch", "/api/v1/cases/{case}/child/", {"birth_date": "not a date"}, "birth_date"),
    ("patch", "/api/v1/cases/{case}/child/", {"gender": "SelfDescribed"}, "gender_self_described"),
    ("patch", "/api/v1/cases/{case}/child/", {"age_status": "determined"}, "age_status"),
]
# fmt: on


@pytest.mark.parametrize(("method", "url", "payload", "field"), API_BAD_INPUT)
def test_api_bad_input_answers_400_in_the_error_envelope_and_saves_nothing(
    client: Client, case, case_worker, method: str, url: str, payload: dict, field: str
) -> None:
    signed_in(client, case_worker)
    before = _api_state(case)
    response = getattr(client, method)(
        url.format(case=case.public_id), _fill(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Check the highlighted fields."
    assert field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert _api_state(case) == before


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/{random}/",  # no such case (DRF answers)
        "/api/v1/cases/not-a-uuid/",  # no such route (Django answers)
        "/api/v1/cases/{random}/nothing-here/",
        "/api/v1/nothing-here/",
    ],
)
def test_dp1_every_api_not_found_has_the_same_envelope(
    client: Client, case_worker, url: str
) -> None:
    signed_in(client, case_worker)
    response = client.get(url.format(random=uuid.uuid4()))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


def test_api_malformed_json_answers_400_in_the_error_envelope(client: Client, case_worker) -> None:
    signed_in(client, case_worker)
    before = _counts()
    response = client.post("/api/v1/cases/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    assert _counts() == before


def test_id2_api_cannot_end_the_presumption_of_minority_by_editing_the_age(
    client: Client, case_worker, agency
) -> None:
    # given a person whose age is uncertain, and so is presumed a child
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(age_status="uncertain", birth_date=None),
    )
    assert case.child.is_presumed_child
    signed_in(client, case_worker)
    before = _api_state(case)
    today = timezone.localdate()
    thirty_years_ago = today.replace(year=today.year - 30, day=1)

    # when the API is asked to record a documented adult birth date
    response = client.patch(
        f"/api/v1/cases/{case.public_id}/child/",
        {"age_status": "known", "birth_date": thirty_years_ago.isoformat()},
        content_type="application/json",
    )

    # then the safeguard refuses it, citing ID-2, and nothing changed
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["measure_id"]) == ("safeguard", "ID-2")
    assert "age assessment" in error["message"]
    assert _api_state(case) == before
    assert Child.objects.get(pk=case.child_id).is_presumed_child


# --- HTMX ----------------------------------------------------------------------------------


def test_htmx_note_add_answers_with_the_notes_partial(client: Client, case, case_worker) -> None:
    signed_in(client, case_worker)
    response = client.post(
        f"/cases/{case.public_id}/notes/",
        {"body": "Fictional note from a home visit."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="notes"')
    assert "Fictional note from a home visit." in html
    assert "<html" not in html and "<body" not in html
    assert CaseNote.objects.filter(case=case).count() == 1


def test_htmx_empty_note_answers_400_with_the_partial_and_saves_nothing(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = (CaseNote.objects.count(), AuditEvent.objects.count())
    response = client.post(f"/cases/{case.public_id}/notes/", {"body": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'id="notes"' in response.content.decode() and "<html" not in response.content.decode()
    assert "This field is required." in response.content.decode()
    assert (CaseNote.objects.count(), AuditEvent.objects.count()) == before


# --- the registration journey ---------------------------------------------------------------


def test_cc9_a_case_worker_registers_a_child_and_finds_them_in_my_cases(
    client: Client, case_worker, agency
) -> None:
    signed_in(client, case_worker)
    assert client.get("/cases/new/").status_code == 200

    response = client.post("/cases/new/", _register_form(agency))

    case = Case.objects.get(child__given_name="Kanya")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.public_id}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Kanya Fictionalchild" in page.content.decode()
    assert case.reference in page.content.decode()
    my_cases = client.get("/cases/").content.decode()
    assert "Kanya Fictionalchild" in my_cases
    assert f'href="/cases/{case.public_id}/"' in my_cases
    assert case.assignments.get().user == case_worker


def test_a_plain_visit_to_a_save_only_address_explains_itself(client, case, case_worker):
    signed_in(client, case_worker)
    response = client.get(f"/cases/{case.public_id}/stage/")
    assert response.status_code == 405
    assert "This address only saves a form" in response.content.decode()


def test_dp15_a_refused_form_logs_no_case_content(client, case_worker, agency, caplog):
    signed_in(client, case_worker)
    with caplog.at_level("DEBUG"):
        response = client.post(
            "/cases/new/",
            _register_form(agency, given_name="Secretname", birth_date="2999-01-01"),
        )
    assert response.status_code == 400
    assert caplog.records  # Django logs the bad request ...
    assert "Secretname" not in caplog.text  # ... and never what was typed
    assert "Fictionalchild" not in caplog.text
