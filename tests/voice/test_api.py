"""The feedback API (CC-12, CC-13): the same services and the same need-to-know as the pages."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.audit.models import AuditEvent
from haven.voice.models import Feedback
from tests.conftest import signed_in
from tests.voice.conftest import complaint, concern

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_cc12_api_list_has_no_message_and_constant_queries(kiosk, supervisor):
    client = signed_in(Client(), supervisor)
    complaint(kiosk)
    with CaptureQueriesContext(connection) as few:
        response = client.get("/api/v1/feedback/")
    assert response.status_code == 200
    row = response.json()["results"][0]
    assert set(row) == {
        "id",
        "reference",
        "kind",
        "channel",
        "language",
        "mood",
        "status",
        "anonymous",
        "wants_contact",
        "received_at",
        "overdue",
    }
    for _ in range(8):
        complaint(kiosk)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/feedback/")
    assert response.json()["count"] == 9
    assert len(many.captured_queries) == len(few.captured_queries) == API_LIST_QUERIES
    assert AuditEvent.objects.filter(action="feedback.read").count() == 0


# Session, user, second-factor device, memberships, the page's count and rows. The session is
# not saved: it was renewed less than a minute ago, at sign-in (haven.core.sessions).
API_LIST_QUERIES = 6


def test_cc12_api_filters_by_kind_and_status(kiosk, supervisor):
    moan = complaint(kiosk)
    client = signed_in(Client(), supervisor)
    assert [
        r["reference"] for r in client.get("/api/v1/feedback/?kind=complaint").json()["results"]
    ] == [moan.reference]
    assert client.get("/api/v1/feedback/?status=resolved").json()["count"] == 0


def test_cc12_api_retrieve_gives_the_message_and_audits_the_read(kiosk, supervisor):
    entry = complaint(kiosk)
    response = signed_in(Client(), supervisor).get(f"/api/v1/feedback/{entry.public_id}/")
    assert response.status_code == 200
    assert response.json()["message"] == "Fictional: the water in the shower is cold every morning."
    assert response.json()["case_reference"] is None
    assert (
        AuditEvent.objects.filter(
            action="feedback.read", actor=supervisor, object_id=str(entry.public_id)
        ).count()
        == 1
    )


def test_cc12_api_resolve_without_text_is_refused_in_the_envelope_and_nothing_changes(
    kiosk, supervisor
):
    entry = complaint(kiosk)
    events = AuditEvent.objects.count()
    response = signed_in(Client(), supervisor).post(
        f"/api/v1/feedback/{entry.public_id}/resolve/", {"resolution": ""}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "resolution": ["Write what was done and what the child was told."]
    }
    entry.refresh_from_db()
    assert (entry.status, entry.resolution) == ("received", "")
    assert AuditEvent.objects.count() == events


def test_cc12_api_acknowledge_twice_is_refused(kiosk, supervisor):
    entry = complaint(kiosk)
    client = signed_in(Client(), supervisor)
    assert client.post(f"/api/v1/feedback/{entry.public_id}/acknowledge/").json()["status"] == (
        "acknowledged"
    )
    response = client.post(f"/api/v1/feedback/{entry.public_id}/acknowledge/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_cc13_api_concern_is_the_leads_alone(kiosk, supervisor, safeguarding_lead):
    worry = concern(kiosk)
    assert signed_in(Client(), supervisor).get("/api/v1/feedback/").json()["count"] == 0
    lead = signed_in(Client(), safeguarding_lead)
    assert [r["reference"] for r in lead.get("/api/v1/feedback/").json()["results"]] == [
        worry.reference
    ]
    response = lead.post(
        f"/api/v1/feedback/{worry.public_id}/resolve/",
        {"resolution": "Fictional: driver suspended; referred to the police."},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["status"] == "resolved"


def test_cc12_api_record_on_a_case_by_its_id(case, case_worker, outsider):
    payload = {
        "kind": "complaint",
        "language": "my",
        "message": "Fictional: the room is too hot at night.",
        "anonymous": False,
        "case": str(case.public_id),
    }
    assert (
        signed_in(Client(), outsider)
        .post("/api/v1/feedback/record/", payload, content_type=JSON)
        .status_code
        == 404
    )
    assert Feedback.objects.count() == 0
    response = signed_in(Client(), case_worker).post(
        "/api/v1/feedback/record/", payload, content_type=JSON
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "reference", "kind", "status"}
    entry = Feedback.objects.get()
    assert (entry.case, entry.reference, entry.recorded_by) == (
        case,
        body["reference"],
        case_worker,
    )


def test_cc12_api_record_refuses_bad_input_with_field_errors(case_worker):
    response = signed_in(Client(), case_worker).post(
        "/api/v1/feedback/record/",
        {"kind": "gossip", "language": "en", "message": "Fictional."},
        content_type=JSON,
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["kind"]
    assert Feedback.objects.count() == 0
