"""Field-level need-to-know (DP-1, DP-7): a person assigned to a case reads only the classes of
fields their role on it allows, on the pages and in the API alike. A restricted field is absent
(no key at all), not blanked."""

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.cases.child_services import child_update
from haven.cases.services import case_assign, case_note_add
from tests.conftest import signed_in
from tests.factories import interview, staff

SUMMARY = "Fictional summary of what brought the child in."
SPECIAL_NEEDS = "Fictional hearing support needed."
NOTE = "Fictional case note about the family."
INTERVIEW_NOTES = "Fictional interview notes."
LOCATION = "Fictional interview room"

IDENTITY_KEYS = {
    "given_name",
    "family_name",
    "birth_date",
    "age_status",
    "nationalities",
    "languages",
}
HEALTH_KEYS = {"special_needs", "has_disability"}
FAMILY_KEYS = {"parental_care"}


@pytest.fixture
def full_case(case, case_worker):  # type: ignore[no-untyped-def]
    """The shared case with something in every sensitivity class."""
    case.summary = SUMMARY
    case.save(update_fields=["summary"])
    child_update(
        case=case,
        actor=case_worker,
        has_disability=True,
        special_needs=SPECIAL_NEEDS,
        parental_care="unaccompanied",
    )
    case_note_add(case=case, actor=case_worker, body=NOTE)
    interview(case, case_worker, notes=INTERVIEW_NOTES, location=LOCATION)
    case.refresh_from_db()
    return case


@pytest.fixture
def health_worker(full_case, supervisor, agency):  # type: ignore[no-untyped-def]
    user = staff(agency, Role.HEALTH_WORKER, username="health")
    case_assign(case=full_case, actor=supervisor, user=user, role="health_worker")
    return user


def _api_views(client: Client, case) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    """The case as each read endpoint of the API returns it."""
    detail = client.get(f"/api/v1/cases/{case.public_id}/")
    listed = client.get("/api/v1/cases/")
    child = client.get(f"/api/v1/children/{case.child.public_id}/")
    assert (detail.status_code, listed.status_code, child.status_code) == (200, 200, 200)
    [row] = [r for r in listed.json()["results"] if r["id"] == str(case.public_id)]
    return {"detail": detail.json(), "list": row, "child": {"child": child.json()}}


def _interviews(client: Client, case) -> list[dict]:  # type: ignore[no-untyped-def]
    response = client.get(f"/api/v1/cases/{case.public_id}/interviews/")
    assert response.status_code == 200
    return response.json()


# --- the case worker sees everything (so the absences below mean something) ------------------


def test_dp1_case_worker_reads_every_class(client: Client, full_case, case_worker) -> None:
    signed_in(client, case_worker)
    for name, data in _api_views(client, full_case).items():
        assert set(data["child"]) >= IDENTITY_KEYS | HEALTH_KEYS | FAMILY_KEYS, name
        assert data["child"]["special_needs"] == SPECIAL_NEEDS
    assert _api_views(client, full_case)["detail"]["summary"] == SUMMARY
    [row] = _interviews(client, full_case)
    assert (row["notes"], row["location"]) == (INTERVIEW_NOTES, LOCATION)
    page = client.get(f"/cases/{full_case.public_id}/").content.decode()
    for text in (SUMMARY, SPECIAL_NEEDS, NOTE, "Unaccompanied"):
        assert text in page


# --- an assigned interpreter: identity only -------------------------------------------------


def test_dp1_interpreter_api_shows_identity_but_no_summary_health_or_family(
    client: Client, full_case, assigned_interpreter
) -> None:
    signed_in(client, assigned_interpreter)
    views = _api_views(client, full_case)
    for name, data in views.items():
        child = data["child"]
        assert set(child) >= IDENTITY_KEYS, name
        assert child["given_name"] == full_case.child.given_name
        assert not (HEALTH_KEYS | FAMILY_KEYS) & set(child), name
        assert "summary" not in data, name
    for name, data in views.items():
        text = str(data)
        assert SPECIAL_NEEDS not in text and SUMMARY not in text, name


def test_dp1_interpreter_api_interviews_have_no_notes_or_location(
    client: Client, full_case, assigned_interpreter
) -> None:
    signed_in(client, assigned_interpreter)
    [row] = _interviews(client, full_case)
    assert "notes" not in row and "location" not in row
    assert row["kind"] == "identification" and row["duration_minutes"] == 45


def test_dp1_interpreter_case_page_hides_summary_special_needs_and_notes(
    client: Client, full_case, assigned_interpreter
) -> None:
    signed_in(client, assigned_interpreter)
    response = client.get(f"/cases/{full_case.public_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert full_case.child.given_name in page
    for text in (SUMMARY, SPECIAL_NEEDS, NOTE, INTERVIEW_NOTES, LOCATION, "Unaccompanied"):
        assert text not in page, text


# --- an assigned health worker: identity and health, not the narrative ----------------------


def test_dp1_health_worker_api_shows_special_needs_but_not_summary_or_family(
    client: Client, full_case, health_worker
) -> None:
    signed_in(client, health_worker)
    for name, data in _api_views(client, full_case).items():
        child = data["child"]
        assert child["special_needs"] == SPECIAL_NEEDS, name
        assert child["has_disability"] is True, name
        assert "parental_care" not in child, name
        assert "summary" not in data, name
    [row] = _interviews(client, full_case)
    assert "notes" not in row and "location" not in row


def test_dp1_health_worker_case_page_shows_special_needs_but_not_summary_or_notes(
    client: Client, full_case, health_worker
) -> None:
    signed_in(client, health_worker)
    page = client.get(f"/cases/{full_case.public_id}/").content.decode()
    assert SPECIAL_NEEDS in page
    for text in (SUMMARY, NOTE, INTERVIEW_NOTES, LOCATION, "Unaccompanied"):
        assert text not in page, text


def test_dp1_health_worker_writing_a_note_gets_no_narrative_back(
    client: Client, full_case, health_worker
) -> None:
    # A health worker may write a note but not read notes: the answer confirms it, nothing more.
    signed_in(client, health_worker)
    response = client.post(
        f"/api/v1/cases/{full_case.public_id}/notes/",
        {"body": "Fictional medical follow-up booked."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert "body" not in response.json()
