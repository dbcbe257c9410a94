import pytest
from django.http import HttpResponse
from django.test import Client

from haven.accounts.roles import Role
from haven.voice import services
from haven.voice.kiosk_views import COOKIE, SALT
from tests.factories import staff


@pytest.fixture
def safeguarding_lead(agency):  # type: ignore[no-untyped-def]
    """The agency's safeguarding lead: the only reader of concerns about practitioners (CC-13)."""
    return staff(agency, Role.SAFEGUARDING_LEAD, username="sglead")


@pytest.fixture
def shelter_staff(agency):  # type: ignore[no-untyped-def]
    return staff(agency, Role.SHELTER_STAFF, username="shelter")


@pytest.fixture
def other_supervisor(other_agency):  # type: ignore[no-untyped-def]
    """A supervisor of another agency: handles that agency's feedback, never this one's (DP-2)."""
    return staff(other_agency, Role.SUPERVISOR, username="othersup")


@pytest.fixture
def kiosk_and_token(case_worker):  # type: ignore[no-untyped-def]
    return services.kiosk_open(actor=case_worker, place="Fictional shelter common room")


@pytest.fixture
def kiosk(kiosk_and_token):  # type: ignore[no-untyped-def]
    return kiosk_and_token[0]


def kiosk_client(token: str) -> Client:
    """A browser that holds only the kiosk's signed token, as after opening it."""
    client = Client()
    response = HttpResponse()
    response.set_signed_cookie(COOKIE, token, salt=SALT, path="/kiosk/")
    client.cookies[COOKIE] = response.cookies[COOKIE].value
    return client


def complaint(kiosk, **extra):  # type: ignore[no-untyped-def]
    fields = {
        "language": "en",
        "kind": "complaint",
        "mood": "unhappy",
        "message": "Fictional: the water in the shower is cold every morning.",
    }
    fields.update(extra)
    return services.feedback_submit_from_kiosk(kiosk=kiosk, **fields)


def concern(kiosk, **extra):  # type: ignore[no-untyped-def]
    return complaint(
        kiosk, kind="concern", message="Fictional: a staff member shouted at me.", **extra
    )
