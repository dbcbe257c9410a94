"""The access matrix (DESIGN idea 3; DP-1, DP-2, CC-7).

Every case and child endpoint, HTML and API, read and write, is called by every kind of caller,
and the answer must be exactly the one in EXPECTED below. The rules it encodes:

- a caller who may not see the case gets the same 404 as for a case that does not exist (the
  body is compared with the answer for a random ID), whether they are a case worker of the same
  agency who is not assigned, anyone from another agency, a statistician or an administrator;
- a caller who sees the case but lacks the capability gets 403 (the assigned interpreter);
- an anonymous caller is sent to /accounts/login/ by the pages (302) and refused by the API (403);
- list endpoints answer 200 and list the case (IN) or not (OUT);
- a refused write changes nothing in the database, and an allowed one makes its change.
"""

import io
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, CaseAssignment, CaseNote, Interview
from haven.children.forms import ChildForm
from haven.children.models import AgeAssessment, Child
from haven.consent.models import CHECKLIST_KEYS, Consent
from haven.documents.models import Document
from haven.placements.models import Placement
from haven.protection.models import Service
from haven.safeguards.models import Alert
from tests.conftest import fresh, new_assigned_interpreter, new_case_and_people, signed_in
from tests.factories import interview, staff

pytestmark = pytest.mark.django_db

# --- the expectation table --------------------------------------------------------------------

CALLERS = (
    "assigned_case_worker",  # the case worker on the case (registered it)
    "supervisor",  # supervisor of the case's lead agency (sees every case of the agency)
    "assigned_interpreter",  # interpreter from another agency, assigned to the case
    "unassigned_case_worker",  # case worker of the same agency, not on this case
    "other_agency_case_worker",  # case worker of another agency
    "other_agency_supervisor",  # supervisor of another agency (sees all of *their* agency)
    "statistician",  # statistician of the same agency: aggregates only
    "agency_admin",  # administrator of the same agency: manages accounts, not cases
    "anonymous",
)

IN = "in"  # 200, and the case is in the list
OUT = "out"  # 200, and the case is not in the list
LOGIN = "login"  # 302 to /accounts/login/

# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                        assign super  interp unasgn other  o.sup  stat   admin  anon
    # HTML pages: reads
    "html.case_page":        (200,   200,   200,   404,   404,   404,   404,   404,   LOGIN),
    "html.my_cases":         (IN,    IN,    IN,    OUT,   OUT,   OUT,   OUT,   OUT,   LOGIN),
    "html.child_edit_page":  (200,   200,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.interview_page":   (200,   200,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.alerts":           (IN,    IN,    IN,    OUT,   OUT,   OUT,   OUT,   OUT,   LOGIN),
    "html.protection_page":  (200,   200,   200,   404,   404,   404,   404,   404,   LOGIN),
    "html.placements_page":  (200,   200,   200,   404,   404,   404,   404,   404,   LOGIN),
    "html.documents_page":   (200,   200,   200,   404,   404,   404,   404,   404,   LOGIN),
    # HTML pages: writes (302 = done, back to the case page)
    "html.stage":            (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.assign":           (403,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.note":             (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.interview":        (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.child_edit":       (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.age_assessment":   (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.alert_resolve":    (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.consent":          (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.service":          (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.placement":        (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    "html.document":         (302,   302,   403,   404,   404,   404,   404,   404,   LOGIN),
    # API: reads
    "api.case_list":         (IN,    IN,    IN,    OUT,   OUT,   OUT,   OUT,   OUT,   403),
    "api.case_retrieve":     (200,   200,   200,   404,   404,   404,   404,   404,   403),
    "api.interviews_list":   (200,   200,   200,   404,   404,   404,   404,   404,   403),
    "api.child_retrieve":    (200,   200,   200,   404,   404,   404,   404,   404,   403),
    "api.alerts":            (IN,    IN,    IN,    OUT,   OUT,   OUT,   OUT,   OUT,   403),
    "api.documents_list":    (200,   200,   200,   404,   404,   404,   404,   404,   403),
    # API: writes
    "api.stage":             (200,   200,   403,   404,   404,   404,   404,   404,   403),
    "api.assign":            (403,   201,   403,   404,   404,   404,   404,   404,   403),
    "api.interview_create":  (201,   201,   403,   404,   404,   404,   404,   404,   403),
    "api.note_create":       (201,   201,   403,   404,   404,   404,   404,   404,   403),
    "api.child_update":      (200,   200,   403,   404,   404,   404,   404,   404,   403),
    "api.alert_resolve":     (200,   200,   403,   404,   404,   404,   404,   404,   403),
    "api.document_attach":   (201,   201,   403,   404,   404,   404,   404,   404,   403),
}
# fmt: on

# What an allowed write changes (a key of db_state); a refused write changes nothing.
WRITES = {
    "html.stage": "stage",
    "html.assign": "assignments",
    "html.note": "notes",
    "html.interview": "interviews",
    "html.child_edit": "child",
    "html.age_assessment": "age_assessments",
    "html.alert_resolve": "open_alerts",
    "html.consent": "consents",
    "html.service": "services",
    "html.placement": "placements",
    "html.document": "documents",
    "api.stage": "stage",
    "api.assign": "assignments",
    "api.interview_create": "interviews",
    "api.note_create": "notes",
    "api.child_update": "child",
    "api.alert_resolve": "open_alerts",
    "api.document_attach": "documents",
}


# Where an allowed write leads (the case page unless said here).
DONE_AT = {
    "html.consent": "/cases/{case}/protection/#consent",
    "html.service": "/cases/{case}/protection/#services",
    "html.placement": "/cases/{case}/placement/#current",
    "html.document": "/cases/{case}/documents/",
}


def test_cc7_the_table_covers_every_endpoint_and_caller() -> None:
    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(len(row) == len(CALLERS) for row in EXPECTED.values())
    assert set(WRITES) <= set(EXPECTED)


# --- the world every test runs in -------------------------------------------------------------


@dataclass
class World:
    case: Case
    alert: Alert
    assignee: User  # the person the "assign" endpoints try to add to the case
    users: dict[str, User | None]


@dataclass(frozen=True)
class Ids:
    case: str
    child: str
    alert: str

    @classmethod
    def of(cls, world: World) -> "Ids":
        return cls(
            str(world.case.public_id), str(world.case.child.public_id), str(world.alert.public_id)
        )

    @classmethod
    def random(cls) -> "Ids":
        return cls(str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4()))


@pytest.fixture(scope="module")
def made(module_db) -> World:  # type: ignore[no-untyped-def]
    """Made once for the module's tests (`module_db`): each runs in a savepoint, so every call
    of the matrix meets the same case, users and alert, and what it writes is gone after it."""
    agency, other_agency, case_worker, supervisor, case = new_case_and_people()
    # The child has told their story four times: over the limit of three, so a CC-6 alert is open.
    for _ in range(4):
        interview(case, case_worker, notes="Fictional interview notes.", location="Fictional room")
    alert = Alert.objects.get(
        case=case, status=Alert.Status.OPEN, rule_code="cc6.too_many_retellings"
    )
    users: dict[str, User | None] = {
        "assigned_case_worker": case_worker,
        "supervisor": supervisor,
        "assigned_interpreter": new_assigned_interpreter(case, supervisor, other_agency),
        "unassigned_case_worker": staff(agency, Role.CASE_WORKER, username="cw2"),
        "other_agency_case_worker": staff(other_agency, Role.CASE_WORKER, username="ocw"),
        "other_agency_supervisor": staff(other_agency, Role.SUPERVISOR, username="osup"),
        "statistician": staff(agency, Role.STATISTICIAN, username="stat"),
        "agency_admin": staff(agency, Role.AGENCY_ADMIN, username="admin"),
        "anonymous": None,
    }
    assert set(users) == set(CALLERS)
    assignee = staff(agency, Role.PSYCHOLOGIST, username="psy")
    case.refresh_from_db()
    return World(case=case, alert=alert, assignee=assignee, users=users)


@pytest.fixture
def world(made: World) -> World:
    return fresh(made)


def db_state(world: World) -> dict[str, Any]:
    """Everything an endpoint in the matrix could write."""
    case = Case.objects.get(pk=world.case.pk)
    child = Child.objects.get(pk=case.child_id)
    return {
        "audit_events": AuditEvent.objects.count(),
        "access_logs": AccessLog.objects.count(),
        "stage": (case.stage, case.stage_changed_at, case.updated_at),
        "notes": CaseNote.objects.count(),
        "interviews": Interview.objects.count(),
        "assignments": list(
            CaseAssignment.objects.order_by("pk").values_list("pk", "user_id", "role", "ended_at")
        ),
        "child": (child.family_name, child.updated_at),
        "age_assessments": AgeAssessment.objects.count(),
        "consents": Consent.objects.count(),
        "services": Service.objects.count(),
        "placements": Placement.objects.count(),
        "documents": Document.objects.count(),
        "open_alerts": list(
            Alert.objects.filter(status=Alert.Status.OPEN)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    }


# --- the endpoints ----------------------------------------------------------------------------


def _child_form_data(child: Child, **changes: Any) -> dict[str, Any]:
    """What the child edit form posts back when nothing but `changes` is edited."""
    data: dict[str, Any] = {}
    for name, value in ChildForm.initial_for(child).items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = value
    data.update(changes)
    return data


def _an_hour_ago() -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


REASON = "Agreed with the supervisor that no further interview is needed."


def _photo() -> io.BytesIO:
    """A fresh fictional photo for each upload (a file is read once)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 120, 60)).save(out, "PNG")
    out.seek(0)
    out.name = "fictional.png"
    return out


DOCUMENT = {"kind": "photo", "sensitivity": "identity", "title": "Fictional photo"}


def _json(client: Client, method: str, url: str, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, data, content_type="application/json")


ENDPOINTS = {
    "html.case_page": lambda c, w, i: c.get(f"/cases/{i.case}/"),
    "html.my_cases": lambda c, w, i: c.post("/cases/", {"scope": "all"}),
    "html.child_edit_page": lambda c, w, i: c.get(f"/cases/{i.case}/child/"),
    "html.interview_page": lambda c, w, i: c.get(f"/cases/{i.case}/interviews/new/"),
    "html.alerts": lambda c, w, i: c.get("/alerts/"),
    "html.stage": lambda c, w, i: c.post(f"/cases/{i.case}/stage/", {"to_stage": "protection"}),
    "html.assign": lambda c, w, i: c.post(
        f"/cases/{i.case}/assign/", {"user": w.assignee.pk, "role": "psychologist"}
    ),
    "html.note": lambda c, w, i: c.post(f"/cases/{i.case}/notes/", {"body": "A fictional note."}),
    "html.interview": lambda c, w, i: c.post(
        f"/cases/{i.case}/interviews/new/",
        {
            "kind": "assessment",
            "conducted_at": _an_hour_ago(),
            "interviewer": "Fictional Psychologist",
            "duration_minutes": "30",
            "child_told_story": "on",
        },
    ),
    "html.child_edit": lambda c, w, i: c.post(
        f"/cases/{i.case}/child/", _child_form_data(w.case.child, family_name="Renamed")
    ),
    "html.age_assessment": lambda c, w, i: c.post(
        f"/cases/{i.case}/child/age/", {"method": "Documents", "decided_by": "Fictional panel"}
    ),
    "html.alert_resolve": lambda c, w, i: c.post(f"/alerts/{i.alert}/resolve/", {"reason": REASON}),
    "html.protection_page": lambda c, w, i: c.get(f"/cases/{i.case}/protection/"),
    "html.placements_page": lambda c, w, i: c.get(f"/cases/{i.case}/placement/"),
    "html.consent": lambda c, w, i: c.post(
        f"/cases/{i.case}/consents/new/",
        {
            "purpose": "psychological_support",
            "given_on": timezone.localdate().isoformat(),
            "language": "my",
            "formats": ["verbal"],
            "explained_by": "Fictional Case Worker",
            "checklist": list(CHECKLIST_KEYS),
            "child_answer": "agrees",
            "representative": "guardian",
            "representative_name": "Fictional Guardian",
            "representative_answer": "consents",
        },
    ),
    "html.service": lambda c, w, i: c.post(
        f"/cases/{i.case}/services/new/",
        {
            "type": "Education",
            "recipient": "child",
            "provider": "Fictional school",
            "start_on": timezone.localdate().isoformat(),
            "status": "planned",
        },
    ),
    "html.placement": lambda c, w, i: c.post(
        f"/cases/{i.case}/placement/new/",
        {
            "type": "hospital",
            "can_leave": "free",
            "facility": "Fictional hospital",
            "start_on": timezone.localdate().isoformat(),
        },
    ),
    "html.documents_page": lambda c, w, i: c.get(f"/cases/{i.case}/documents/"),
    "html.document": lambda c, w, i: c.post(
        f"/cases/{i.case}/documents/", {**DOCUMENT, "content": _photo()}
    ),
    "api.documents_list": lambda c, w, i: c.get(f"/api/v1/cases/{i.case}/documents/"),
    "api.document_attach": lambda c, w, i: c.post(
        f"/api/v1/cases/{i.case}/documents/", {**DOCUMENT, "content": _photo()}
    ),
    "api.case_list": lambda c, w, i: c.get("/api/v1/cases/", {"scope": "all"}),
    "api.case_retrieve": lambda c, w, i: c.get(f"/api/v1/cases/{i.case}/"),
    "api.interviews_list": lambda c, w, i: c.get(f"/api/v1/cases/{i.case}/interviews/"),
    "api.child_retrieve": lambda c, w, i: c.get(f"/api/v1/children/{i.child}/"),
    "api.alerts": lambda c, w, i: c.get("/api/v1/alerts/"),
    "api.stage": lambda c, w, i: _json(
        c, "post", f"/api/v1/cases/{i.case}/stage/", {"to_stage": "protection"}
    ),
    "api.assign": lambda c, w, i: _json(
        c,
        "post",
        f"/api/v1/cases/{i.case}/assignments/",
        {"user": str(w.assignee.public_id), "role": "psychologist"},
    ),
    "api.interview_create": lambda c, w, i: _json(
        c,
        "post",
        f"/api/v1/cases/{i.case}/interviews/",
        {
            "kind": "assessment",
            "conducted_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "interviewer": "Fictional Psychologist",
            "duration_minutes": 30,
        },
    ),
    "api.note_create": lambda c, w, i: _json(
        c, "post", f"/api/v1/cases/{i.case}/notes/", {"body": "A fictional note."}
    ),
    "api.child_update": lambda c, w, i: _json(
        c, "patch", f"/api/v1/cases/{i.case}/child/", {"family_name": "Renamed"}
    ),
    "api.alert_resolve": lambda c, w, i: _json(
        c, "post", f"/api/v1/alerts/{i.alert}/resolve/", {"reason": REASON}
    ),
}

_PER_RESPONSE = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+')


def _normalised(body: bytes, ids: Ids) -> bytes:
    """A response body with the IDs in the request, the CSRF token and the CSP nonce blanked
    out, so that the answers for a forbidden case and for a missing one compare byte for byte."""
    for value in (ids.case, ids.child, ids.alert):
        body = body.replace(value.encode(), b"<id>")
    return _PER_RESPONSE.sub(rb"\1<token>", body)


def _listed(response, world: World) -> bool:  # type: ignore[no-untyped-def]
    if response["Content-Type"].startswith("application/json"):
        rows = response.json()["results"]
        return any(str(world.case.public_id) in (row.get("id"), row.get("case")) for row in rows)
    content = response.content.decode()
    shown = str(world.case.public_id) in content
    # A hidden case leaves no trace: neither its reference nor the child's name.
    if not shown:
        assert world.case.reference not in content
        assert world.case.child.given_name not in content
    return shown


# --- the test ---------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_dp1_dp2_cc7_access_matrix(
    client: Client, world: World, endpoint: str, caller: str
) -> None:
    expected = EXPECTED[endpoint][CALLERS.index(caller)]
    user = world.users[caller]
    if user is not None:
        signed_in(client, user)
    call = ENDPOINTS[endpoint]
    ids = Ids.of(world)
    before = db_state(world)

    response = call(client, world, ids)

    is_api = endpoint.startswith("api.")
    if expected in (IN, OUT):
        assert response.status_code == 200, response.content[:500]
        assert _listed(response, world) is (expected == IN)
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content[:500]
    if expected == 302:
        assert response["Location"] == DONE_AT.get(endpoint, "/cases/{case}/").format(case=ids.case)

    if expected == 403 and is_api:
        code = "not_authenticated" if user is None else "permission_denied"
        assert response.json()["error"]["code"] == code
    if expected == 403 and not is_api:
        assert "errors/403.html" in [t.name for t in response.templates]
    if expected == 404:
        # Forbidden looks exactly like missing (DP-1): same status, same body.
        random_ids = Ids.random()
        missing = call(client, world, random_ids)
        assert missing.status_code == 404
        assert _normalised(response.content, ids) == _normalised(missing.content, random_ids)
        if is_api:
            assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}
        else:
            assert "errors/404.html" in [t.name for t in response.templates]
        assert world.case.reference.encode() not in response.content

    if endpoint in WRITES:
        after = db_state(world)
        if expected in (200, 201, 302):
            assert after[WRITES[endpoint]] != before[WRITES[endpoint]], "the write did nothing"
        else:
            assert after == before, "a refused write changed the database"


# --- around the matrix ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "payload"),
    [
        ("post", "/api/v1/cases/{case}/stage/", {"to_stage": "nowhere"}),
        ("post", "/api/v1/cases/{case}/assignments/", {}),
        ("post", "/api/v1/cases/{case}/interviews/", {}),
        ("post", "/api/v1/cases/{case}/notes/", {}),
        ("patch", "/api/v1/cases/{case}/child/", {"birth_date": "not a date"}),
        ("post", "/cases/{case}/stage/", {"to_stage": "nowhere"}),
        ("post", "/cases/{case}/assign/", {}),
        ("post", "/cases/{case}/interviews/new/", {}),
        ("post", "/cases/{case}/notes/", {}),
        ("post", "/cases/{case}/child/", {}),
        ("post", "/cases/{case}/child/age/", {}),
        ("post", "/alerts/{alert}/resolve/", {}),
        ("post", "/api/v1/alerts/{alert}/resolve/", {}),
    ],
)
def test_dp1_without_the_capability_bad_input_still_gets_403_not_a_validation_answer(
    client: Client, world: World, method: str, url: str, payload: dict[str, Any]
) -> None:
    # The refusal must not depend on the payload: a validation answer would tell a caller who
    # may not act what the endpoint would accept.
    signed_in(client, world.users["assigned_interpreter"])
    before = db_state(world)
    response = getattr(client, method)(
        url.format(case=world.case.public_id, alert=world.alert.public_id),
        payload,
        **({"content_type": "application/json"} if url.startswith("/api/") else {}),
    )
    assert response.status_code == 403
    assert db_state(world) == before


def test_dp2_an_assignment_ends_access_when_it_ends(client: Client, world: World) -> None:
    from haven.cases.services import assignment_end

    interpreter = world.users["assigned_interpreter"]
    signed_in(client, interpreter)
    assert client.get(f"/api/v1/cases/{world.case.public_id}/").status_code == 200
    assignment_end(
        assignment=CaseAssignment.objects.get(user=interpreter, ended_at__isnull=True),
        actor=world.users["supervisor"],
    )
    assert client.get(f"/api/v1/cases/{world.case.public_id}/").status_code == 404
    assert client.get(f"/cases/{world.case.public_id}/").status_code == 404


def test_dp2_a_deactivated_membership_ends_access_to_assigned_cases(
    client: Client, world: World
) -> None:
    # The interpreter leaves their agency; the assignment was never ended by the case's agency.
    interpreter = world.users["assigned_interpreter"]
    interpreter.memberships.update(is_active=False)
    signed_in(client, interpreter)
    assert client.get(f"/api/v1/cases/{world.case.public_id}/").status_code == 404
    assert client.get(f"/cases/{world.case.public_id}/").status_code == 404
    listed = client.get("/api/v1/cases/").json()["results"]
    assert listed == []


@pytest.mark.parametrize(
    ("caller", "html_status", "api_status"),
    [
        ("assigned_case_worker", 200, 201),
        ("supervisor", 200, 201),
        ("assigned_interpreter", 403, 403),
        ("statistician", 403, 403),
        ("agency_admin", 403, 403),
        ("anonymous", 302, 403),
    ],
)
def test_dp1_only_roles_that_register_children_may_open_a_case(
    client: Client, world: World, caller: str, html_status: int, api_status: int
) -> None:
    user = world.users[caller]
    if user is not None:
        signed_in(client, user)
    before = (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    page = client.get("/cases/new/")
    response = client.post(
        "/api/v1/cases/",
        {"child": {"given_name": "Dao", "birth_date": "2014-01-01"}},
        content_type="application/json",
    )
    assert (page.status_code, response.status_code) == (html_status, api_status)
    after = (Child.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    if api_status == 201:
        assert after[:2] == (before[0] + 1, before[1] + 1)
    else:
        assert after == before
