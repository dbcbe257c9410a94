"""CC-10: an interpreter when the child's language differs from the practitioner's, and the same
interpreter where possible — asked again at every handover and every interview, not once.

The alerts are read over current data (the current case worker, the child's latest interview),
so a handover raises them anew; the interview check refuses an interview without an interpreter
or with a different one unless a reason is given, and keeps the reason beside the interview."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.alerts.services import alert_resolve
from haven.audit.models import AuditEvent
from haven.cases.child_services import child_update
from haven.cases.models import Case, CaseAssignment, Interview
from haven.cases.services import assignment_end, case_assign, case_change_stage, case_register
from haven.children.models import ChildLanguage
from haven.core.errors import SafeguardViolation
from haven.identification.models import FirstStep, InterpreterReason, Screening
from haven.identification.services import first_step_done, screening_record
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import another_case_for, child_fields, interview, staff
from tests.safeguards.strict import every_write_checked

pytestmark = pytest.mark.django_db

WORKER = "cc10.case_worker_language"
LAST_INTERVIEW = "cc10.interview_without_interpreter"
REASON = "The child chose to speak Thai, which she speaks well at school."
CHANGE = "Nilar Thein was ill; the agency sent her colleague."


@pytest.fixture
def thai_worker(agency: Any) -> User:
    """A case worker who works in Thai only."""
    return staff(agency, Role.CASE_WORKER, username="thai_cw", languages=["th"])


@pytest.fixture
def burmese_case(thai_worker: User, agency: Any) -> Case:
    """A Burmese-speaking child registered by the Thai-speaking case worker."""
    return case_register(
        actor=thai_worker,
        agency=agency,
        child=child_fields(birth_date=timezone.localdate() - timedelta(days=13 * 365)),
        languages=["my"],
    )


def _alerts(case: Case, rule: str) -> list[tuple[str, str]]:
    """(subject, status) of every alert of one rule on a case, oldest first."""
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("pk")
        .values_list("subject", "status")
    )


def _state() -> tuple[int, int, int, int, int]:
    """Everything an interview touches, to prove a refused one touched nothing."""
    return (
        Interview.objects.count(),
        InterpreterReason.objects.count(),
        Screening.objects.count(),
        AuditEvent.objects.count(),
        Alert.objects.count(),
    )


def _worker(agency: Any, username: str, languages: list[str]) -> User:
    return staff(agency, Role.CASE_WORKER, username=username, languages=languages)


# --- the alert on the case worker -------------------------------------------------------------


def test_cc10_registering_a_child_with_a_worker_without_their_language_raises_the_alert(
    burmese_case: Case, thai_worker: User
) -> None:
    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "open")]
    assert Alert.objects.get(case=burmese_case, rule_code=WORKER).measure_id == "CC-10"


def test_cc10_handover_to_worker_without_childs_language_raises_alert(
    case: Case, supervisor: User, agency: Any
) -> None:
    # Given the shared case: the child speaks Burmese and nothing is known of the case worker's
    # languages, so nothing is asserted
    assert _alerts(case, WORKER) == []
    newcomer = _worker(agency, "newcomer", ["th", "en"])

    # When the supervisor hands the case over to a case worker who speaks Thai and English
    with every_write_checked() as checked:
        case_assign(
            case=case,
            actor=supervisor,
            user=newcomer,
            role="case_worker",
            handover_note="Fictional: she likes to talk in the afternoon.",
        )

    # Then the handover itself raises CC-10, about the new case worker
    assert checked.writes == {"case_assign": 1}
    assert _alerts(case, WORKER) == [(str(newcomer.public_id), "open")]


def test_cc10_handover_to_a_worker_who_speaks_the_childs_language_clears_the_alert(
    burmese_case: Case, supervisor: User, agency: Any, thai_worker: User
) -> None:
    speaker = _worker(agency, "speaker", ["th", "my"])

    with every_write_checked():
        case_assign(
            case=burmese_case,
            actor=supervisor,
            user=speaker,
            role="case_worker",
            handover_note="Fictional: she speaks Burmese with her new case worker.",
        )

    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "cleared")]


def test_cc10_a_resolved_alert_is_raised_again_by_a_handover_to_another_such_worker(
    burmese_case: Case, supervisor: User, agency: Any, thai_worker: User
) -> None:
    # Given the alert about the first case worker, resolved with a reason
    alert_resolve(
        alert=Alert.objects.get(case=burmese_case, rule_code=WORKER),
        actor=supervisor,
        reason="Fictional: she understands Thai well enough for daily matters.",
    )
    english = _worker(agency, "english", ["en"])

    # When the case goes to another case worker who does not speak Burmese either
    with every_write_checked():
        case_assign(
            case=burmese_case,
            actor=supervisor,
            user=english,
            role="case_worker",
            handover_note="Fictional: the first case worker moved to another team.",
        )

    # Then the resolution stays with the first and a new alert is open about the second
    assert _alerts(burmese_case, WORKER) == [
        (str(thai_worker.public_id), "resolved"),
        (str(english.public_id), "open"),
    ]


def test_cc10_an_assigned_interpreter_clears_the_alert_and_ending_it_raises_it_again(
    burmese_case: Case, supervisor: User, other_agency: Any, thai_worker: User
) -> None:
    interpreter = staff(other_agency, Role.INTERPRETER, username="interp_my", languages=["my"])

    with every_write_checked():
        assignment = case_assign(
            case=burmese_case, actor=supervisor, user=interpreter, role="interpreter"
        )
    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "cleared")]

    with every_write_checked():
        assignment_end(assignment=assignment, actor=supervisor)
    assert _alerts(burmese_case, WORKER) == [
        (str(thai_worker.public_id), "cleared"),
        (str(thai_worker.public_id), "open"),
    ]


def test_cc10_the_interpreter_first_step_done_counts_as_an_interpreter_arranged(
    burmese_case: Case, thai_worker: User
) -> None:
    # Given a presumed victim: the checklist asks for an interpreter (ID-4)
    screening_record(
        case=burmese_case,
        actor=thai_worker,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
    )
    step = FirstStep.objects.get(case=burmese_case, kind="interpreter")
    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "open")]

    # When the step is recorded as done with an interpreter from outside Haven
    with every_write_checked():
        first_step_done(step=step, actor=thai_worker, note="Fictional: Nilar Thein, weekly.")

    # Then an interpreter is arranged
    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "cleared")]


def test_cc10_the_alert_follows_corrections_of_the_childs_languages(
    burmese_case: Case, thai_worker: User
) -> None:
    with every_write_checked():
        child_update(case=burmese_case, actor=thai_worker, languages=["my", "th"])
    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "cleared")]

    with every_write_checked():
        child_update(case=burmese_case, actor=thai_worker, languages=["shn"])
    assert _alerts(burmese_case, WORKER) == [
        (str(thai_worker.public_id), "cleared"),
        (str(thai_worker.public_id), "open"),
    ]


def test_cc10_nothing_is_asserted_when_languages_are_not_recorded(
    thai_worker: User, agency: Any, case: Case
) -> None:
    # A child without recorded languages, with a case worker who has some
    unknown_child = case_register(actor=thai_worker, agency=agency, child=child_fields())
    # The shared case: the child speaks Burmese, the case worker's languages are not recorded
    assert _alerts(unknown_child, WORKER) == []
    assert _alerts(case, WORKER) == []
    assert evaluate(Case.objects.all()).per_rule[WORKER] == 0


def test_cc10_a_child_of_several_languages_none_spoken_is_one_breach_and_one_spoken_none(
    thai_worker: User, agency: Any
) -> None:
    none_spoken = case_register(
        actor=thai_worker, agency=agency, child=child_fields(), languages=["my", "shn", "km"]
    )
    one_spoken = case_register(
        actor=thai_worker, agency=agency, child=child_fields(), languages=["my", "shn", "th"]
    )

    result = evaluate(Case.objects.filter(pk__in=[none_spoken.pk, one_spoken.pk]))

    assert result.per_rule[WORKER] == 1
    assert _alerts(none_spoken, WORKER) == [(str(thai_worker.public_id), "open")]
    assert _alerts(one_spoken, WORKER) == []


def test_cc10_the_sweep_catches_a_change_to_the_workers_languages(
    burmese_case: Case, thai_worker: User
) -> None:
    # Accounts lie below the safeguards: a person's languages change without a re-evaluation
    User.objects.filter(pk=thai_worker.pk).update(languages=["th", "my"])

    result = evaluate(Case.objects.exclude(stage=Case.Stage.CLOSED))

    assert result.cleared == 1
    assert _alerts(burmese_case, WORKER) == [(str(thai_worker.public_id), "cleared")]


def test_cc10_closing_the_case_clears_the_alert(burmese_case: Case, supervisor: User) -> None:
    with every_write_checked():
        case_change_stage(
            closed_reason="goals_met",
            case=burmese_case,
            actor=supervisor,
            to_stage="closed",
            reason="Fictional: returned to her family.",
        )
    assert [status for _subject, status in _alerts(burmese_case, WORKER)] == ["cleared"]


# --- the interview check ----------------------------------------------------------------------


def test_cc10_an_interview_without_interpreter_by_someone_without_the_language_is_refused(
    burmese_case: Case, thai_worker: User
) -> None:
    before = _state()

    with pytest.raises(SafeguardViolation) as refused:
        interview(burmese_case, thai_worker)

    assert refused.value.measure_id == "CC-10"
    assert refused.value.code == "cc10_interpreter_needed"
    assert str(refused.value.message) == (
        "You are not recorded as speaking any of the child's languages. Name the interpreter, "
        "or write why the interview was held without one — for example, that the interviewer "
        "spoke the child's language."
    )
    assert _state() == before


def test_cc10_an_interview_without_interpreter_is_recorded_with_its_reason_kept(
    burmese_case: Case, thai_worker: User
) -> None:
    with every_write_checked() as checked:
        logged = interview(burmese_case, thai_worker, interpreter_reason=f"  {REASON} ")

    assert checked.writes == {"interview_record": 1}
    kept = InterpreterReason.objects.get()
    assert (kept.case, kept.interview, kept.kind, kept.previous_interpreter, kept.reason) == (
        burmese_case,
        logged,
        "no_interpreter",
        "",
        REASON,
    )
    event = AuditEvent.objects.get(action="interview.interpreter_reason")
    assert (event.case_id, event.actor_id, event.changes) == (
        burmese_case.pk,
        thai_worker.pk,
        {"kind": [None, "no_interpreter"], "reason": [None, "[changed]"]},
    )
    assert REASON not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    # A reason given answers for this interview: no reminder about it
    assert _alerts(burmese_case, LAST_INTERVIEW) == []


@pytest.mark.parametrize("reason", ["short", "  123456789  "])
def test_cc10_a_reason_shorter_than_a_sentence_is_refused(
    burmese_case: Case, thai_worker: User, reason: str
) -> None:
    before = _state()

    with pytest.raises(ValidationError) as refused:
        interview(burmese_case, thai_worker, interpreter_reason=reason)

    assert refused.value.message_dict == {"interpreter_reason": ["Write the reason in a sentence."]}
    assert _state() == before


def test_cc10_an_interview_with_an_interpreter_needs_no_reason(
    burmese_case: Case, thai_worker: User
) -> None:
    interview(burmese_case, thai_worker, interpreter="Nilar Thein")

    assert InterpreterReason.objects.count() == 0
    assert Interview.objects.get().interpreter == "Nilar Thein"


def test_cc10_someone_who_speaks_the_childs_language_needs_no_interpreter(
    burmese_case: Case, agency: Any, supervisor: User
) -> None:
    speaker = staff(agency, Role.PSYCHOLOGIST, username="speaker", languages=["my"])
    case_assign(case=burmese_case, actor=supervisor, user=speaker, role="psychologist")

    interview(burmese_case, speaker, kind="assessment")

    assert (Interview.objects.count(), InterpreterReason.objects.count()) == (1, 0)


def test_cc10_unrecorded_languages_are_not_refused(case: Case, case_worker: User) -> None:
    # The shared case worker's languages are not recorded: Haven cannot tell, and says so on
    # the page rather than refusing
    interview(case, case_worker)

    assert (Interview.objects.count(), InterpreterReason.objects.count()) == (1, 0)


def test_cc10_a_different_interpreter_from_the_last_interview_is_refused_without_a_reason(
    burmese_case: Case, thai_worker: User
) -> None:
    interview(
        burmese_case,
        thai_worker,
        interpreter="Nilar Thein",
        conducted_at=timezone.now() - timedelta(days=3),
    )
    before = _state()

    with pytest.raises(SafeguardViolation) as refused:
        interview(burmese_case, thai_worker, interpreter="Aye Aye Khaing")

    assert (refused.value.measure_id, refused.value.code) == ("CC-10", "cc10_interpreter_changed")
    assert str(refused.value.message) == (
        "The child's last interview was interpreted by Nilar Thein. The child should meet the "
        "same interpreter where possible: if this one is different, write why."
    )
    assert _state() == before


def test_cc10_a_different_interpreter_with_a_reason_keeps_the_change(
    burmese_case: Case, thai_worker: User
) -> None:
    interview(
        burmese_case,
        thai_worker,
        interpreter="Nilar Thein",
        conducted_at=timezone.now() - timedelta(days=3),
    )

    with every_write_checked():
        second = interview(
            burmese_case, thai_worker, interpreter="Aye Aye Khaing", interpreter_reason=CHANGE
        )

    kept = InterpreterReason.objects.get()
    assert (kept.interview, kept.kind, kept.previous_interpreter, kept.reason) == (
        second,
        "changed",
        "Nilar Thein",
        CHANGE,
    )


def test_cc10_the_same_interpreter_typed_differently_is_the_same(
    burmese_case: Case, thai_worker: User
) -> None:
    interview(
        burmese_case,
        thai_worker,
        interpreter="Nilar Thein",
        conducted_at=timezone.now() - timedelta(days=3),
    )

    interview(burmese_case, thai_worker, interpreter="  nilar   THEIN ")

    assert (Interview.objects.count(), InterpreterReason.objects.count()) == (2, 0)


def test_cc10_continuity_follows_the_child_across_cases(
    burmese_case: Case, thai_worker: User, agency: Any
) -> None:
    # Given the child's interview on an earlier case, with Nilar Thein
    interview(
        burmese_case,
        thai_worker,
        interpreter="Nilar Thein",
        conducted_at=timezone.now() - timedelta(days=30),
    )
    later = another_case_for(burmese_case.child, agency, thai_worker)

    # Then another interpreter on the new case needs a reason too
    with pytest.raises(SafeguardViolation):
        interview(later, thai_worker, interpreter="Aye Aye Khaing")
    interview(later, thai_worker, interpreter="Nilar Thein")
    assert Interview.objects.filter(case=later).count() == 1


def test_cc10_continuity_compares_with_the_interview_before_this_one(
    burmese_case: Case, thai_worker: User
) -> None:
    now = timezone.now()
    interview(
        burmese_case, thai_worker, interpreter="Nilar Thein", conducted_at=now - timedelta(days=10)
    )
    interview(
        burmese_case,
        thai_worker,
        interpreter="Aye Aye Khaing",
        interpreter_reason=CHANGE,
        conducted_at=now - timedelta(days=2),
    )

    # An interview recorded late, held between the two, with the first interpreter
    interview(
        burmese_case, thai_worker, interpreter="Nilar Thein", conducted_at=now - timedelta(days=5)
    )

    assert InterpreterReason.objects.count() == 1


def test_cc10_a_screening_interview_is_checked_too(burmese_case: Case, thai_worker: User) -> None:
    before = _state()

    with pytest.raises(SafeguardViolation):
        screening_record(
            case=burmese_case,
            actor=thai_worker,
            screened_at=timezone.now() - timedelta(hours=1),
            acts=["harbouring"],
            forms=[{"form": "ForcedBegging"}],
            child_interviewed=True,
            duration_minutes=30,
        )
    assert _state() == before

    screening_record(
        case=burmese_case,
        actor=thai_worker,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
        child_interviewed=True,
        duration_minutes=30,
        interpreter_reason=REASON,
    )
    assert InterpreterReason.objects.get().kind == "no_interpreter"


# --- the reminder about the last interview ----------------------------------------------------


def test_cc10_the_last_interview_without_interpreter_is_recalled_when_the_language_is_corrected(
    agency: Any, thai_worker: User, supervisor: User, other_agency: Any
) -> None:
    # Given a child first recorded as speaking Thai, interviewed in Thai without an interpreter
    case = case_register(actor=thai_worker, agency=agency, child=child_fields(), languages=["th"])
    first = interview(case, thai_worker)

    # When the child's language is corrected to Burmese
    with every_write_checked():
        child_update(case=case, actor=thai_worker, languages=["my"])

    # Then the last interview is recalled, and the case worker's gap too
    assert _alerts(case, LAST_INTERVIEW) == [(str(first.public_id), "open")]
    assert _alerts(case, WORKER) == [(str(thai_worker.public_id), "open")]
    assert Alert.objects.get(case=case, rule_code=LAST_INTERVIEW).severity == "reminder"

    # And a later interview with an interpreter answers the reminder
    with every_write_checked():
        interview(case, thai_worker, interpreter="Nilar Thein")
    assert _alerts(case, LAST_INTERVIEW) == [(str(first.public_id), "cleared")]

    # And an interpreter assigned to the case answers the case worker's gap
    interpreter = staff(other_agency, Role.INTERPRETER, username="interp_my", languages=["my"])
    with every_write_checked():
        case_assign(case=case, actor=supervisor, user=interpreter, role="interpreter")
    assert _alerts(case, WORKER) == [(str(thai_worker.public_id), "cleared")]


def test_cc10_an_interview_nobody_is_named_on_asserts_no_gap(
    agency: Any, thai_worker: User
) -> None:
    # Given a Thai interview of a child since recorded as speaking Burmese, whose recorder is
    # not named (as in records brought in from elsewhere)
    case = case_register(actor=thai_worker, agency=agency, child=child_fields(), languages=["th"])
    first = interview(case, thai_worker)
    Interview.objects.filter(pk=first.pk).update(created_by=None)
    ChildLanguage.objects.filter(child=case.child).update(language="my")

    result = evaluate(Case.objects.filter(pk=case.pk))

    # Then the rule does not say that nobody spoke the child's language: it does not know
    assert result.per_rule[LAST_INTERVIEW] == 0
    assert result.per_rule[WORKER] == 1


def test_cc10_of_two_interviews_at_the_same_moment_the_one_recorded_last_is_the_last(
    agency: Any, thai_worker: User
) -> None:
    # Given two interviews of a Thai-speaking child at the same moment, without an interpreter
    # and then with one (recorded in that order)
    case = case_register(actor=thai_worker, agency=agency, child=child_fields(), languages=["th"])
    moment = timezone.now() - timedelta(hours=2)
    interview(case, thai_worker, conducted_at=moment)
    interview(case, thai_worker, conducted_at=moment, interpreter="Nilar Thein")

    # When the child's language is corrected to Burmese
    child_update(case=case, actor=thai_worker, languages=["my"])

    # Then the last interview had an interpreter: nothing is recalled
    assert _alerts(case, LAST_INTERVIEW) == []

    # And a third at that moment without one is the last now, and is recalled
    third = interview(case, thai_worker, conducted_at=moment, interpreter_reason=REASON)
    # As a record kept from before the reason was asked for would be: without one.
    InterpreterReason.objects.filter(interview=third).delete()
    evaluate(Case.objects.filter(pk=case.pk))
    assert _alerts(case, LAST_INTERVIEW) == [(str(third.public_id), "open")]


# --- the doors: page and API ------------------------------------------------------------------


def _interview_form(**changes: Any) -> dict[str, Any]:
    an_hour_ago = timezone.localtime() - timedelta(hours=1)
    data = {
        "kind": "assessment",
        "conducted_at": an_hour_ago.strftime("%Y-%m-%dT%H:%M"),
        "interviewer": "Fictional Interviewer",
        "duration_minutes": "30",
        "child_told_story": "on",
    }
    data.update(changes)
    return data


def test_cc10_the_interview_page_says_what_is_known_and_refuses_without_interpreter(
    client: Client, burmese_case: Case, thai_worker: User
) -> None:
    signed_in(client, thai_worker)
    url = f"/cases/{burmese_case.public_id}/interviews/new/"

    page = client.get(url).content.decode()
    assert "The child speaks Burmese." in page
    assert (
        "You are recorded as working in Thai: name the interpreter, or say why there was none."
        in page
    )

    before = _state()
    response = client.post(url, _interview_form())
    assert response.status_code == 400
    assert "CC-10: You are not recorded as speaking any of the child&#x27;s languages." in (
        response.content.decode()
    )
    assert _state() == before

    response = client.post(url, _interview_form(interpreter_reason=REASON))
    assert response.status_code == 302
    assert InterpreterReason.objects.get().reason == REASON


def test_cc10_the_interview_page_names_the_last_interpreter(
    client: Client, burmese_case: Case, thai_worker: User
) -> None:
    interview(burmese_case, thai_worker, interpreter="Nilar Thein")
    signed_in(client, thai_worker)

    page = client.get(f"/cases/{burmese_case.public_id}/interviews/new/").content.decode()

    assert "Interpreter at the child's last interview: Nilar Thein" in page


def test_cc10_api_interview_without_interpreter_answers_422_with_the_measure(
    client: Client, burmese_case: Case, thai_worker: User
) -> None:
    signed_in(client, thai_worker)
    url = f"/api/v1/cases/{burmese_case.public_id}/interviews/"
    payload = {
        "kind": "assessment",
        "conducted_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "interviewer": "Fictional Interviewer",
        "duration_minutes": 30,
    }
    before = _state()

    refused = client.post(url, payload, content_type="application/json")

    assert refused.status_code == 422, refused.content
    error = refused.json()["error"]
    assert (error["code"], error["measure_id"]) == ("safeguard", "CC-10")
    assert _state() == before

    done = client.post(
        url, {**payload, "interpreter_reason": REASON}, content_type="application/json"
    )
    assert done.status_code == 201, done.content
    assert InterpreterReason.objects.get().kind == "no_interpreter"


def test_cc10_the_case_page_shows_a_change_of_interpreter_and_its_reason_to_who_may_read_it(
    client: Client, burmese_case: Case, thai_worker: User, supervisor: User, other_agency: Any
) -> None:
    interview(
        burmese_case,
        thai_worker,
        interpreter="Nilar Thein",
        conducted_at=timezone.now() - timedelta(days=3),
    )
    interview(burmese_case, thai_worker, interpreter="Aye Aye Khaing", interpreter_reason=CHANGE)
    reader = staff(other_agency, Role.INTERPRETER, username="interp_my", languages=["my"])
    case_assign(case=burmese_case, actor=supervisor, user=reader, role="interpreter")

    signed_in(client, thai_worker)
    page = client.get(f"/cases/{burmese_case.public_id}/").content.decode()
    assert "Aye Aye Khaing instead of Nilar Thein" in page
    assert CHANGE in page

    # An interpreter reads case basics only: the change, not the reason
    signed_in(client, reader)
    page = client.get(f"/cases/{burmese_case.public_id}/").content.decode()
    assert "Aye Aye Khaing instead of Nilar Thein" in page
    assert CHANGE not in page
    assert CaseAssignment.objects.current().filter(case=burmese_case).count() == 2
