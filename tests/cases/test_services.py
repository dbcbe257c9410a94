"""Case services (DESIGN idea 1): stage changes along the transition map, handovers with a note
(CC-9), who may act, interview logging (CC-6, ID-6), and one transaction per write."""

from datetime import timedelta
from itertools import product
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.models import Case, CaseAssignment, Interview, StageChange
from haven.cases.services import case_assign, case_change_stage, case_register, interview_record
from haven.safeguards.models import Alert
from tests.factories import child_fields, interview, staff

STAGES = list(Case.Stage.values)
REASON = "Fictional reason for the change."


def _state(case: Case) -> tuple:
    """Everything a stage change may touch, to prove a refused one touched nothing."""
    case.refresh_from_db()
    head = AuditChainHead.objects.get(pk=1)
    return (
        case.stage,
        case.stage_changed_at,
        case.closed_at,
        case.updated_by_id,
        StageChange.objects.count(),
        AuditEvent.objects.count(),
        (head.last_seq, head.last_digest),
        list(
            CaseAssignment.objects.order_by("pk").values_list("pk", "user_id", "role", "ended_at")
        ),
    )


def _put_in_stage(case: Case, stage: str) -> Case:
    """Set up a case in a given stage directly, without walking the map to reach it."""
    at = timezone.now() - timedelta(days=3)
    Case.objects.filter(pk=case.pk).update(
        stage=stage, stage_changed_at=at, closed_at=at if stage == Case.Stage.CLOSED else None
    )
    case.refresh_from_db()
    return case


# --- stage transitions -----------------------------------------------------------------------


@pytest.mark.parametrize(("from_stage", "to_stage"), list(product(STAGES, STAGES)))
def test_stage_changes_follow_the_transition_map(
    case, case_worker, supervisor, from_stage, to_stage
):
    # given a case in `from_stage`; a supervisor closes it (RR-6: a case worker asks)
    mover = supervisor if to_stage == Case.Stage.CLOSED else case_worker
    _put_in_stage(case, from_stage)
    before = _state(case)
    closed_before = case.closed_at

    if to_stage in Case.TRANSITIONS[from_stage]:
        # when the case worker moves it along an allowed edge
        changed = case_change_stage(
            closed_reason="goals_met",
            case=case,
            actor=mover,
            to_stage=to_stage,
            reason=REASON,
        )

        # then the stage changes, one StageChange and one "case.stage" audit event are written
        assert changed.stage == to_stage
        assert (changed.closed_at is not None) == (to_stage == Case.Stage.CLOSED)
        change = StageChange.objects.get(case=case)
        assert (change.from_stage, change.to_stage, change.changed_by, change.reason) == (
            from_stage,
            to_stage,
            mover,
            REASON,
        )
        event = AuditEvent.objects.get(action="case.stage")
        expected = {"stage": [from_stage, to_stage]}
        if closed_before != changed.closed_at:
            expected["closed_at"] = [
                closed_before and closed_before.isoformat(),
                changed.closed_at and changed.closed_at.isoformat(),
            ]
        assert (event.case_id, event.actor, event.changes) == (case.pk, mover, expected)
        assert REASON not in str(event.changes)
        assert verify_chain() == []
    else:
        # when it is asked to move along an edge the map does not have
        with pytest.raises(ValidationError) as excinfo:
            case_change_stage(
                closed_reason="goals_met",
                case=case,
                actor=mover,
                to_stage=to_stage,
                reason=REASON,
            )

        # then it is refused and nothing changed
        assert list(excinfo.value.message_dict) == ["to_stage"]
        assert _state(case) == before


def test_an_unknown_stage_is_refused(case, case_worker):
    before = _state(case)

    with pytest.raises(ValidationError) as excinfo:
        case_change_stage(
            case=case,
            actor=case_worker,
            to_stage="archived",
            reason=REASON,
        )

    assert list(excinfo.value.message_dict) == ["to_stage"]
    assert _state(case) == before


@pytest.mark.parametrize(
    ("from_stage", "to_stage"),
    [("protection", "closed"), ("identification", "closed"), ("closed", "protection")],
)
@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_or_reopening_needs_a_reason(case, supervisor, from_stage, to_stage, reason):
    _put_in_stage(case, from_stage)
    before = _state(case)

    with pytest.raises(ValidationError) as excinfo:
        case_change_stage(
            closed_reason="goals_met",
            case=case,
            actor=supervisor,
            to_stage=to_stage,
            reason=reason,
        )

    assert list(excinfo.value.message_dict) == ["reason"]
    assert _state(case) == before


def test_other_stage_changes_need_no_reason(case, case_worker):
    changed = case_change_stage(case=case, actor=case_worker, to_stage="protection")

    assert changed.stage == "protection"
    assert StageChange.objects.get(case=case).reason == ""


def test_leaving_identification_ends_the_identifying_officers_access(agency, supervisor):
    # given a case registered by a police officer, who becomes the identifying officer
    officer = staff(agency, Role.LAW_ENFORCEMENT, username="officer")
    case = case_register(actor=officer, agency=agency, child=child_fields())
    assignment = CaseAssignment.objects.get(case=case, user=officer)
    assert (assignment.role, assignment.ended_at) == ("identifying_officer", None)

    # when child protection moves the case on
    case_change_stage(case=case, actor=supervisor, to_stage="protection")

    # then the officer's assignment has ended
    assignment.refresh_from_db()
    assert assignment.ended_at is not None
    assert (
        AuditEvent.objects.filter(
            action="assignment.end", object_id=str(assignment.public_id)
        ).count()
        == 1
    )


def test_an_unassigned_case_worker_of_the_same_agency_cannot_change_stage(case, agency):
    # given a case worker of the case's agency who is not assigned to it
    colleague = staff(agency, Role.CASE_WORKER, username="colleague")
    before = _state(case)

    # when they try to move it on
    with pytest.raises(PermissionDenied):
        case_change_stage(case=case, actor=colleague, to_stage="protection")

    # then nothing changed
    assert _state(case) == before


def test_a_case_worker_of_another_agency_cannot_change_stage(case, other_agency):
    outsider = staff(other_agency, Role.CASE_WORKER, username="outsider")
    before = _state(case)

    with pytest.raises(PermissionDenied):
        case_change_stage(case=case, actor=outsider, to_stage="protection")

    assert _state(case) == before


# --- assignments and handovers (CC-9) ---------------------------------------------------------


@pytest.fixture
def newcomer(agency):  # type: ignore[no-untyped-def]
    return staff(agency, Role.CASE_WORKER, username="newcomer")


def _current_case_worker(case: Case):  # type: ignore[no-untyped-def]
    return CaseAssignment.objects.get(case=case, role="case_worker", ended_at__isnull=True).user


@pytest.mark.parametrize("note", ["", "  \n "])
def test_cc9_handover_to_a_new_case_worker_needs_a_handover_note(case, supervisor, newcomer, note):
    before = _state(case)

    with pytest.raises(ValidationError) as excinfo:
        case_assign(
            case=case, actor=supervisor, user=newcomer, role="case_worker", handover_note=note
        )

    assert list(excinfo.value.message_dict) == ["handover_note"]
    assert _state(case) == before


def test_cc9_handover_with_a_note_ends_the_previous_assignment(
    case, case_worker, supervisor, newcomer
):
    # given the case worker who registered the case
    previous = CaseAssignment.objects.get(case=case, user=case_worker)
    note = "Fictional note: the child prefers afternoon meetings."

    # when a supervisor hands the case over with a note
    assignment = case_assign(
        case=case, actor=supervisor, user=newcomer, role="case_worker", handover_note=note
    )

    # then the previous assignment ended, the new one carries the note, and both are audited
    previous.refresh_from_db()
    assert previous.ended_at is not None
    assert (assignment.user, assignment.ended_at, assignment.handover_note) == (
        newcomer,
        None,
        note,
    )
    assert _current_case_worker(case) == newcomer
    actions = list(
        AuditEvent.objects.filter(case_id=case.pk).order_by("seq").values_list("action", flat=True)
    )
    assert actions[-2:] == ["assignment.end", "assignment.start"]
    assert note not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    assert Alert.objects.filter(case=case, status="open").count() == 0

    # and the previous case worker can no longer move the case on
    with pytest.raises(PermissionDenied):
        case_change_stage(case=case, actor=case_worker, to_stage="protection")


def test_cc9_a_case_worker_from_another_agency_is_refused(case, supervisor, other_agency):
    outsider = staff(other_agency, Role.CASE_WORKER, username="outsider")
    before = _state(case)

    with pytest.raises(ValidationError) as excinfo:
        case_assign(
            case=case,
            actor=supervisor,
            user=outsider,
            role="case_worker",
            handover_note="Fictional note.",
        )

    assert list(excinfo.value.message_dict) == ["user"]
    assert _state(case) == before
    assert CaseAssignment.objects.filter(user=outsider).count() == 0


def test_cc9_a_case_worker_cannot_assign_a_successor(case, case_worker, newcomer):
    before = _state(case)

    with pytest.raises(PermissionDenied):
        case_assign(
            case=case,
            actor=case_worker,
            user=newcomer,
            role="case_worker",
            handover_note="Fictional.",
        )

    assert _state(case) == before


# --- interviews (CC-6, ID-6) ------------------------------------------------------------------


def _interview_state() -> tuple:
    head = AuditChainHead.objects.get(pk=1)
    return (
        Interview.objects.count(),
        AuditEvent.objects.count(),
        head.last_seq,
        Alert.objects.count(),
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param(
            lambda: {"conducted_at": timezone.now() + timedelta(hours=1)},
            "conducted_at",
            id="future-date",
        ),
        pytest.param(lambda: {"duration_minutes": 0}, "__all__", id="zero-duration"),
        pytest.param(lambda: {"kind": "interrogation"}, "kind", id="unknown-kind"),
        pytest.param(lambda: {"interviewer": "   "}, "interviewer", id="no-interviewer"),
    ],
)
def test_cc6_interview_record_validation_saves_nothing(case, case_worker, overrides, field):
    # given the counts before
    before = _interview_state()

    # when an invalid interview is logged
    with pytest.raises(ValidationError) as excinfo:
        interview(case, case_worker, **overrides())

    # then the error names the field and no interview or audit row exists
    assert list(excinfo.value.message_dict) == [field]
    assert _interview_state() == before


def test_cc6_interview_record_logs_who_when_and_counts_the_retelling(case, case_worker):
    at = timezone.now() - timedelta(days=1)

    logged = interview_record(
        case=case,
        actor=case_worker,
        kind="identification",
        conducted_at=at,
        interviewer=" Fictional Officer ",
        interviewer_agency="Fictional Police Unit",
        interpreter="Fictional Interpreter",
        support_person="Fictional Support Person",
        duration_minutes=40,
        location="Fictional interview room",
        notes="Fictional notes.",
    )

    saved = Interview.objects.get(pk=logged.pk)
    assert (
        saved.interviewer,
        saved.conducted_at,
        saved.duration_minutes,
        saved.child_told_story,
    ) == (
        "Fictional Officer",
        at,
        40,
        True,
    )
    event = AuditEvent.objects.get(action="interview.record")
    assert event.changes == {"kind": [None, "identification"], "child_told_story": [None, True]}


def test_an_unassigned_colleague_cannot_record_an_interview(case, agency):
    colleague = staff(agency, Role.CASE_WORKER, username="colleague")
    before = _interview_state()

    with pytest.raises(PermissionDenied):
        interview(case, colleague)

    assert _interview_state() == before


# --- one transaction per write ----------------------------------------------------------------


class _Boom(Exception):
    pass


def _fail_after_the_audit_row(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Make the last step of every case write (alert evaluation) fail, after the service has
    already saved its rows and its audit event."""

    def boom(cases: Any, *changed: Any) -> None:
        raise _Boom

    monkeypatch.setattr("haven.cases.services.reevaluate", boom)
    monkeypatch.setattr("haven.cases.services.evaluate_opened", boom)


def test_a_failing_interview_write_leaves_no_partial_rows(case, case_worker, monkeypatch):
    before = _interview_state()
    _fail_after_the_audit_row(monkeypatch)

    with pytest.raises(_Boom):
        interview(case, case_worker)

    assert _interview_state() == before
    assert verify_chain() == []


def test_a_failing_stage_change_leaves_no_partial_rows(case, supervisor, monkeypatch):
    before = _state(case)
    _fail_after_the_audit_row(monkeypatch)

    with pytest.raises(_Boom):
        case_change_stage(
            closed_reason="goals_met",
            case=case,
            actor=supervisor,
            to_stage="closed",
            reason=REASON,
        )

    assert _state(case) == before
    assert verify_chain() == []


def test_a_failing_handover_leaves_the_previous_case_worker_in_place(
    case, case_worker, supervisor, newcomer, monkeypatch
):
    before = _state(case)
    _fail_after_the_audit_row(monkeypatch)

    with pytest.raises(_Boom):
        case_assign(
            case=case,
            actor=supervisor,
            user=newcomer,
            role="case_worker",
            handover_note="Fictional.",
        )

    assert _state(case) == before
    assert _current_case_worker(case) == case_worker
    assert verify_chain() == []


def test_a_failing_registration_leaves_no_child_case_or_audit_row(agency, case_worker, monkeypatch):
    from haven.children.models import Child

    counts = (
        Child.objects.count(),
        Case.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.count(),
    )
    _fail_after_the_audit_row(monkeypatch)

    with pytest.raises(_Boom):
        case_register(actor=case_worker, agency=agency, child=child_fields(), nationalities=["MM"])

    assert (
        Child.objects.count(),
        Case.objects.count(),
        CaseAssignment.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert verify_chain() == []


def test_id6_an_interview_dated_in_year_one_is_refused_not_a_server_error(
    client, case, case_worker, agency
):
    from tests.conftest import signed_in

    agency.time_zone = "Asia/Jakarta"
    agency.save(update_fields=["time_zone"])
    signed_in(client, case_worker)
    before = Interview.objects.count()
    response = client.post(
        f"/cases/{case.public_id}/interviews/new/",
        {
            "kind": "assessment",
            "conducted_at": "0001-01-01T00:00",
            "interviewer": "X",
            "duration_minutes": 5,
        },
    )
    assert response.status_code == 400
    assert "the year is too long ago" in response.content.decode()
    assert Interview.objects.count() == before
