"""Who may open each feedback page and API endpoint (CC-12, CC-13; DP-1, DP-2), with exact
statuses. Handlers (supervisor, child-protection officer, safeguarding lead) read their agency's
feedback; only the safeguarding lead reads concerns about practitioners, and for everyone else a
concern does not exist (404, like a missing one). The kiosk browser, with only its token, reads
nothing. A refused write changes nothing."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.voice import services
from haven.voice.models import Feedback, KioskSession
from tests.conftest import fresh, new_agency, new_other_agency, signed_in
from tests.factories import staff
from tests.voice.conftest import complaint, concern, kiosk_client

CALLERS = (
    "case_worker",  # same agency: opens kiosks, records feedback, handles none
    "supervisor",  # handles feedback and complaints, never concerns
    "cp_officer",  # handles feedback and complaints, never concerns
    "lead",  # safeguarding lead: handles everything, concerns included
    "shelter_staff",  # opens kiosks, records feedback
    "statistician",
    "agency_admin",
    "other_supervisor",  # a handler of another agency (DP-2)
    "anonymous",
    "kiosk",  # the kiosk browser: only the kiosk token
)
LOGIN = "login"

# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                           cw  sup  cpo lead shlt stat admn osup  anon  kiosk
    "html.list":               (403, 200, 200, 200, 403, 403, 403, 200, LOGIN, LOGIN),
    "html.complaint":          (404, 200, 200, 200, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.concern":            (404, 404, 404, 200, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.ack_complaint":      (404, 302, 302, 302, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.ack_concern":        (404, 404, 404, 302, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.resolve_complaint":  (404, 302, 302, 302, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.resolve_concern":    (404, 404, 404, 302, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.record_page":        (200, 200, 200, 403, 200, 403, 403, 200, LOGIN, LOGIN),
    "html.record":             (302, 302, 302, 403, 302, 403, 403, 302, LOGIN, LOGIN),
    "html.kiosk_start":        (200, 200, 200, 403, 200, 403, 403, 200, LOGIN, LOGIN),
    "html.kiosk_open":         (302, 302, 302, 403, 302, 403, 403, 302, LOGIN, LOGIN),
    "html.kiosk_close":        (404, 404, 404, 404, 404, 404, 404, 404, LOGIN, LOGIN),
    "html.kiosk_close_remote": (302, 302, 302, 404, 302, 404, 404, 404, LOGIN, LOGIN),
    "html.kiosk_page":         (403, 403, 403, 403, 403, 403, 403, 403,   403,   200),
    "html.kiosk_submit":       (403, 403, 403, 403, 403, 403, 403, 403,   403,   302),
    "api.list":                (403, 200, 200, 200, 403, 403, 403, 200,   403,   403),
    "api.complaint":           (404, 200, 200, 200, 404, 404, 404, 404,   403,   403),
    "api.concern":             (404, 404, 404, 200, 404, 404, 404, 404,   403,   403),
    "api.ack_complaint":       (404, 200, 200, 200, 404, 404, 404, 404,   403,   403),
    "api.ack_concern":         (404, 404, 404, 200, 404, 404, 404, 404,   403,   403),
    "api.resolve_complaint":   (404, 200, 200, 200, 404, 404, 404, 404,   403,   403),
    "api.resolve_concern":     (404, 404, 404, 200, 404, 404, 404, 404,   403,   403),
    "api.record":              (201, 201, 201, 403, 201, 403, 403, 201,   403,   403),
}
# fmt: on
READS = frozenset(
    {
        "html.list",
        "html.complaint",
        "html.concern",
        "html.record_page",
        "html.kiosk_start",
        "html.kiosk_page",
        "api.list",
        "api.complaint",
        "api.concern",
    }
)
CASES = [(endpoint, caller) for endpoint in EXPECTED for caller in CALLERS]


@dataclass
class World:
    users: dict[str, Any]
    kiosk: KioskSession
    token: str  # the kiosk browser's signed token
    complaint: Feedback
    concern: Feedback


@pytest.fixture(scope="module")
def made(module_db) -> World:  # type: ignore[no-untyped-def]
    """The agency's people, a kiosk and what a child sent from it, made once for the module's
    tests (`module_db`)."""
    agency, other_agency = new_agency(), new_other_agency()
    case_worker = staff(agency, Role.CASE_WORKER, username="cw")
    users = {
        "case_worker": case_worker,
        "supervisor": staff(agency, Role.SUPERVISOR, username="sup"),
        "cp_officer": staff(agency, Role.CHILD_PROTECTION_OFFICER, username="cp_officer"),
        "lead": staff(agency, Role.SAFEGUARDING_LEAD, username="lead"),
        "shelter_staff": staff(agency, Role.SHELTER_STAFF, username="shelter"),
        "statistician": staff(agency, Role.STATISTICIAN, username="stat"),
        "agency_admin": staff(agency, Role.AGENCY_ADMIN, username="admin"),
        "other_supervisor": staff(other_agency, Role.SUPERVISOR, username="osup"),
    }
    kiosk, token = services.kiosk_open(actor=case_worker, place="Fictional common room")
    return World(users, kiosk, token, complaint(kiosk), concern(kiosk))


@pytest.fixture
def world(made: World, db) -> World:  # type: ignore[no-untyped-def]
    return fresh(made)


def _client(world: World, caller: str) -> Client:
    """The caller's browser: signed in, anonymous, or the kiosk's with only its token."""
    if caller == "kiosk":
        return kiosk_client(world.token)
    if caller == "anonymous":
        return Client()
    return signed_in(Client(), world.users[caller])


def _call(world: World, endpoint: str, client: Client) -> Any:
    c, w = world.complaint.public_id, world.concern.public_id
    resolution = {"resolution": "Fictional: spoke with the child and fixed it."}
    record = {
        "kind": "feedback",
        "language": "en",
        "message": "Fictional: thanks for the football.",
    }
    json = "application/json"
    calls = {
        "html.list": lambda: client.get("/voice/"),
        "html.complaint": lambda: client.get(f"/voice/{c}/"),
        "html.concern": lambda: client.get(f"/voice/{w}/"),
        "html.ack_complaint": lambda: client.post(f"/voice/{c}/acknowledge/"),
        "html.ack_concern": lambda: client.post(f"/voice/{w}/acknowledge/"),
        "html.resolve_complaint": lambda: client.post(f"/voice/{c}/resolve/", resolution),
        "html.resolve_concern": lambda: client.post(f"/voice/{w}/resolve/", resolution),
        "html.record_page": lambda: client.get("/voice/record/"),
        "html.record": lambda: client.post(
            "/voice/record/", {**record, "channel": "in_person", "anonymous": "on"}
        ),
        "html.kiosk_start": lambda: client.get("/kiosk/start/"),
        "html.kiosk_open": lambda: client.post(
            "/kiosk/start/", {"place": "Fictional hall", "confirm": "on"}
        ),
        "html.kiosk_close": lambda: client.post("/kiosk/close/"),
        "html.kiosk_close_remote": lambda: client.post(f"/kiosk/{world.kiosk.public_id}/close/"),
        "html.kiosk_page": lambda: client.get("/kiosk/en/"),
        "html.kiosk_submit": lambda: client.post(
            "/kiosk/en/", {"mood": "happy", "kind": "feedback"}
        ),
        "api.list": lambda: client.get("/api/v1/feedback/"),
        "api.complaint": lambda: client.get(f"/api/v1/feedback/{c}/"),
        "api.concern": lambda: client.get(f"/api/v1/feedback/{w}/"),
        "api.ack_complaint": lambda: client.post(f"/api/v1/feedback/{c}/acknowledge/"),
        "api.ack_concern": lambda: client.post(f"/api/v1/feedback/{w}/acknowledge/"),
        "api.resolve_complaint": lambda: client.post(
            f"/api/v1/feedback/{c}/resolve/", resolution, content_type=json
        ),
        "api.resolve_concern": lambda: client.post(
            f"/api/v1/feedback/{w}/resolve/", resolution, content_type=json
        ),
        "api.record": lambda: client.post("/api/v1/feedback/record/", record, content_type=json),
    }
    return calls[endpoint]()


def _state(world: World) -> tuple[Any, ...]:
    return (
        tuple(Feedback.objects.order_by("pk").values_list("status", "resolution")),
        Feedback.objects.count(),
        tuple(KioskSession.objects.order_by("pk").values_list("closed_at", flat=True)),
        KioskSession.objects.count(),
        AuditEvent.objects.exclude(action="feedback.read").count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "caller"), CASES, ids=[f"{e}-{c}" for e, c in CASES])
def test_cc12_cc13_dp1_feedback_access_matrix(world, endpoint, caller):
    expected = EXPECTED[endpoint][CALLERS.index(caller)]
    before = _state(world)
    response = _call(world, endpoint, _client(world, caller))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected
    if endpoint not in READS:
        if expected in (200, 201, 302):  # done (LOGIN is a redirect that did nothing)
            assert _state(world) != before
        else:
            assert _state(world) == before
    if caller == "other_supervisor" and endpoint in ("html.list", "api.list"):
        body = response.content.decode()
        assert world.complaint.reference not in body
        assert world.concern.reference not in body
    if caller in ("supervisor", "cp_officer") and endpoint in ("html.list", "api.list"):
        body = response.content.decode()
        assert world.complaint.reference in body
        assert world.concern.reference not in body
