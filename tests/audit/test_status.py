"""One state machine for every record that moves along a map of statuses (haven.audit.status):
case stages, referrals, children's feedback. A move the map allows is saved with its audit event
(and, for a case, its StageChange row); a move it refuses changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from haven.audit.models import AuditEvent
from haven.audit.status import StatusMachine
from haven.cases.models import Case, StageChange
from haven.directory.models import Referral, ReferralStatus
from haven.voice.models import Feedback

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [Case, Referral, Feedback], ids=lambda m: m.__name__)
def test_every_status_map_is_one_state_machine_over_the_fields_choices(model) -> None:  # type: ignore[no-untyped-def]
    assert issubclass(model, StatusMachine)
    choices = {value for value, _label in model._meta.get_field(model.STATUS_FIELD).choices}
    assert set(model.TRANSITIONS) == choices
    assert all(targets <= choices for targets in model.TRANSITIONS.values())


def test_rr6_a_stage_change_writes_its_history_row_and_one_audit_event(case, case_worker) -> None:
    events = AuditEvent.objects.count()

    before = case.set_status(
        Case.Stage.CLOSED,
        actor=case_worker,
        action="case.stage",
        case=case,
        fields={"stage_changed_at": case.stage_changed_at},
        reason="Fictional: the child moved abroad with her mother.",
    )

    assert before == Case.Stage.IDENTIFICATION
    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED
    row = StageChange.objects.get(case=case)
    assert (row.from_stage, row.to_stage, row.changed_by) == (
        "identification",
        "closed",
        case_worker,
    )
    assert row.reason == "Fictional: the child moved abroad with her mother."
    event = AuditEvent.objects.latest("seq")
    assert AuditEvent.objects.count() == events + 1
    assert (event.action, event.changes["stage"]) == ("case.stage", ["identification", "closed"])


def test_a_move_the_map_refuses_changes_nothing_and_names_where_the_case_stands(
    case, case_worker
) -> None:
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        case.set_status(Case.Stage.FOLLOW_UP, actor=case_worker, action="case.stage", case=case)

    assert refused.value.message_dict == {
        "to_stage": ["A case cannot move from “Identification” to “Follow-up”."]
    }
    case.refresh_from_db()
    assert case.stage == Case.Stage.IDENTIFICATION
    assert (AuditEvent.objects.count(), StageChange.objects.count()) == (events, 0)


def test_allowed_statuses_follow_the_map_in_the_order_of_the_choices(case) -> None:
    assert case.allowed_statuses() == ["protection", "closed"]
    referral = Referral(status=ReferralStatus.ACCEPTED)
    assert referral.allowed_statuses() == ["withdrawn", "closed"]
    assert Referral(status=ReferralStatus.DECLINED).allowed_statuses() == []
