"""The kiosk on a shared device (CC-12, CC-13): opening it signs the staff member out; the
browser then holds only a kiosk token that posts feedback and reads nothing; the child's words
never come back to the next child."""

from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from haven.voice.kiosk_views import COOKIE, DONE_COOKIE
from haven.voice.models import Feedback, KioskSession
from tests.conftest import signed_in
from tests.voice.conftest import complaint, kiosk_client

pytestmark = pytest.mark.django_db


def open_kiosk(user, place: str = "Fictional shelter common room") -> Client:  # type: ignore[no-untyped-def]
    client = signed_in(Client(), user)
    response = client.post("/kiosk/start/", {"place": place, "confirm": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"
    return client


def test_cc12_opening_the_kiosk_signs_the_staff_member_out_and_sets_a_strict_cookie(case_worker):
    client = open_kiosk(case_worker)
    assert "_auth_user_id" not in client.session
    cookie = client.cookies[COOKIE]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/kiosk/"
    assert int(cookie["max-age"]) == 12 * 3600
    kiosk = KioskSession.objects.get()
    assert (kiosk.opened_by, kiosk.place) == (case_worker, "Fictional shelter common room")
    # The cookie holds a signed random token, not the session's ID or anything about the agency.
    assert str(kiosk.public_id) not in cookie.value
    assert kiosk.token_hash not in cookie.value


def test_cc12_opening_the_kiosk_needs_the_confirmation_and_a_place(case_worker):
    client = signed_in(Client(), case_worker)
    response = client.post("/kiosk/start/", {"place": "Fictional hall"})
    assert response.status_code == 400
    response = client.post("/kiosk/start/", {"place": " ", "confirm": "on"})
    assert response.status_code == 400
    assert KioskSession.objects.count() == 0
    assert "_auth_user_id" in client.session


def test_cc12_the_kiosk_browser_cannot_open_any_case_or_staff_page(case_worker, case, supervisor):
    client = open_kiosk(case_worker)
    entry = complaint(KioskSession.objects.get())
    for path in (
        f"/cases/{case.public_id}/",
        f"/cases/{case.public_id}/protection/",
        "/cases/",
        "/alerts/",
        "/voice/",
        f"/voice/{entry.public_id}/",
        "/voice/record/",
        "/kiosk/start/",
        "/accounts/me/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/"), path
    for path in ("/api/v1/cases/", "/api/v1/feedback/", f"/api/v1/feedback/{entry.public_id}/"):
        assert client.get(path).status_code == 403, path
    # The kiosk pages themselves show nothing a child left.
    for path in ("/kiosk/", "/kiosk/en/", "/kiosk/id/", "/kiosk/thanks/"):
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert b"shower" not in response.content
        assert entry.reference.encode() not in response.content


def test_cc12_child_leaves_a_complaint_in_bahasa_indonesia_and_sees_the_code_once(
    kiosk_and_token,
):
    kiosk, token = kiosk_and_token
    client = kiosk_client(token)
    response = client.get("/kiosk/")
    assert response.status_code == 200
    assert 'lang="id"' in response.text and "Bahasa Indonesia" in response.text
    assert 'lang="en"' in response.text and "English" in response.text
    response = client.get("/kiosk/id/")
    assert response.status_code == 200
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.text
    assert "no-store" in response["Cache-Control"]
    response = client.post(
        "/kiosk/id/",
        {"mood": "unhappy", "message": "Fiktif: air mandinya dingin.", "kind": "complaint"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/kiosk/thanks/"
    entry = Feedback.objects.get()
    assert (entry.language, entry.kind, entry.channel, entry.kiosk) == (
        "id",
        "complaint",
        "kiosk",
        kiosk,
    )
    assert entry.anonymous is True
    thanks = client.get("/kiosk/thanks/")
    assert thanks.status_code == 200
    assert entry.reference in thanks.text
    assert "no-store" in thanks["Cache-Control"]
    assert thanks.cookies[DONE_COOKIE].value == ""  # deleted as it is shown
    # The next child: the code is gone, the form is empty.
    again = client.get("/kiosk/thanks/")
    assert again.status_code == 302
    assert again["Location"] == "/kiosk/"
    form = client.get("/kiosk/id/")
    assert "dingin" not in form.text
    assert entry.reference not in form.text


def test_cc13_kiosk_thank_you_says_only_the_safeguarding_lead_reads_a_concern(
    kiosk_and_token, safeguarding_lead
):
    _kiosk, token = kiosk_and_token
    client = kiosk_client(token)
    client.post("/kiosk/en/", {"message": "Fictional: a driver shouted at me.", "kind": "concern"})
    thanks = client.get("/kiosk/thanks/")
    assert "Only the safeguarding lead of Fictional Child Protection Office" in thanks.text


def test_cc12_kiosk_asks_for_no_name_unless_the_child_wants_contact(kiosk_and_token):
    _kiosk, token = kiosk_and_token
    client = kiosk_client(token)
    client.post("/kiosk/en/", {"mood": "happy", "kind": "feedback"})
    client.post(
        "/kiosk/en/",
        {
            "kind": "complaint",
            "message": "Fictional.",
            "wants_contact": "on",
            "contact_hint": "Noi",
        },
    )
    first, second = Feedback.objects.order_by("pk")
    assert (first.anonymous, first.contact_hint, first.message) == (True, "", "")
    assert (second.anonymous, second.wants_contact, second.contact_hint) == (False, True, "Noi")


def test_cc12_an_empty_kiosk_form_is_refused_with_a_message(kiosk_and_token):
    _kiosk, token = kiosk_and_token
    response = kiosk_client(token).post("/kiosk/en/", {"kind": "feedback"})
    assert response.status_code == 400
    assert "Choose a face or write something." in response.text
    assert Feedback.objects.count() == 0


@override_settings(HAVEN_KIOSK_SUBMISSIONS_PER_HOUR=2)
def test_cc12_kiosk_throttle_answers_with_a_friendly_page(kiosk_and_token):
    _kiosk, token = kiosk_and_token
    client = kiosk_client(token)
    for _ in range(2):
        assert client.post("/kiosk/en/", {"mood": "okay", "kind": "feedback"}).status_code == 302
    response = client.post("/kiosk/en/", {"mood": "okay", "kind": "feedback"})
    assert response.status_code == 429
    assert "we need a short break" in response.text
    assert Feedback.objects.count() == 2


def test_cc12_an_expired_kiosk_shows_it_is_closed_and_takes_nothing(kiosk_and_token):
    kiosk, token = kiosk_and_token
    KioskSession.objects.filter(pk=kiosk.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = kiosk_client(token)
    for response in (
        client.get("/kiosk/"),
        client.get("/kiosk/en/"),
        client.post("/kiosk/en/", {"mood": "okay", "kind": "feedback"}),
    ):
        assert response.status_code == 403
        assert "This kiosk is closed" in response.text
    assert Feedback.objects.count() == 0


def test_cc12_a_browser_without_a_kiosk_token_cannot_post(db):
    client = Client()
    assert client.get("/kiosk/").status_code == 403
    assert client.post("/kiosk/en/", {"mood": "okay", "kind": "feedback"}).status_code == 403
    forged = Client()
    forged.cookies[COOKIE] = "not-a-signed-token"
    assert forged.post("/kiosk/en/", {"mood": "okay", "kind": "feedback"}).status_code == 403
    assert Feedback.objects.count() == 0


def test_cc12_a_language_haven_does_not_speak_is_not_found(kiosk_and_token):
    _kiosk, token = kiosk_and_token
    assert kiosk_client(token).get("/kiosk/xx/").status_code == 404


def test_cc12_closing_the_kiosk_needs_a_staff_member_to_sign_in(case_worker):
    client = open_kiosk(case_worker)
    page = client.get("/kiosk/")
    assert 'href="/accounts/login/?next=/kiosk/close/"' in page.text
    response = client.get("/kiosk/close/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/kiosk/close/"
    signed_in(client, case_worker)
    assert client.get("/kiosk/close/").status_code == 200
    response = client.post("/kiosk/close/")
    assert response.status_code == 302
    assert response["Location"] == "/kiosk/start/"
    assert response.cookies[COOKIE].value == ""
    kiosk = KioskSession.objects.get()
    assert kiosk.closed_by == case_worker
    assert kiosk.closed_at is not None


def test_cc12_staff_of_another_agency_cannot_close_the_kiosk(case_worker, outsider):
    client = open_kiosk(case_worker)
    signed_in(client, outsider)
    assert client.get("/kiosk/close/").status_code == 403
    assert client.post("/kiosk/close/").status_code == 403
    assert KioskSession.objects.get().closed_at is None


def test_cc12_a_kiosk_left_open_is_closed_from_another_device(kiosk, shelter_staff, outsider):
    other = signed_in(Client(), outsider)
    assert other.post(f"/kiosk/{kiosk.public_id}/close/").status_code == 404
    client = signed_in(Client(), shelter_staff)
    page = client.get("/kiosk/start/")
    assert "Fictional shelter common room" in page.text
    response = client.post(f"/kiosk/{kiosk.public_id}/close/")
    assert response.status_code == 302
    kiosk.refresh_from_db()
    assert kiosk.closed_by == shelter_staff
