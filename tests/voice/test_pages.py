"""The handlers' pages and the recording page (CC-12, CC-13)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.voice import services
from haven.voice.models import Feedback
from tests.conftest import signed_in
from tests.voice.conftest import complaint, concern

pytestmark = pytest.mark.django_db

# Session, user, second-factor device, memberships, the rows, the menu's counts (urgent
# alerts; for a safeguarding lead, whether they hold a case and referrals to answer; for a
# supervisor these two are kept in the session for a minute after their first page,
# haven.web.context_processors._menu) and the concerns routed to the reader (one count, for
# every handler: a supervisor is routed concerns when the agency has no safeguarding lead,
# CC-13). The session is not saved: it was renewed less than a minute ago, at sign-in
# (haven.core.sessions), or, for a supervisor, when the first page kept the menu's counts.
LIST_QUERIES = 8
SUPERVISOR_LIST_QUERIES = 7


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_cc12_handlers_list_costs_the_same_queries_for_more_rows(kiosk, supervisor):
    client = signed_in(Client(), supervisor)
    for _ in range(2):
        complaint(kiosk)
    # The menu's figures are counted on the first page, then kept a minute: count from the second.
    queries(client, "/voice/")
    few = queries(client, "/voice/")
    for _ in range(10):
        complaint(kiosk)
        services.feedback_submit_from_kiosk(kiosk=kiosk, language="th", mood="happy")
    assert queries(client, "/voice/") == few
    assert few == SUPERVISOR_LIST_QUERIES


def test_cc13_lead_list_costs_the_same_queries_for_more_rows(kiosk, safeguarding_lead):
    client = signed_in(Client(), safeguarding_lead)
    concern(kiosk)
    few = queries(client, "/voice/")
    for _ in range(8):
        concern(kiosk)
        complaint(kiosk)
    assert queries(client, "/voice/") == few
    assert few == LIST_QUERIES


def test_cc12_list_shows_overdue_first_and_no_message(kiosk, supervisor):
    fresh = complaint(kiosk)
    late = complaint(kiosk, message="Fictional: nobody answered my letter.")
    Feedback.objects.filter(pk=late.pk).update(received_at=timezone.now() - timedelta(days=8))
    response = signed_in(Client(), supervisor).get("/voice/")
    text = response.text
    assert text.index(late.reference) < text.index(fresh.reference)
    assert "Overdue: not acknowledged" in text
    assert "nobody answered" not in text
    assert "shower" not in text
    assert "no-store" in response["Cache-Control"]
    # Reading the list reads no message: nothing is audited.
    assert AuditEvent.objects.filter(action="feedback.read").count() == 0


def test_cc12_list_filters_by_status_and_kind(kiosk, supervisor):
    moan = complaint(kiosk)
    praise = services.feedback_submit_from_kiosk(kiosk=kiosk, language="en", mood="happy")
    services.feedback_acknowledge(feedback=praise, actor=supervisor)
    client = signed_in(Client(), supervisor)
    text = client.get("/voice/?kind=complaint").text
    assert moan.reference in text and praise.reference not in text
    text = client.get("/voice/?status=acknowledged").text
    assert praise.reference in text and moan.reference not in text
    # An unknown filter is ignored, never an error.
    text = client.get("/voice/?status=nonsense&kind=concern").text
    assert moan.reference in text and praise.reference in text


def test_cc13_supervisor_list_and_filters_never_show_concerns(kiosk, supervisor, safeguarding_lead):
    worry = concern(kiosk)
    client = signed_in(Client(), supervisor)
    for path in ("/voice/", "/voice/?kind=concern"):
        text = client.get(path).text
        assert worry.reference not in text
    assert 'value="concern"' not in client.get("/voice/").text
    assert client.get(f"/voice/{worry.public_id}/").status_code == 404


def test_cc12_detail_shows_the_message_and_audits_the_read(kiosk, supervisor):
    entry = complaint(kiosk, wants_contact=True, contact_hint="Fictional: ask for Noi")
    response = signed_in(Client(), supervisor).get(f"/voice/{entry.public_id}/")
    assert response.status_code == 200
    assert "the water in the shower is cold" in response.text
    assert "Fictional: ask for Noi" in response.text
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="feedback.read")
    assert (event.actor, event.object_id) == (supervisor, str(entry.public_id))


def test_cc12_acknowledge_then_resolve_from_the_page(kiosk, supervisor):
    entry = complaint(kiosk)
    client = signed_in(Client(), supervisor)
    response = client.post(f"/voice/{entry.public_id}/acknowledge/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "acknowledged"
    response = client.post(
        f"/voice/{entry.public_id}/resolve/",
        {"resolution": "Fictional: hot water fixed; told the child at breakfast."},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "resolved"
    page = client.get(f"/voice/{entry.public_id}/")
    assert "hot water fixed" in page.text
    assert 'action="/voice/' not in page.text  # nothing left to do


def test_cc12_resolve_without_text_on_the_page_is_refused_and_nothing_changes(kiosk, supervisor):
    entry = complaint(kiosk)
    client = signed_in(Client(), supervisor)
    events = AuditEvent.objects.exclude(action="feedback.read").count()
    response = client.post(f"/voice/{entry.public_id}/resolve/", {"resolution": " "})
    assert response.status_code == 400
    assert "Write what was done and what the child was told." in response.text
    entry.refresh_from_db()
    assert (entry.status, entry.resolution, entry.resolved_at) == ("received", "", None)
    assert AuditEvent.objects.exclude(action="feedback.read").count() == events


def test_cc12_record_page_saves_what_a_child_said_and_gives_the_reference(case_worker):
    client = signed_in(Client(), case_worker)
    assert client.get("/voice/record/").status_code == 200
    response = client.post(
        "/voice/record/",
        {
            "channel": "phone",
            "kind": "complaint",
            "language": "th",
            "message": "Fictional: the bus to school is always late.",
            "anonymous": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/voice/record/"
    entry = Feedback.objects.get()
    assert (entry.channel, entry.kind, entry.recorded_by, entry.case) == (
        "phone",
        "complaint",
        case_worker,
        None,
    )
    page = client.get("/voice/record/")
    assert entry.reference in page.text


def test_cc12_record_page_links_a_case_by_reference_only_when_the_user_can_open_it(
    case, case_worker, unassigned_case_worker
):
    fields = {
        "channel": "in_person",
        "kind": "feedback",
        "language": "my",
        "message": "Fictional: likes the new teacher.",
        "case_reference": case.reference,
    }
    response = signed_in(Client(), unassigned_case_worker).post("/voice/record/", fields)
    assert response.status_code == 400
    assert "No case you can open has this reference." in response.text
    assert Feedback.objects.count() == 0
    response = signed_in(Client(), case_worker).post("/voice/record/", fields)
    assert response.status_code == 302
    assert Feedback.objects.get().case == case


def test_cc12_record_page_from_a_case_uses_access_case_by_id(case, case_worker, outsider):
    assert (
        signed_in(Client(), outsider).get(f"/voice/record/?case={case.public_id}").status_code
        == 404
    )
    client = signed_in(Client(), case_worker)
    page = client.get(f"/voice/record/?case={case.public_id}")
    assert page.status_code == 200
    assert case.reference in page.text
    response = client.post(
        "/voice/record/",
        {
            "case": str(case.public_id),
            "channel": "in_person",
            "kind": "feedback",
            "language": "my",
            "message": "Fictional: wants to learn football.",
        },
    )
    assert response.status_code == 302
    assert Feedback.objects.get().case == case


def test_cc12_nav_shows_feedback_to_handlers_only(supervisor, case_worker, safeguarding_lead):
    link = 'href="/voice/"'
    assert link in signed_in(Client(), supervisor).get("/cases/").text
    assert link not in signed_in(Client(), case_worker).get("/cases/").text
