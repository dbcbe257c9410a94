"""Screening and first steps (ID-1 … ID-7, CC-16): domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case, Interview
from haven.cases.services import case_assign, case_register
from haven.identification.codes import Act, Exploitation, Means, Movement, Outcome
from haven.identification.models import FirstStep, Screening
from haven.identification.outcome import child_outcome
from haven.identification.services import (
    first_step_done,
    first_step_not_needed,
    screening_record,
    trafficking_status_decide,
)
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.factories import child_fields, staff

NOW = timezone.now


def _screen(case, actor, **overrides):  # type: ignore[no-untyped-def]
    kwargs = {
        "screened_at": NOW() - timedelta(minutes=5),
        "acts": [Act.HARBOURING],
        "forms": [{"form": Exploitation.FORCED_BEGGING}],
    }
    kwargs.update(overrides)
    return screening_record(case=case, actor=actor, **kwargs)


def _counts() -> tuple[int, int, int, int]:
    return (
        Screening.objects.count(),
        FirstStep.objects.count(),
        Interview.objects.count(),
        AuditEvent.objects.count(),
    )


# --- ID-1: the outcome follows from act + purpose, never from means or movement ---------------


@settings(max_examples=300, deadline=None)
@given(
    acts=st.lists(st.sampled_from(Act.values), unique=True),
    forms=st.lists(st.sampled_from(Exploitation.values), unique=True),
    concerns=st.booleans(),
    indicators=st.integers(min_value=0, max_value=5),
)
def test_id1_child_outcome_is_presumed_victim_exactly_when_act_and_purpose(
    acts, forms, concerns, indicators
):
    outcome = child_outcome(acts=acts, forms=forms, concerns=concerns, indicators=indicators)
    assert (outcome == Outcome.PRESUMED_VICTIM) == bool(acts and forms)


@pytest.mark.django_db
@pytest.mark.slow(
    reason="25 screenings of one child through the service, one per hypothesis example"
)
# One case serves every example on purpose: a screening is a living record (ID-7), so screening
# the same child again and again is what happens in the field.
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    means=st.lists(st.sampled_from([*Means.values, "none"]), unique=True, max_size=3).filter(
        lambda m: "none" not in m or len(m) == 1
    ),
    movement=st.sampled_from(Movement.values),
    with_act_and_purpose=st.booleans(),
)
def test_id1_means_and_movement_never_change_a_childs_screening_outcome(
    case, case_worker, means, movement, with_act_and_purpose
):
    # Given the same act and purpose answers
    acts = [Act.RECEIPT] if with_act_and_purpose else ["none"]
    forms = [{"form": Exploitation.CHILD_LABOUR}] if with_act_and_purpose else [{"form": "none"}]

    # When they are screened with any means and any movement
    screening = _screen(case, case_worker, acts=acts, forms=forms, means=means, movement=movement)

    # Then the outcome is the one act + purpose give, nothing else
    expected = Outcome.PRESUMED_VICTIM if with_act_and_purpose else Outcome.NO_CONCERN
    assert (screening.screened_as_child, screening.outcome) == (True, expected)


def test_id1_trafficking_within_the_country_without_means_is_presumed(case, case_worker):
    screening = _screen(case, case_worker, means=["none"], movement=Movement.NONE)
    assert screening.outcome == Outcome.PRESUMED_VICTIM


# --- ID-2: a 17-year-old who says she is 19 is screened as a child ----------------------------


def test_id2_claim_to_be_adult_with_signs_of_minority_is_screened_as_a_child(case_worker, agency):
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            sex="female",
            age_status="disputed",
            claims_adult=True,
            minority_indicators=True,
            birth_date=timezone.localdate() - timedelta(days=19 * 365),
        ),
    )
    screening = _screen(case, case_worker, means=["none"])
    assert (screening.screened_as_child, screening.outcome) == (True, Outcome.PRESUMED_VICTIM)
    evaluate(Case.objects.filter(pk=case.pk))
    reminder = Alert.objects.get(case=case, rule_code="id2.age_assessment_needed")
    assert (reminder.status, reminder.measure_id) == ("open", "ID-2")


# --- ID-3 and bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"acts": []}, "acts"),
        ({"forms": []}, "forms"),
        ({"acts": ["kidnap"]}, "acts"),
        ({"forms": [{"form": "Smuggling"}]}, "forms"),
        ({"forms": [{"form": "SexualExploitation", "sub_type": "Begging"}]}, "forms"),
        ({"forms": [{"form": "ChildLabour", "industry": "Z_Nowhere"}]}, "forms"),
        ({"indicator_codes": ["not-an-indicator"]}, "indicators"),
        ({"acts": ["none", "receipt"]}, "acts"),
        ({"movement": "teleport"}, "movement"),
        ({"screened_at": timezone.now() + timedelta(days=1)}, "screened_at"),
        ({"child_interviewed": True, "duration_minutes": None}, "duration_minutes"),
    ],
)
def test_id3_invalid_screening_is_refused_and_nothing_is_saved(case, case_worker, overrides, field):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _screen(case, case_worker, **overrides)
    assert field in excinfo.value.message_dict
    assert _counts() == before


def test_id3_unknown_code_message_lists_the_allowed_values(case, case_worker):
    with pytest.raises(ValidationError) as excinfo:
        _screen(case, case_worker, acts=["kidnap"])
    message = excinfo.value.message_dict["acts"][0]
    assert "kidnap" in message and "recruitment" in message and "receipt" in message


def test_id3_every_form_of_exploitation_can_be_recorded_with_its_kind(case, case_worker):
    screening = _screen(
        case,
        case_worker,
        forms=[
            {"form": "SexualExploitation", "sub_type": "RemoteInteractiveServices"},
            {"form": "Servitude", "industry": "T_ActivitiesOfHouseholdsAsEmployers"},
            {"form": "Other", "sub_type": "ForcedCriminality"},
            {"form": "ForcedMilitaryByNonStateActors"},
        ],
    )
    rows = sorted(screening.forms.values_list("form", "sub_type", "industry"))
    assert rows == [
        ("ForcedMilitaryByNonStateActors", "", ""),
        ("Other", "ForcedCriminality", ""),
        ("Servitude", "", "T_ActivitiesOfHouseholdsAsEmployers"),
        ("SexualExploitation", "RemoteInteractiveServices", ""),
    ]


# --- ID-4: first steps with due dates; ID-5: the referral when not a victim ------------------


def test_id4_presumed_victim_gets_the_first_steps_checklist(case, case_worker, agency):
    # Given an unaccompanied child who speaks Burmese, with a case worker who does not
    case.child.parental_care = "unaccompanied"
    case.child.save(update_fields=["parental_care"])
    agency.is_child_protection_authority = False
    agency.save(update_fields=["is_child_protection_authority"])

    # When the screening finds an act and a purpose
    screening = _screen(case, case_worker)

    # Then every first step is on the list with its due time
    steps = {s.kind: s for s in FirstStep.objects.filter(case=case)}
    assert set(steps) == {
        "cp_referral",
        "safe_accommodation",
        "urgent_medical",
        "case_worker",
        "rights_information",
        "interpreter",
        "guardian",
    }
    assert steps["cp_referral"].due_at == screening.screened_at + timedelta(hours=24)
    assert steps["guardian"].due_at == screening.screened_at + timedelta(hours=168)
    assert {s.measure_id for s in steps.values()} == {"ID-4"}


def test_id4_referral_is_done_when_the_case_is_already_with_child_protection(case, case_worker):
    _screen(case, case_worker)
    referral = FirstStep.objects.get(case=case, kind="cp_referral")
    assert referral.status == FirstStep.Status.DONE


def test_id5_precarious_child_still_gets_the_child_protection_referral(case, case_worker, agency):
    agency.is_child_protection_authority = False
    agency.save(update_fields=["is_child_protection_authority"])

    screening = _screen(
        case, case_worker, acts=["none"], forms=[{"form": "none"}], protection_concerns=True
    )

    assert screening.outcome == Outcome.PRECARIOUS
    step = FirstStep.objects.get(case=case)
    assert (step.kind, step.measure_id, step.status) == ("cp_referral", "ID-5", "open")


def test_id5_overdue_referral_raises_its_alert_and_clears_when_done(case, case_worker, agency):
    agency.is_child_protection_authority = False
    agency.save(update_fields=["is_child_protection_authority"])
    _screen(
        case,
        case_worker,
        screened_at=NOW() - timedelta(days=3),
        acts=["none"],
        forms=[{"form": "none"}],
        protection_concerns=True,
    )
    alert = Alert.objects.get(case=case, rule_code="id5.referral_overdue")
    assert (alert.status, alert.subject) == ("open", "cp_referral")

    first_step_done(step=FirstStep.objects.get(case=case), actor=case_worker, note="Referred.")

    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLEARED


def test_id4_each_overdue_step_raises_an_alert_and_an_assignment_meets_its_step(
    case, case_worker, supervisor, agency
):
    # Given a screening three days ago whose steps nobody recorded, and no interpreter
    case.child.parental_care = "unaccompanied"
    case.child.save(update_fields=["parental_care"])
    _screen(case, case_worker, screened_at=NOW() - timedelta(days=3))
    open_subjects = set(
        Alert.objects.filter(
            case=case, rule_code="id4.first_step_overdue", status="open"
        ).values_list("subject", flat=True)
    )
    # the case worker step is met by the current assignment; the guardian is due in 7 days;
    # the late rights information is PS-5's alert, not a second ID-4 one
    assert open_subjects == {"safe_accommodation", "urgent_medical", "interpreter"}
    assert Alert.objects.filter(case=case, rule_code="ps5.no_information", status="open").exists()

    # When an interpreter is assigned
    interpreter = staff(agency, Role.INTERPRETER, username="interp2")
    case_assign(case=case, actor=supervisor, user=interpreter, role="interpreter")

    # Then that step's alert clears by itself
    assert not Alert.objects.filter(case=case, subject="interpreter", status="open").exists()


def test_id4_step_closed_as_not_needed_needs_a_reason(case, case_worker):
    _screen(case, case_worker)
    step = FirstStep.objects.get(case=case, kind="safe_accommodation")
    before = _counts()
    with pytest.raises(ValidationError):
        first_step_not_needed(
            reason_code="does_not_apply", step=step, actor=case_worker, reason="no"
        )
    assert _counts() == before

    first_step_not_needed(
        reason_code="does_not_apply",
        step=step,
        actor=case_worker,
        reason="Lives safely with her aunt.",
    )
    step.refresh_from_db()
    assert (step.status, step.note) == ("not_needed", "Lives safely with her aunt.")


# --- ID-6: the screening interview counts as a retelling --------------------------------------


def test_id6_screening_interview_is_logged_and_counts(case, case_worker):
    _screen(
        case,
        case_worker,
        child_interviewed=True,
        duration_minutes=40,
        interpreter="Fictional Interpreter",
    )
    interview = Interview.objects.get(case=case)
    assert (
        interview.kind,
        interview.duration_minutes,
        interview.interpreter,
        interview.child_told_story,
    ) == (
        "identification",
        40,
        "Fictional Interpreter",
        True,
    )


# --- ID-7: screening is a living record -------------------------------------------------------


def test_id7_a_child_can_be_screened_again_and_earlier_screenings_stay(case, case_worker):
    first = _screen(case, case_worker, acts=["none"], forms=[{"form": "none"}])
    second = _screen(case, case_worker)
    assert list(Screening.objects.filter(case=case).order_by("screened_at", "pk")) == [
        first,
        second,
    ]
    assert (first.outcome, second.outcome) == (Outcome.NO_CONCERN, Outcome.PRESUMED_VICTIM)


def test_id7_new_screening_reopens_a_not_a_victim_status(case, case_worker, agency):
    police = staff(agency, Role.CHILD_PROTECTION_OFFICER, username="cpo")
    trafficking_status_decide(
        case=case, actor=police, status="NotAVictimOfTrafficking", decided_by="Police"
    )

    _screen(case, case_worker)

    case.refresh_from_db()
    assert case.trafficking_status == Case.TraffickingStatus.POSSIBLE


def test_status_decision_needs_the_capability(case, case_worker):
    before = (case.trafficking_status, AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        trafficking_status_decide(
            case=case, actor=case_worker, status="ActualVictimOfTrafficking", decided_by="Police"
        )
    case.refresh_from_db()
    assert (case.trafficking_status, AuditEvent.objects.count()) == before


def test_id3_none_observed_and_a_form_together_are_refused(case, case_worker):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _screen(case, case_worker, forms=[{"form": "none"}, {"form": "ForcedBegging"}])
    assert "forms" in excinfo.value.message_dict
    assert _counts() == before


def test_id5_methods_of_control_without_act_or_purpose_still_mean_a_child_at_risk(
    case, case_worker
):
    screening = _screen(
        case,
        case_worker,
        acts=["none"],
        forms=[{"form": "none"}],
        methods_of_control=["DebtBondage", "WithholdsDocuments"],
    )
    assert screening.outcome == Outcome.PRECARIOUS


def test_id1_signs_of_means_alone_do_not_change_a_childs_outcome(case, case_worker):
    from haven.identification.models import Indicator

    means_sign = Indicator.objects.filter(dimension="deceptive_recruitment").first()
    assert means_sign is not None
    screening = _screen(
        case,
        case_worker,
        acts=["none"],
        forms=[{"form": "none"}],
        indicator_codes=[means_sign.code],
    )
    assert screening.outcome == Outcome.NO_CONCERN


def test_rr6_a_closed_case_is_reopened_before_screening(case, case_worker, supervisor):
    from haven.cases.services import case_change_stage

    case_change_stage(
        closed_reason="goals_met",
        case=case,
        actor=supervisor,
        to_stage="closed",
        reason="Fictional closing.",
    )
    before = _counts()
    with pytest.raises(ValidationError):
        _screen(case, case_worker)
    assert _counts() == before


def test_rr6_a_child_who_comes_back_gets_the_first_steps_again(case, case_worker, supervisor):
    from haven.cases.services import case_change_stage

    # Given a first screening whose steps were all done, then the case closed and reopened
    _screen(case, case_worker)
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

    # When she is screened again as a presumed victim
    _screen(case, case_worker)

    # Then safety, care and information are asked for anew
    reopened_steps = set(
        FirstStep.objects.filter(case=case, status="open").values_list("kind", flat=True)
    )
    assert {"safe_accommodation", "urgent_medical", "rights_information"} <= reopened_steps


def test_id2_reminder_for_a_presumed_child_who_says_they_are_adult(case_worker, agency):
    case = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            age_status="estimated",
            birth_date=timezone.localdate() - timedelta(days=16 * 365),
            claims_adult=True,
        ),
    )
    evaluate(Case.objects.filter(pk=case.pk))
    assert Alert.objects.filter(
        case=case, rule_code="id2.age_assessment_needed", status="open"
    ).exists()


def test_id3_an_industry_belongs_to_labour_forms_only(case, case_worker):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _screen(
            case,
            case_worker,
            forms=[
                {"form": "Other", "sub_type": "ForcedCriminality", "industry": "F_Construction"}
            ],
        )
    assert "forms" in excinfo.value.message_dict
    assert _counts() == before


def test_id3_a_kind_ticked_without_its_form_is_pointed_out_not_dropped(db):
    from haven.identification.forms import ScreeningForm

    form = ScreeningForm(
        {
            "screened_at": "2026-01-05T10:00",
            "acts": ["receipt"],
            "forms_of_exploitation": ["ForcedBegging"],
            "sexual_types": ["RemoteInteractiveServices"],
            "movement": "unknown",
        }
    )
    assert not form.is_valid()
    assert "sexual_types" in form.errors


# --- CC-10 and PS-1: which first steps a presumed victim needs -------------------------------


@pytest.mark.parametrize(
    ("worker_languages", "needs_interpreter"), [(["th"], True), (["th", "my"], False)]
)
def test_cc10_an_interpreter_step_only_when_the_case_worker_does_not_speak_the_childs_language(
    case, case_worker, worker_languages, needs_interpreter
):
    # The case fixture's child speaks Burmese ("my")
    case_worker.languages = worker_languages
    case_worker.save(update_fields=["languages"])

    _screen(case, case_worker)

    kinds = set(FirstStep.objects.filter(case=case).values_list("kind", flat=True))
    assert ("interpreter" in kinds) is needs_interpreter


@pytest.mark.parametrize(
    ("parental_care", "needs_guardian"),
    [
        ("with_parents", False),
        ("unaccompanied", True),
        ("separated", True),
        ("parental_complicity", True),
        ("no_parents", True),
    ],
)
def test_ps1_a_guardian_step_when_the_child_is_deprived_of_parental_care(
    case, case_worker, parental_care, needs_guardian
):
    case.child.parental_care = parental_care
    case.child.save(update_fields=["parental_care"])

    _screen(case, case_worker)

    guardian = FirstStep.objects.filter(case=case, kind="guardian").first()
    assert (guardian is not None) is needs_guardian
    if guardian is not None:
        assert guardian.due_at - guardian.screening.screened_at == timedelta(hours=168)
