"""Children as victim-witnesses (VW-1 … VW-8, CC-6, CC-8, PS-6): the services and the rules.
Every refusal asserts that nothing was written."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case, Interview
from haven.cases.selectors import retelling_count
from haven.cases.services import case_assign, case_register
from haven.core.errors import EditConflict, SafeguardViolation
from haven.justice import services
from haven.justice.models import (
    ChildInProceeding,
    ChildUpdate,
    Compensation,
    HearingAttendance,
    Participation,
    Proceeding,
    ProceedingStatement,
    ReprisalRisk,
)
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import child_fields, determination, interview, staff
from tests.justice.helpers import ACCUSED, DEFENCE
from tests.justice.helpers import decide as _decide
from tests.justice.helpers import legal_session as _session
from tests.justice.helpers import open_proceeding as _open


def _state() -> tuple[Any, ...]:
    """Everything a justice write may touch."""
    return tuple(
        model.objects.count()
        for model in (
            Proceeding,
            ChildInProceeding,
            Participation,
            HearingAttendance,
            ProceedingStatement,
            Interview,
            ChildUpdate,
            ReprisalRisk,
            Compensation,
            AuditEvent,
        )
    )


def _statement(part: ChildInProceeding, actor: Any, kind: str = "statement", **extra: Any) -> Any:
    fields = {
        "kind": kind,
        "conducted_at": timezone.now() - timedelta(hours=2),
        "interviewer": "Fictional Prosecutor",
        "duration_minutes": 40,
        "support_person": "Fictional Social Worker",
    }
    return services.statement_record(case=part.case, actor=actor, part=part, **{**fields, **extra})


def _open_alerts(case: Case, code: str) -> int:
    return Alert.objects.filter(case=case, rule_code=code, status=Alert.Status.OPEN).count()


# --- VW-1: participation decided in the child's best interests -----------------------------------


def test_vw1_a_statement_without_a_participation_decision_is_refused(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    before = _state()
    with pytest.raises(SafeguardViolation) as caught:
        _statement(part, case_worker)
    assert caught.value.measure_id == "VW-1"
    assert _state() == before


@pytest.mark.parametrize("kind", ["statement", "testimony", "cross_examination"])
def test_vw1_a_statement_outside_a_proceeding_is_refused(
    case: Case, case_worker: Any, kind: str
) -> None:
    before = _state()
    with pytest.raises(ValidationError) as caught:
        interview(case, case_worker, kind=kind, support_person="Fictional Social Worker")
    assert "kind" in caught.value.message_dict
    assert _state() == before


def test_vw1_agreeing_needs_a_determination_about_legal_participation(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    wrong = determination(case, case_worker, "placement")
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _decide(part, case_worker, "statement", decision=wrong)
    assert "decision" in caught.value.message_dict
    with pytest.raises(ValidationError) as missing:
        _decide(part, case_worker, "statement", decision=None)
    assert "decision" in missing.value.message_dict
    assert _state()[:3] == before[:3]


def test_vw1_a_participation_without_the_childs_views_is_refused(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    with pytest.raises(ValidationError) as caught:
        _decide(part, case_worker, "statement", child_views="   ")
    assert "child_views" in caught.value.message_dict
    assert Participation.objects.count() == 0


def test_vw2_participation_needs_a_session_on_the_legal_process(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    rights_only = _session(case, case_worker, topics=("rights",))
    with pytest.raises(ValidationError) as caught:
        _decide(part, case_worker, "statement", information_session=rights_only)
    assert "information_session" in caught.value.message_dict
    assert Participation.objects.count() == 0


def test_vw1_vw5_an_agreed_statement_is_recorded_counted_and_linked(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "statement")
    before = retelling_count(case)
    statement = _statement(part, case_worker, video_recorded=True)
    assert statement.child_in_proceeding == part
    assert statement.interview.kind == "statement"
    assert retelling_count(case) == before + 1


def test_vw1_vw8_a_declined_form_is_refused_and_stands(case: Case, case_worker: Any) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "testimony", choice="declines")
    before = _state()
    with pytest.raises(SafeguardViolation) as caught:
        _statement(part, case_worker, kind="testimony")
    assert "declined" in str(caught.value.message)
    assert _state() == before


# --- VW-3: support person ------------------------------------------------------------------------


def test_vw3_a_statement_without_a_support_person_is_refused(case: Case, case_worker: Any) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "statement")
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _statement(part, case_worker, support_person="")
    assert "support_person" in caught.value.message_dict
    assert _state() == before


@pytest.mark.parametrize("name", ["Fictional Defence Lawyer", "fictional  accused TWO"])
def test_vw3_a_support_person_on_the_accuseds_side_is_refused(
    case: Case, case_worker: Any, name: str
) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "statement")
    hearing = services.hearing_record(
        case=case, actor=case_worker, part=part, held_on=timezone.localdate() + timedelta(days=10)
    )
    before = _state()
    with pytest.raises(ValidationError) as statement:
        _statement(part, case_worker, support_person=name)
    assert "support_person" in statement.value.message_dict
    with pytest.raises(ValidationError) as at_hearing:
        services.attendance_record(
            case=case, actor=case_worker, part=part, hearing=hearing, support_name=name
        )
    assert "support_name" in at_hearing.value.message_dict
    assert _state() == before


def test_vw3_a_hearing_without_a_support_person_raises_an_alert_until_one_is_recorded(
    case: Case, case_worker: Any, supervisor: Any, agency: Any
) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "testimony")
    hearing = services.hearing_record(
        case=case, actor=case_worker, part=part, held_on=timezone.localdate() + timedelta(days=10)
    )
    assert _open_alerts(case, "vw3.no_support_person") == 1
    helper = staff(
        agency, Role.PSYCHOLOGIST, username="support", first_name="Fictional", last_name="Support"
    )
    case_assign(case=case, actor=supervisor, user=helper, role="support_person")
    services.attendance_record(
        case=case,
        actor=case_worker,
        part=part,
        hearing=hearing,
        testifies=True,
        support_user=helper,
        requested=["screen", "breaks"],
        granted=["screen"],
    )
    assert _open_alerts(case, "vw3.no_support_person") == 0


# --- VW-4: a recorded statement is reused --------------------------------------------------------


def test_vw4_a_further_statement_after_a_recorded_one_needs_a_reason(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "statement")
    _decide(part, case_worker, "testimony")
    _statement(part, case_worker, video_recorded=True)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _statement(part, case_worker, kind="testimony")
    assert "why_not_reused" in caught.value.message_dict
    assert _state() == before
    _statement(
        part,
        case_worker,
        kind="testimony",
        why_not_reused="Fictional: the court refused the recording.",
    )
    assert ProceedingStatement.objects.filter(child_in_proceeding=part).count() == 2


# --- VW-5: counted statements ---------------------------------------------------------------------


def test_vw5_a_second_statement_in_one_proceeding_raises_an_alert(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    _decide(part, case_worker, "statement")
    _statement(part, case_worker)
    assert _open_alerts(case, "vw5.too_many_statements") == 0
    _statement(part, case_worker)
    assert _open_alerts(case, "vw5.too_many_statements") == 1


# --- VW-6: updates to the child -------------------------------------------------------------------


def test_vw6_a_verdict_asks_that_the_child_be_told_and_an_update_clears_it(
    case: Case, case_worker: Any
) -> None:
    part = _open(case, case_worker)
    services.event_record(
        case=case, actor=case_worker, part=part, kind="verdict", occurred_on=timezone.localdate()
    )
    assert _open_alerts(case, "vw6.inform_the_child") == 1
    services.update_record(
        case=case,
        actor=case_worker,
        part=part,
        given_at=timezone.now(),
        given_by="Fictional Case Worker",
        language="my",
        explained="Fictional: the court found the accused guilty; what happens next.",
    )
    assert _open_alerts(case, "vw6.inform_the_child") == 0


# --- VW-7: reprisal risk ---------------------------------------------------------------------


def test_vw7_high_risk_without_a_measure_raises_an_alert(case: Case, case_worker: Any) -> None:
    part = _open(case, case_worker)
    services.risk_record(
        case=case,
        actor=case_worker,
        part=part,
        assessed_on=timezone.localdate(),
        level="high",
        threats=True,
    )
    assert _open_alerts(case, "vw7.high_risk_unprotected") == 1
    services.risk_record(
        case=case,
        actor=case_worker,
        part=part,
        assessed_on=timezone.localdate(),
        level="high",
        measures=["no_contact_order", "police_protection"],
    )
    assert _open_alerts(case, "vw7.high_risk_unprotected") == 0


# --- compensation ------------------------------------------------------------------------------


def test_compensation_paid_above_the_award_is_refused(case: Case, case_worker: Any) -> None:
    part = _open(case, case_worker, kind="compensation", role="claimant")
    _decide(part, case_worker, "compensation_claim")
    claim = services.compensation_record(
        case=case,
        actor=case_worker,
        part=part,
        claimed_on=timezone.localdate(),
        currency="THB",
        amount_claimed=Decimal("50000"),
    )
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.compensation_record(
            case=case,
            actor=case_worker,
            part=part,
            compensation=claim,
            claimed_on=claim.claimed_on,
            currency="THB",
            amount_claimed=Decimal("50000"),
            amount_awarded=Decimal("30000"),
            awarded_on=timezone.localdate(),
            amount_paid=Decimal("30001"),
        )
    assert "amount_paid" in caught.value.message_dict
    assert _state() == before


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"stage": "sentencing"}, "stage"),
        ({"role": "accused"}, "role"),
        ({"kind": "tribal"}, "kind"),
        ({"authority": " "}, "authority"),
    ],
)
def test_unknown_stage_role_or_kind_names_the_field_and_saves_nothing(
    case: Case, case_worker: Any, overrides: dict[str, Any], field: str
) -> None:
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _open(case, case_worker, **overrides)
    assert field in caught.value.message_dict
    assert _state() == before


def test_a_hearing_before_the_proceeding_opened_is_refused(case: Case, case_worker: Any) -> None:
    part = _open(case, case_worker)
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.hearing_record(
            case=case,
            actor=case_worker,
            part=part,
            held_on=part.proceeding.opened_on - timedelta(days=1),
        )
    assert "held_on" in caught.value.message_dict
    assert _state() == before


# --- one proceeding, several children -------------------------------------------------------------


def test_a_shared_proceeding_keeps_each_childs_part_on_their_own_case(
    case: Case, case_worker: Any, agency: Any
) -> None:
    part = _open(case, case_worker)
    other = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Two")
    )
    theirs = services.proceeding_join(
        case=other, actor=case_worker, proceeding=part.proceeding, role="complainant"
    )
    _decide(part, case_worker, "statement")
    assert Participation.objects.filter(child_in_proceeding__case=other).count() == 0
    assert theirs.proceeding == part.proceeding
    with pytest.raises(ValidationError):
        services.participation_record(
            case=other,
            actor=case_worker,
            part=part,
            form="statement",
            choice="declines",
            decided_on=timezone.localdate(),
            information_session=_session(other, case_worker),
            retraumatisation_risk="low",
            intimidation_risk="low",
            reprisal_risk="low",
            child_views="Fictional.",
        )


def test_two_people_changing_a_shared_proceeding_never_overwrite_each_other(
    case: Case, case_worker: Any, agency: Any
) -> None:
    """From two children's cases, two people open the same proceeding; the first moves it to
    trial, the second's save of the version they opened is refused and changes nothing."""
    part = _open(case, case_worker)
    other = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Two")
    )
    theirs = services.proceeding_join(
        case=other, actor=case_worker, proceeding=part.proceeding, role="complainant"
    )
    opened = part.proceeding.version
    fields = {
        "kind": "criminal",
        "authority": "Fictional Provincial Court",
        "opened_on": part.proceeding.opened_on,
        "accused": ACCUSED,
        "defence": DEFENCE,
    }
    services.proceeding_update(
        case=case,
        actor=case_worker,
        part=part,
        stage="trial",
        role="witness",
        expected_version=opened,
        **fields,
    )
    before = _state()
    with pytest.raises(EditConflict):
        services.proceeding_update(
            case=other,
            actor=case_worker,
            part=theirs,
            stage="closed",
            closed_on=timezone.localdate(),
            role="complainant",
            expected_version=opened,
            **fields,
        )
    assert _state() == before
    assert Proceeding.objects.get().stage == "trial"


def test_dp1_a_reader_without_legal_matters_does_not_learn_that_the_child_gave_evidence(
    case: Case, case_worker: Any, assigned_interpreter: Any, client: Any
) -> None:
    """A statement is an interview, and a legal matter: the interpreter on the case does not see
    it in the interview list (page and API) nor in the timeline; the case worker does. The
    count of retellings (CC-6) counts it for both."""
    part = _open(case, case_worker)
    _decide(part, case_worker, "statement")
    _statement(part, case_worker)
    markers = ("Statement to police or prosecutor", "Statement or testimony recorded")
    for reader, shown in ((case_worker, True), (assigned_interpreter, False)):
        signed_in(client, reader)
        page = client.get(f"/cases/{case.public_id}/").content.decode()
        api = client.get(f"/api/v1/cases/{case.public_id}/interviews/").json()
        assert all((marker in page) is shown for marker in markers), reader
        assert [row["kind"] for row in api] == (["statement"] if shown else [])
    assert retelling_count(case) == 1


def test_vw1_no_statement_is_taken_in_a_closed_proceeding(case: Case, case_worker: Any) -> None:
    part = _open(case, case_worker, stage="closed", closed_on=timezone.localdate())
    _decide(part, case_worker, "statement")
    before = _state()
    with pytest.raises(ValidationError) as caught:
        _statement(part, case_worker)
    assert "kind" in caught.value.message_dict
    assert _state() == before
