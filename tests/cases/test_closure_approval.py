"""A supervisor approves the closing of a case (RR-6, CC-1): a case worker asks, with a reason
from the closed list; someone who may approve closures, other than the person who asked,
approves (the case closes) or declines with a note (it stays open). The closing checks run when
asked and again when approved. On the service, the page and the API alike; a refused step
changes nothing."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case, ClosureRequest, StageChange
from haven.cases.services import case_change_stage, closure_decide, closure_request
from haven.core.errors import SafeguardViolation
from haven.placements.services import placement_record
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import staff
from tests.reintegration.helpers import today

pytestmark = pytest.mark.django_db

REASON = "Fictional: the plan's goals are met and the family is supported by the village."
NOTE = "Fictional: one more follow-up visit first, school has not started yet."


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.stage,
        case.closed_at,
        case.closed_reason,
        StageChange.objects.count(),
        AuditEvent.objects.count(),
        sorted(ClosureRequest.objects.values_list("closed_reason", "status")),
    )


def _ask(case: Case, actor: Any, closed_reason: str = "goals_met") -> ClosureRequest:
    return closure_request(case=case, actor=actor, closed_reason=closed_reason, reason=REASON)


def _held(case: Case, actor: Any) -> None:
    """The child is held in a police cell: ND-2's critical alert is open, and the case cannot
    close while it is."""
    placement_record(
        case=case,
        actor=actor,
        type="police_cell",
        facility="Fictional District Police Station",
        start_on=today(),
        urgent_reason="Fictional: found at night, no shelter bed.",
    )


# --- the service ----------------------------------------------------------------------------------


def test_rr6_a_case_worker_cannot_close_a_case_without_approval_and_nothing_changes(
    case: Case, case_worker: Any
) -> None:
    before = _state(case)

    with pytest.raises(PermissionDenied) as refused:
        case_change_stage(
            case=case,
            actor=case_worker,
            to_stage="closed",
            closed_reason="goals_met",
            reason=REASON,
        )

    assert "A supervisor approves the closing of a case" in str(refused.value)
    assert _state(case) == before


def test_rr6_a_case_worker_asks_and_a_supervisor_approves_and_the_case_closes(
    case: Case, case_worker: Any, supervisor: Any
) -> None:
    asked = _ask(case, case_worker)
    case.refresh_from_db()
    assert case.stage == Case.Stage.IDENTIFICATION
    assert asked.status == ClosureRequest.Status.PENDING
    assert asked.created_by == case_worker

    closure_decide(request=asked, actor=supervisor, approve=True)

    case.refresh_from_db()
    asked.refresh_from_db()
    assert (case.stage, case.closed_reason) == (Case.Stage.CLOSED, "goals_met")
    assert case.closed_at is not None
    assert (asked.status, asked.decided_by, asked.decided_at) == (
        ClosureRequest.Status.APPROVED,
        supervisor,
        case.closed_at,
    )
    change = StageChange.objects.get(case=case, to_stage=Case.Stage.CLOSED)
    assert (change.changed_by, change.reason) == (supervisor, REASON)
    actions = list(
        AuditEvent.objects.filter(case_id=case.pk)
        .order_by("seq")
        .values_list("action", flat=True)
        .reverse()[:3]
    )
    assert actions == ["case.closure_decide", "case.stage", "case.closure_request"]


def test_rr6_a_declined_request_needs_a_note_and_the_case_stays_open(
    case: Case, case_worker: Any, supervisor: Any
) -> None:
    asked = _ask(case, case_worker)
    before = _state(case)

    with pytest.raises(ValidationError) as refused:
        closure_decide(request=asked, actor=supervisor, approve=False, note="  ")
    assert "Say why the case stays open" in str(refused.value)
    assert _state(case) == before

    closure_decide(request=asked, actor=supervisor, approve=False, note=NOTE)

    case.refresh_from_db()
    asked.refresh_from_db()
    assert case.stage == Case.Stage.IDENTIFICATION
    assert (asked.status, asked.decision_note) == (ClosureRequest.Status.DECLINED, NOTE)
    # Declined, the case worker may ask again later.
    assert _ask(case, case_worker).status == ClosureRequest.Status.PENDING


def test_rr6_the_person_who_asked_does_not_approve_their_own_request(
    case: Case, supervisor: Any, cp_officer: Any
) -> None:
    asked = _ask(case, supervisor)
    before = _state(case)

    with pytest.raises(ValidationError) as refused:
        closure_decide(request=asked, actor=supervisor, approve=True)

    assert "Someone other than the person who asked" in str(refused.value)
    assert _state(case) == before
    closure_decide(request=asked, actor=cp_officer, approve=True)
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED


def test_rr6_a_case_worker_cannot_approve_and_a_decided_request_is_not_decided_again(
    case: Case, case_worker: Any, supervisor: Any, agency: Any
) -> None:
    colleague = staff(agency, Role.CASE_WORKER)
    asked = _ask(case, case_worker)
    before = _state(case)

    with pytest.raises(PermissionDenied):
        closure_decide(request=asked, actor=colleague, approve=True)
    assert _state(case) == before

    closure_decide(request=asked, actor=supervisor, approve=False, note=NOTE)
    decided = _state(case)
    with pytest.raises(ValidationError) as refused:
        closure_decide(request=asked, actor=supervisor, approve=True)
    assert "already been decided" in str(refused.value)
    assert _state(case) == decided


def test_rr6_one_request_waits_at_a_time_and_a_supervisor_decides_it_before_closing_directly(
    case: Case, case_worker: Any, supervisor: Any
) -> None:
    _ask(case, case_worker)
    before = _state(case)

    with pytest.raises(ValidationError) as second:
        _ask(case, case_worker, "child_declines")
    with pytest.raises(ValidationError) as direct:
        case_change_stage(
            case=case, actor=supervisor, to_stage="closed", closed_reason="no_needs", reason=REASON
        )

    assert "already waiting" in str(second.value)
    assert "waiting: approve or decline it" in str(direct.value)
    assert _state(case) == before


def test_rr6_a_supervisor_closes_directly_when_nothing_waits(case: Case, supervisor: Any) -> None:
    case_change_stage(
        case=case, actor=supervisor, to_stage="closed", closed_reason="no_needs", reason=REASON
    )

    case.refresh_from_db()
    assert (case.stage, case.closed_reason) == (Case.Stage.CLOSED, "no_needs")
    assert not ClosureRequest.objects.exists()


def test_nd2_rr6_asking_to_close_while_the_child_is_held_is_refused_and_nothing_is_saved(
    case: Case, case_worker: Any
) -> None:
    _held(case, case_worker)
    before = _state(case)

    with pytest.raises(SafeguardViolation) as refused:
        _ask(case, case_worker)

    assert refused.value.measure_id == "ND-2"
    assert _state(case) == before


def test_nd2_rr6_approval_runs_the_closing_checks_again_and_refuses_when_they_fail(
    case: Case, case_worker: Any, supervisor: Any
) -> None:
    # Asked while nothing kept the case open; the child was taken to a police cell since.
    asked = _ask(case, case_worker)
    _held(case, case_worker)
    before = _state(case)

    with pytest.raises(SafeguardViolation) as refused:
        closure_decide(request=asked, actor=supervisor, approve=True)

    assert refused.value.measure_id == "ND-2"
    assert _state(case) == before
    assert Alert.objects.filter(case=case, rule_code="nd2.child_detained", status="open").exists()


@pytest.mark.parametrize(
    ("closed_reason", "reason", "field"),
    [
        ("", REASON, "closed_reason"),
        ("because", REASON, "closed_reason"),
        ("goals_met", "   ", "reason"),
    ],
)
def test_rr6_a_request_without_a_reason_from_the_list_and_its_detail_is_refused(
    case: Case, case_worker: Any, closed_reason: str, reason: str, field: str
) -> None:
    before = _state(case)

    with pytest.raises(ValidationError) as refused:
        closure_request(case=case, actor=case_worker, closed_reason=closed_reason, reason=reason)

    assert field in refused.value.message_dict
    assert _state(case) == before


def test_cc8_a_request_whose_detail_is_about_cooperation_is_refused(
    case: Case, case_worker: Any
) -> None:
    before = _state(case)

    with pytest.raises(SafeguardViolation) as refused:
        closure_request(
            case=case,
            actor=case_worker,
            closed_reason="other",
            reason="Fictional: she would not talk to the police.",
        )

    assert refused.value.measure_id == "CC-8"
    assert _state(case) == before


# --- the pages ------------------------------------------------------------------------------------


def test_rr6_choosing_closed_on_the_page_asks_a_supervisor_who_approves_from_my_cases(
    client: Client, case: Case, case_worker: Any, supervisor: Any
) -> None:
    page = signed_in(client, case_worker).get(f"/cases/{case.public_id}/").content.decode()
    assert "Closed (a supervisor approves)" in page

    response = client.post(
        f"/cases/{case.public_id}/stage/",
        {"to_stage": "closed", "closed_reason": "goals_met", "reason": REASON},
        follow=True,
    )
    page = response.content.decode()
    assert "Closing is asked for: a supervisor will approve or decline it." in page
    assert "A supervisor other than the person who asked approves or declines it." in page
    asked = ClosureRequest.objects.get(case=case)
    case.refresh_from_db()
    assert case.stage == Case.Stage.IDENTIFICATION
    # The case worker approves nothing: their My cases lists no closure waiting.
    assert "Closures waiting for your approval" not in client.get("/cases/").content.decode()

    home = signed_in(Client(), supervisor)
    listed = home.get("/cases/").content.decode()
    assert "Closures waiting for your approval" in listed
    assert case.reference in listed
    decided = home.post(
        f"/cases/{case.public_id}/closure/{asked.public_id}/",
        {"decision": "approve", "note": ""},
        follow=True,
    )
    assert "The case is closed." in decided.content.decode()
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED
    assert "Closures waiting for your approval" not in home.get("/cases/").content.decode()


def test_rr6_declining_on_the_page_without_a_note_shows_the_message_and_changes_nothing(
    client: Client, case: Case, case_worker: Any, supervisor: Any
) -> None:
    asked = _ask(case, case_worker)
    before = _state(case)

    response = signed_in(client, supervisor).post(
        f"/cases/{case.public_id}/closure/{asked.public_id}/", {"decision": "decline", "note": ""}
    )

    assert response.status_code == 400
    assert "Say why the case stays open, for the case worker." in response.content.decode()
    assert _state(case) == before


def test_rr6_a_case_worker_cannot_decide_a_request_from_the_page(
    client: Client, case: Case, case_worker: Any, supervisor: Any
) -> None:
    asked = _ask(case, supervisor)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/cases/{case.public_id}/closure/{asked.public_id}/", {"decision": "approve"}
    )

    assert response.status_code == 403
    assert _state(case) == before


# --- the API --------------------------------------------------------------------------------------


def test_rr6_the_api_asks_lists_and_approves_a_closure(
    client: Client, case: Case, case_worker: Any, supervisor: Any
) -> None:
    worker = signed_in(client, case_worker)
    before = _state(case)
    direct = worker.post(
        f"/api/v1/cases/{case.public_id}/stage/",
        {"to_stage": "closed", "closed_reason": "goals_met", "reason": REASON},
        content_type="application/json",
    )
    assert direct.status_code == 403
    assert _state(case) == before

    asked = worker.post(
        f"/api/v1/cases/{case.public_id}/closures/",
        {"closed_reason": "goals_met", "reason": REASON},
        content_type="application/json",
    )
    assert asked.status_code == 201
    body = asked.json()
    assert (body["closed_reason"], body["status"], body["reason"]) == (
        "goals_met",
        "pending",
        REASON,
    )

    listed = worker.get(f"/api/v1/cases/{case.public_id}/closures/").json()
    assert [r["id"] for r in listed] == [body["id"]]
    refused = worker.post(
        f"/api/v1/cases/{case.public_id}/closures/{body['id']}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert refused.status_code == 403

    decided = signed_in(Client(), supervisor).post(
        f"/api/v1/cases/{case.public_id}/closures/{body['id']}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED


def test_nd2_rr6_asking_through_the_api_while_the_child_is_held_is_422_and_saves_nothing(
    client: Client, case: Case, case_worker: Any
) -> None:
    _held(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/api/v1/cases/{case.public_id}/closures/",
        {"closed_reason": "goals_met", "reason": REASON},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["measure_id"] == "ND-2"
    assert _state(case) == before


def test_rr6_someone_outside_the_case_gets_404_from_the_closure_endpoints(
    client: Client, case: Case, case_worker: Any, outsider: Any
) -> None:
    asked = _ask(case, case_worker)
    before = _state(case)
    other = signed_in(client, outsider)

    listed = other.get(f"/api/v1/cases/{case.public_id}/closures/")
    decided = other.post(
        f"/api/v1/cases/{case.public_id}/closures/{asked.public_id}/decide/",
        {"approve": True},
        content_type="application/json",
    )

    assert (listed.status_code, decided.status_code) == (404, 404)
    assert _state(case) == before
