"""Emergency ("break-glass") access (DP-4): only with a recorded reason, time-limited, always
audited, and reviewed by a supervisor; never a way into another agency's cases (DP-2), never
more than one's own role reads (DP-1)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from haven.accounts.roles import EMERGENCY_CAPABILITIES, Capability, Role
from haven.audit.models import AccessLog, AuditEvent
from haven.audit.verify import verify_chain
from haven.cases import emergency
from haven.cases.access import access_case_by_id, can, cases_for_user, readable
from haven.cases.models import AssignmentRole, Case, CaseAssignment, EmergencyAccess
from haven.cases.services import case_assign, case_note_add
from haven.core.sensitivity import Sensitivity
from tests.conftest import signed_in
from tests.factories import staff

DETAIL = "Fictional: the police called at 23:10, the child is at the station."


@pytest.fixture
def night(agency: Any) -> Any:
    """A case worker of the case's agency on night duty, not assigned to the case."""
    return staff(agency, Role.CASE_WORKER, username="night")


def _open(actor: Any, case: Case, **overrides: Any) -> EmergencyAccess:
    fields = {"reference": case.reference, "reason": "held", "detail": DETAIL, "minutes": 60}
    return emergency.emergency_access_open(actor=actor, **{**fields, **overrides})


def _expire(access: EmergencyAccess) -> None:
    """Move the access's expiry into the past, as if its time had run out."""
    CaseAssignment.objects.filter(pk=access.assignment_id).update(
        started_at=timezone.now() - timedelta(minutes=61),
        expires_at=timezone.now() - timedelta(minutes=1),
    )


def _state() -> tuple[Any, ...]:
    return (
        list(CaseAssignment.objects.order_by("pk").values_list("pk", "role", "ended_at")),
        list(EmergencyAccess.objects.values_list("pk", "reviewed_at", "outcome")),
        AuditEvent.objects.count(),
    )


# --- opening it -------------------------------------------------------------------------------


def test_dp4_emergency_access_opens_a_case_the_person_could_not_see(night: Any, case: Case) -> None:
    assert not cases_for_user(night).filter(pk=case.pk).exists()
    access = _open(night, case)
    case = Case.objects.get(pk=case.pk)
    assert access_case_by_id(night, case.public_id) == case
    assert readable(night, case) == frozenset(Sensitivity)
    assert access.assignment.role == AssignmentRole.EMERGENCY
    assert access.assignment.expires_at - access.assignment.started_at == timedelta(minutes=60)


def test_dp4_emergency_access_acts_only_to_keep_the_child_safe(night: Any, case: Case) -> None:
    _open(night, case)
    case = Case.objects.get(pk=case.pk)
    allowed = {c for c in Capability if can(night, c, case)}
    # A case worker's own capabilities, cut to the emergency's: no referring on, no resolving
    # alerts, no moving the stage, no assigning (the access would outlast the emergency).
    assert allowed == set(EMERGENCY_CAPABILITIES)
    for refused in (Capability.REFER, Capability.RESOLVE_ALERT, Capability.CHANGE_STAGE):
        assert not can(night, refused, case)


def test_dp1_dp4_a_health_worker_reads_in_an_emergency_only_what_their_role_reads(
    agency: Any, case: Case
) -> None:
    nurse = staff(agency, Role.HEALTH_WORKER, username="nurse")
    _open(nurse, case, reason="medical")
    case = Case.objects.get(pk=case.pk)
    assert readable(nurse, case) == {Sensitivity.BASIC, Sensitivity.IDENTITY, Sensitivity.HEALTH}
    assert {c for c in Capability if can(nurse, c, case)} == {
        Capability.WRITE_NOTE,
        Capability.INFORM_CHILD,
        Capability.RECORD_SERVICE,
    }


def test_dp4_emergency_access_ends_by_itself_when_its_time_runs_out(
    night: Any, case: Case, client: Client
) -> None:
    access = _open(night, case)
    signed_in(client, night)
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    _expire(access)
    assert not cases_for_user(night).filter(pk=case.pk).exists()
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 404


def test_dp4_opening_is_audited_with_the_reason_but_not_the_detail(night: Any, case: Case) -> None:
    access = _open(night, case)
    event = AuditEvent.objects.get(action="emergency.open")
    assert (event.actor_id, event.case_id, event.object_id) == (
        night.pk,
        case.pk,
        str(access.public_id),
    )
    assert event.changes["reason"] == [None, "held"]
    assert event.changes["minutes"] == [None, 60]
    assert DETAIL not in str(event.changes)
    assert verify_chain() == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "curious"}, "reason"),
        ({"detail": "   "}, "detail"),
        ({"detail": "x" * 10_001}, "detail"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": 600}, "minutes"),
        ({"reference": "HV-NOSUCH1"}, "reference"),
        ({"reference": ""}, "reference"),
    ],
)
def test_dp4_emergency_access_without_a_reason_or_a_known_case_is_refused(
    night: Any, case: Case, overrides: dict[str, Any], field: str
) -> None:
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _open(night, case, **overrides)
    assert field in caught.value.message_dict
    assert _state() == before
    assert not cases_for_user(night).filter(pk=case.pk).exists()


def test_dp2_dp4_emergency_access_never_opens_another_agencys_case(
    outsider: Any, case: Case
) -> None:
    """The case worker of another agency who knows the reference finds nothing: the answer is
    the one for a reference that does not exist."""
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _open(outsider, case)
    with pytest.raises(ValidationError) as unknown:
        _open(outsider, case, reference="HV-NOSUCH1")
    assert caught.value.message_dict == unknown.value.message_dict
    assert _state() == before


@pytest.mark.parametrize(
    "role",
    [
        Role.INTERPRETER,
        Role.STATISTICIAN,
        Role.AGENCY_ADMIN,
        Role.LAW_ENFORCEMENT,
        Role.PSYCHOLOGIST,
        Role.SAFEGUARDING_LEAD,
    ],
)
def test_dp4_roles_that_may_not_break_the_glass_are_refused(
    agency: Any, case: Case, role: str
) -> None:
    person = staff(agency, role, username=f"p-{role}")
    before = _state()
    with pytest.raises(PermissionDenied):
        _open(person, case)
    assert _state() == before
    assert not cases_for_user(person).filter(pk=case.pk).exists()


def test_dp4_no_emergency_access_to_a_case_one_already_sees(case_worker: Any, case: Case) -> None:
    before = _state()
    with pytest.raises(ValidationError, match="no emergency access is needed"):
        _open(case_worker, case)
    assert _state() == before


def test_dp4_one_emergency_access_at_a_time_and_a_new_one_after_expiry(
    night: Any, case: Case
) -> None:
    first = _open(night, case)
    with pytest.raises(ValidationError, match="open until"):
        _open(night, case)
    _expire(first)
    second = _open(night, case, reason="danger")
    first.assignment.refresh_from_db()
    # The first is ended at its expiry: the record says when it stopped granting.
    assert first.assignment.ended_at == first.assignment.expires_at
    assert emergency.is_active(second)


def test_dp4_a_supervisor_cannot_assign_emergency_access_by_hand(
    supervisor: Any, night: Any, case: Case
) -> None:
    before = _state()
    with pytest.raises(ValidationError) as caught:
        case_assign(case=case, actor=supervisor, user=night, role=AssignmentRole.EMERGENCY)
    assert "role" in caught.value.message_dict
    assert _state() == before


# --- ending it --------------------------------------------------------------------------------


def test_dp4_the_holder_ends_emergency_access_early(night: Any, case: Case) -> None:
    access = _open(night, case)
    emergency.emergency_access_end(access=access, actor=night)
    assert not cases_for_user(night).filter(pk=case.pk).exists()
    assert AuditEvent.objects.filter(action="emergency.end", actor=night).count() == 1
    with pytest.raises(ValidationError, match="already ended"):
        emergency.emergency_access_end(access=access, actor=night)


def test_dp4_nobody_else_but_a_supervisor_ends_someone_elses_emergency_access(
    night: Any, agency: Any, supervisor: Any, case: Case
) -> None:
    access = _open(night, case)
    colleague = staff(agency, Role.CASE_WORKER, username="colleague")
    before = _state()
    with pytest.raises(PermissionDenied):
        emergency.emergency_access_end(access=access, actor=colleague)
    assert _state() == before
    emergency.emergency_access_end(access=access, actor=supervisor)
    assert not cases_for_user(night).filter(pk=case.pk).exists()


# --- reviewing it -----------------------------------------------------------------------------


def test_dp4_the_review_queue_shows_what_was_opened_and_changed(
    night: Any, supervisor: Any, case: Case, client: Client
) -> None:
    access = _open(night, case)
    signed_in(client, night)
    client.get(f"/cases/{case.public_id}/")
    client.get(f"/cases/{case.public_id}/protection/")
    case_note_add(case=Case.objects.get(pk=case.pk), actor=night, body="Fictional note at night.")
    (row,) = emergency.waiting_for_review(supervisor)
    assert row == access
    assert (row.pages_opened, row.changes_made) == (2, 1)
    assert list(emergency.waiting_for_review(night)) == []


def test_dp4_a_supervisor_reviews_emergency_access_once(
    night: Any, supervisor: Any, case: Case
) -> None:
    access = _open(night, case)
    emergency.emergency_access_review(access=access, actor=supervisor, outcome="justified")
    access.refresh_from_db()
    assert (access.outcome, access.reviewed_by) == ("justified", supervisor)
    assert list(emergency.waiting_for_review(supervisor)) == []
    assert list(emergency.reviewed(supervisor)) == [access]
    before = _state()
    with pytest.raises(ValidationError, match="already been reviewed"):
        emergency.emergency_access_review(
            access=access, actor=supervisor, outcome="not_justified", note="Fictional."
        )
    assert _state() == before


def test_dp4_not_justified_needs_a_note(night: Any, supervisor: Any, case: Case) -> None:
    access = _open(night, case)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        emergency.emergency_access_review(access=access, actor=supervisor, outcome="not_justified")
    assert "review_note" in caught.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        emergency.emergency_access_review(access=access, actor=supervisor, outcome="maybe")
    assert "outcome" in unknown.value.message_dict
    assert _state() == before


def test_dp2_dp4_another_agencys_supervisor_neither_sees_nor_reviews(
    night: Any, other_agency: Any, case: Case
) -> None:
    access = _open(night, case)
    elsewhere = staff(other_agency, Role.SUPERVISOR, username="elsewhere")
    assert list(emergency.for_review(elsewhere)) == []
    before = _state()
    with pytest.raises(PermissionDenied):
        emergency.emergency_access_review(access=access, actor=elsewhere, outcome="justified")
    assert _state() == before


# --- the pages --------------------------------------------------------------------------------


def test_dp4_page_opens_the_case_and_shows_the_banner(
    night: Any, case: Case, client: Client
) -> None:
    signed_in(client, night)
    assert client.get("/cases/emergency/").status_code == 200
    response = client.post(
        "/cases/emergency/",
        {"reference": case.reference.lower(), "reason": "held", "detail": DETAIL, "minutes": 30},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.public_id}/"
    page = client.get(response["Location"]).content.decode()
    assert "emergency-banner" in page
    assert case.reference in page
    access = EmergencyAccess.objects.get()
    assert access.assignment.expires_at - access.assignment.started_at == timedelta(minutes=30)
    # Ending it from the page ends it and takes the banner away.
    client.post(f"/cases/emergency/{access.public_id}/end/")
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    assert "emergency-banner" not in client.get("/cases/").content.decode()


def test_dp4_page_refuses_without_a_reason_and_saves_nothing(
    night: Any, case: Case, client: Client
) -> None:
    signed_in(client, night)
    before = _state()
    response = client.post(
        "/cases/emergency/", {"reference": case.reference, "reason": "held", "detail": ""}
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert _state() == before


def test_dp4_page_review_by_a_supervisor(
    night: Any, supervisor: Any, case: Case, client: Client
) -> None:
    access = _open(night, case)
    signed_in(client, supervisor)
    queue = client.get("/cases/emergency/reviews/").content.decode()
    assert case.reference in queue and str(night) in queue
    url = f"/cases/emergency/reviews/{access.public_id}/"
    page = client.get(url)
    assert DETAIL in page.content.decode()
    assert AccessLog.objects.filter(user=supervisor, what="emergency.review").count() == 1
    refused = client.post(url, {"outcome": "not_justified", "review_note": ""})
    assert refused.status_code == 400
    assert client.post(url, {"outcome": "justified"}).status_code == 302
    access.refresh_from_db()
    assert access.outcome == "justified"


# --- who gets what: pages and API ---------------------------------------------------------------

CALLERS = ("night_case_worker", "supervisor", "interpreter", "other_agency_supervisor")
# fmt: off
EXPECTED = {
    #                           night  super  interp o.sup
    "html.emergency_page":      (200,   403,   403,   403),
    "html.emergency_reviews":   (403,   200,   403,   200),
    "html.emergency_review":    (404,   200,   404,   404),
    "api.emergency_list":       (200,   200,   200,   200),
    "api.emergency_reviews":    (403,   200,   403,   200),
    "api.emergency_review":     (404,   200,   404,   404),
}
# fmt: on


@pytest.mark.parametrize("endpoint", list(EXPECTED))
@pytest.mark.parametrize("caller", CALLERS)
def test_dp4_emergency_access_matrix(
    endpoint: str,
    caller: str,
    night: Any,
    agency: Any,
    other_agency: Any,
    supervisor: Any,
    case: Case,
    client: Client,
) -> None:
    access = _open(night, case)
    people = {
        "night_case_worker": night,
        "supervisor": supervisor,
        "interpreter": staff(agency, Role.INTERPRETER, username="i"),
        "other_agency_supervisor": staff(other_agency, Role.SUPERVISOR, username="os"),
    }
    signed_in(client, people[caller])
    path = {
        "html.emergency_page": "/cases/emergency/",
        "html.emergency_reviews": "/cases/emergency/reviews/",
        "html.emergency_review": f"/cases/emergency/reviews/{access.public_id}/",
        "api.emergency_list": "/api/v1/emergency-access/",
        "api.emergency_reviews": "/api/v1/emergency-access/reviews/",
        "api.emergency_review": f"/api/v1/emergency-access/{access.public_id}/review/",
    }[endpoint]
    if endpoint == "api.emergency_review":
        before = _state()
        response = client.post(path, {"outcome": "justified"}, content_type="application/json")
        expected = EXPECTED[endpoint][CALLERS.index(caller)]
        assert response.status_code == expected
        if expected != 200:
            assert _state() == before
        return
    response = client.get(path)
    assert response.status_code == EXPECTED[endpoint][CALLERS.index(caller)]
    if endpoint == "api.emergency_list":
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == ([str(access.public_id)] if caller == "night_case_worker" else [])
    if endpoint == "api.emergency_reviews" and response.status_code == 200:
        ids = [row["id"] for row in response.json()]
        assert ids == ([str(access.public_id)] if caller == "supervisor" else [])


# --- the API ----------------------------------------------------------------------------------


def test_dp4_api_opens_ends_and_reviews(
    night: Any, supervisor: Any, case: Case, client: Client
) -> None:
    signed_in(client, night)
    created = client.post(
        "/api/v1/emergency-access/",
        {"reference": case.reference, "reason": "missing", "detail": DETAIL},
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["case"], body["reason"], body["active"]) == (str(case.public_id), "missing", True)
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 200
    ended = client.post(f"/api/v1/emergency-access/{body['id']}/end/")
    assert (ended.status_code, ended.json()["active"]) == (200, False)
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 404
    signed_in(client, supervisor)
    reviewed = client.post(
        f"/api/v1/emergency-access/{body['id']}/review/",
        {"outcome": "not_justified", "review_note": "Fictional: the case worker was reachable."},
        content_type="application/json",
    )
    assert (reviewed.status_code, reviewed.json()["outcome"]) == (200, "not_justified")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"reason": "curious"}, "reason"),
        ({"detail": ""}, "detail"),
        ({"minutes": 61}, "minutes"),
        ({"reference": "HV-NOSUCH1"}, "reference"),
    ],
)
def test_dp4_api_bad_input_names_the_field_and_changes_nothing(
    night: Any, case: Case, client: Client, payload: dict[str, Any], field: str
) -> None:
    signed_in(client, night)
    before = _state()
    response = client.post(
        "/api/v1/emergency-access/",
        {"reference": case.reference, "reason": "held", "detail": DETAIL, **payload},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert _state() == before
