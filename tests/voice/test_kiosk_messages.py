"""The kiosk speaks to a child of 8 (CC-12, CC-14): each thing a child can get wrong is answered
in short, kind words — never Django's "This field is required." or "Ensure this value has at
most 4000 characters" — and nothing is stored. A kiosk whose time is over says so kindly and
sends the child to the adult who gave them the tablet."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.voice.forms import KioskForm
from haven.voice.models import Feedback, KioskSession
from tests.voice.conftest import kiosk_client

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = (
    "This field is required",
    "Ensure this value has at most",
    "Select a valid choice",
    "is not one of the available choices",
    "Nothing was saved. Please correct",
    "Keep it under",
)


def _refused(token: str, data: dict[str, Any], message: str) -> None:
    response = kiosk_client(token).post("/kiosk/en/", data)
    text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    assert "Your message is not sent yet." in text
    for default in DJANGO_DEFAULTS:
        assert default not in text, default
    assert Feedback.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mood": "happy"}, "Please choose one."),  # what it is about, left out
        ({"mood": "happy", "kind": "complaint-ish"}, "Please choose one."),
        ({"mood": "ecstatic", "kind": "feedback"}, "Please choose one of the faces."),
        ({"kind": "feedback"}, "Please tell us a little more. Choose a face or write something."),
        ({"kind": "feedback", "message": "   "}, "Please tell us a little more."),
        (
            {"kind": "complaint", "message": "a" * 4001},
            "That is a lot of words! Please make it shorter.",
        ),
        (
            {"kind": "feedback", "mood": "okay", "wants_contact": "on", "contact_hint": "n" * 201},
            "That is a lot of words! Please make it shorter.",
        ),
    ],
)
def test_cc14_each_mistake_is_answered_in_a_childs_words_and_stores_nothing(
    kiosk_and_token: Any, data: dict[str, Any], message: str
) -> None:
    _kiosk, token = kiosk_and_token
    _refused(token, data, message)


def test_cc14_the_messages_speak_the_childs_language(kiosk_and_token: Any) -> None:
    _kiosk, token = kiosk_and_token
    response = kiosk_client(token).post("/kiosk/th/", {"mood": "happy"})
    assert response.status_code == 400
    assert "This field is required" not in response.content.decode()
    assert '<html lang="th"' in response.content.decode()
    assert Feedback.objects.count() == 0


def test_cc14_a_refusal_by_the_service_is_told_in_a_childs_words() -> None:
    form = KioskForm({"kind": "feedback", "mood": "happy", "message": "Fictional."})
    assert form.is_valid()

    form.add_service_error(
        ValidationError(
            {
                "kind": "Choose from the list.",
                "mood": "Choose from the list.",
                "contact_hint": "Keep it under 200 characters.",
                "language": "Unknown language.",
            }
        )
    )

    assert form.errors == {
        "kind": ["Please choose one."],
        "mood": ["Please choose one of the faces."],
        "contact_hint": ["That is a lot of words! Please make it shorter."],
        "__all__": [
            "Something did not work. Please try again, or ask the adult who gave you the tablet."
        ],
    }


def test_cc14_a_kiosk_whose_time_is_over_says_so_kindly_and_stores_nothing(
    kiosk_and_token: Any,
) -> None:
    kiosk, token = kiosk_and_token
    KioskSession.objects.filter(pk=kiosk.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = kiosk_client(token).post("/kiosk/en/", {"mood": "okay", "kind": "feedback"})

    text = response.content.decode()
    assert response.status_code == 403
    assert "Its time is over for now. It is nothing you did." in text
    assert "Please ask the adult who gave you the tablet." in text
    assert Feedback.objects.count() == 0


def test_cc12_a_good_message_is_still_taken(kiosk_and_token: Any) -> None:
    _kiosk, token = kiosk_and_token
    response = kiosk_client(token).post("/kiosk/en/", {"mood": "happy", "kind": "feedback"})
    assert response.status_code == 302
    assert Feedback.objects.count() == 1
