"""Information given to the child (PS-5): every session logged, in writing too, repeated as the
case moves on; the rights session meets the ID-4 first step. Domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_assign, case_change_stage
from haven.consent.models import InformationSession
from haven.consent.services import information_session_record
from haven.core.sensitivity import Sensitivity
from haven.identification.codes import Act, Exploitation
from haven.identification.models import FirstStep
from haven.identification.selectors import first_steps, met_q
from haven.identification.services import first_step_done, screening_record
from haven.safeguards.models import Alert
from tests.factories import staff

ALL_CLASSES = frozenset(Sensitivity.values)

NOW = timezone.now
NO_INFORMATION = "ps5.no_information"
NO_WRITTEN_COPY = "ps5.no_written_copy"
INFORM_AT_STAGE = "ps5.inform_at_stage"


def _screen(case, actor, hours_ago: float):  # type: ignore[no-untyped-def]
    """A screening `hours_ago` that presumes the child a victim (ID-1)."""
    return screening_record(
        case=case,
        actor=actor,
        screened_at=NOW() - timedelta(hours=hours_ago),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )


def _session(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "given_at": NOW() - timedelta(minutes=10),
        "topics": ["rights", "services"],
        "language": "my",
        "formats": ["verbal"],
        "given_by": "Fictional Case Worker",
        "written_copy_left": True,
    }
    fields.update(overrides)
    return information_session_record(case=case, actor=actor, **fields)


def _alerts(case: Case, rule: str) -> list[tuple[str, str]]:
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("pk")
        .values_list("subject", "status")
    )


def _counts() -> tuple[int, int, int]:
    return (InformationSession.objects.count(), AuditEvent.objects.count(), Alert.objects.count())


def _step_state(case: Case, kind: str) -> tuple[str, str | None]:
    """The state of the latest step of this kind in the checklist, and what meets it."""
    row = max(
        (r for r in first_steps(case, ALL_CLASSES) if r["step"].kind == kind),
        key=lambda r: r["step"].pk,
    )
    return row["state"], row["met_by"]


def _met_in_sql(case: Case, kind: str) -> bool:
    """Whether the open step of this kind is met by another record as the due list, the
    dashboard and the rules read it (identification.selectors.met_q)."""
    return FirstStep.objects.filter(case=case, kind=kind, status="open").filter(met_q()).exists()


# --- what a session records --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"topics": []}, "topics"),
        ({"topics": ["rights", "horoscope"]}, "topics"),
        ({"formats": []}, "formats"),
        ({"formats": ["verbal", "telepathy"]}, "formats"),
        ({"given_by": "  "}, "given_by"),
        ({"given_at": NOW() + timedelta(hours=1)}, "given_at"),
        ({"language": "zzz"}, "language"),
    ],
)
def test_ps5_a_session_without_topics_format_or_author_is_refused_and_nothing_saved(
    case, case_worker, overrides, field
):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _session(case, case_worker, **overrides)

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


def test_ps5_a_written_copy_adds_the_written_format(case, case_worker):
    session = _session(case, case_worker, formats=["visual", "verbal"], written_copy_left=True)

    session.refresh_from_db()
    assert session.formats == ["verbal", "visual", "written"]


def test_ps5_written_format_is_not_repeated_and_without_a_copy_is_not_added(case, case_worker):
    with_copy = _session(case, case_worker, formats=["written", "verbal"], written_copy_left=True)
    spoken = _session(case, case_worker, formats=["verbal"], written_copy_left=False)

    with_copy.refresh_from_db()
    spoken.refresh_from_db()
    assert (with_copy.formats, spoken.formats) == (["verbal", "written"], ["verbal"])


def test_ps5_a_session_logs_topics_language_author_questions_and_stage(case, case_worker):
    session = _session(
        case,
        case_worker,
        topics=["next_steps", "rights", "status", "rights"],
        interpreter=" Fictional Interpreter ",
        child_questions="Fictional: can I call my mother?",
    )

    session.refresh_from_db()
    assert (
        session.topics,
        session.language,
        session.given_by,
        session.interpreter,
        session.child_questions,
        session.stage,
        session.covers_rights,
    ) == (
        ["status", "rights", "next_steps"],
        "my",
        "Fictional Case Worker",
        "Fictional Interpreter",
        "Fictional: can I call my mother?",
        "identification",
        True,
    )
    event = AuditEvent.objects.get(action="information.record")
    assert (event.case_id, event.object_id, event.changes) == (
        case.pk,
        str(session.public_id),
        {"topics": [None, ["status", "rights", "next_steps"]], "written_copy_left": [None, True]},
    )
    # the child's questions are case content, kept out of the trail
    assert "mother" not in str(event.changes)


def test_ps5_topics_given_as_an_iterator_are_all_kept(case, case_worker):
    session = _session(case, case_worker, topics=iter(["rights", "services"]))
    assert session.topics == ["rights", "services"]


# --- ID-4: the rights session meets the first step ---------------------------------------------


def test_id4_a_session_about_rights_meets_the_rights_first_step(case, case_worker):
    _screen(case, case_worker, hours_ago=1)
    assert _step_state(case, "rights_information") == ("open", None)

    _session(case, case_worker, topics=["services"], given_by="Fictional Nurse")
    assert _step_state(case, "rights_information") == ("open", None)

    assert not _met_in_sql(case, "rights_information")
    _session(case, case_worker, topics=["rights"], given_by="Fictional Social Worker")
    assert _step_state(case, "rights_information") == ("met", "Fictional Social Worker")
    assert _met_in_sql(case, "rights_information")
    # the step itself stays as it was: it is met by the session, not closed by it
    step = FirstStep.objects.get(case=case, kind="rights_information")
    assert step.status == FirstStep.Status.OPEN


def test_id4_an_overdue_rights_step_is_ps5s_alert_not_id4s(case, case_worker):
    _screen(case, case_worker, hours_ago=100)

    # the step is overdue (due 72 hours after the screening) and ID-4 did run on the case
    assert _step_state(case, "rights_information") == ("overdue", None)
    id4_subjects = {s for s, status in _alerts(case, "id4.first_step_overdue") if status == "open"}
    assert "safe_accommodation" in id4_subjects
    assert "rights_information" not in id4_subjects
    assert _alerts(case, NO_INFORMATION) == [("", "open")]


def test_id4_a_child_who_comes_back_is_told_their_rights_anew(case, case_worker, supervisor):
    # Given a child identified and told their rights weeks ago, every first step done, then the
    # case closed and reopened (as in the RR-6 screening test)
    _screen(case, case_worker, hours_ago=40 * 24)
    _session(case, case_worker, given_at=NOW() - timedelta(days=39))
    for step in FirstStep.objects.filter(case=case, status="open"):
        first_step_done(step=step, actor=case_worker, note="Done.")
    case_change_stage(
        closed_reason="goals_met",
        case=case,
        actor=supervisor,
        to_stage="closed",
        reason="Fictional closing.",
    )
    case_change_stage(
        case=case,
        actor=supervisor,
        to_stage="protection",
        reason="She came back.",
    )

    # When she is identified again
    _screen(case, case_worker, hours_ago=1)

    # Then a new rights step is asked for (screening_record reopens it) and waits for a new
    # session, as the checklist does for safety and care
    assert FirstStep.objects.filter(case=case, kind="rights_information", status="open").exists()
    assert _step_state(case, "rights_information") == ("open", None)
    # And the earlier episode's session does not meet it where the step falls due either (the
    # due list, the dashboard's overdue steps, ID-4's rule: met_q)
    assert not _met_in_sql(case, "rights_information")


# --- PS-5 alerts -------------------------------------------------------------------------------


def test_ps5_no_information_72_hours_after_identification_raises_an_alert(
    case, case_worker, settings
):
    assert settings.HAVEN_INFORMATION_DUE_HOURS == 72
    _screen(case, case_worker, hours_ago=73)

    alert = Alert.objects.get(case=case, rule_code=NO_INFORMATION)
    assert (alert.measure_id, alert.severity, alert.subject, alert.status) == (
        "PS-5",
        "alert",
        "",
        "open",
    )


def test_ps5_no_information_alert_before_72_hours(case, case_worker):
    _screen(case, case_worker, hours_ago=71)
    assert _alerts(case, NO_INFORMATION) == []


def test_ps5_no_information_alert_without_a_presumed_victim_screening(case, case_worker):
    screening_record(
        case=case,
        actor=case_worker,
        screened_at=NOW() - timedelta(days=5),
        acts=["none"],
        forms=[{"form": "none"}],
    )
    assert _alerts(case, NO_INFORMATION) == []


def test_ps5_a_session_clears_the_no_information_alert(case, case_worker):
    _screen(case, case_worker, hours_ago=100)
    assert _alerts(case, NO_INFORMATION) == [("", "open")]

    _session(case, case_worker)

    assert _alerts(case, NO_INFORMATION) == [("", "cleared")]


def test_ps5_a_session_without_a_written_copy_raises_an_alert_and_one_with_it_clears_it(
    case, case_worker
):
    _session(case, case_worker, written_copy_left=False)
    alert = Alert.objects.get(case=case, rule_code=NO_WRITTEN_COPY)
    assert (alert.measure_id, alert.status) == ("PS-5", "open")

    _session(case, case_worker, written_copy_left=True)

    assert _alerts(case, NO_WRITTEN_COPY) == [("", "cleared")]


def test_ps5_a_stage_change_raises_a_reminder_and_a_new_session_clears_it(
    case, case_worker, presumed_screening
):
    # given a child told about their rights, in writing, during identification
    _session(case, case_worker)
    assert Alert.objects.filter(case=case, rule_code__startswith="ps5.").count() == 0

    # when the case moves to protection
    moved = case_change_stage(case=case, actor=case_worker, to_stage="protection")

    # then a reminder asks for the child to be told what this stage means
    reminder = Alert.objects.get(case=case, rule_code=INFORM_AT_STAGE)
    assert (reminder.measure_id, reminder.severity, reminder.subject, reminder.status) == (
        "PS-5",
        "reminder",
        "protection",
        "open",
    )

    # and a session at the new stage clears it
    session = _session(moved, case_worker, given_at=NOW())
    assert session.stage == "protection"
    assert _alerts(case, INFORM_AT_STAGE) == [("protection", "cleared")]


def test_ps5_a_session_from_before_the_stage_change_does_not_count(
    case, case_worker, presumed_screening
):
    _session(case, case_worker, given_at=NOW() - timedelta(minutes=1))
    moved = case_change_stage(case=case, actor=case_worker, to_stage="protection")
    assert _alerts(case, INFORM_AT_STAGE) == [("protection", "open")]

    # a session logged now but given before the move is the old information
    _session(moved, case_worker, given_at=moved.stage_changed_at - timedelta(seconds=1))

    assert _alerts(case, INFORM_AT_STAGE) == [("protection", "open")]


def test_ps5_no_stage_reminder_for_a_child_never_presumed_a_victim(case, case_worker):
    case_change_stage(case=case, actor=case_worker, to_stage="protection")
    assert _alerts(case, INFORM_AT_STAGE) == []


# --- who may record ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_ps5_a_user_without_the_capability_cannot_log_a_session(case, request, who):
    actor = request.getfixturevalue(who)
    before = _counts()

    with pytest.raises(PermissionDenied):
        _session(case, actor)

    assert _counts() == before


def test_ps5_shelter_staff_on_the_case_can_log_a_session(case, supervisor, agency):
    worker = staff(agency, Role.SHELTER_STAFF, username="shelter")
    case_assign(case=case, actor=supervisor, user=worker, role="shelter_staff")

    session = _session(case, worker, given_by="Fictional Shelter Worker")

    assert session.created_by == worker
