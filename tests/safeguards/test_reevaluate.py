"""Each write the demo does not make re-evaluates the alerts as a full evaluation would (DESIGN
idea 2: an alert never lags its cause).

tests/core/test_seed_demo.py runs the demo under `every_write_checked()` (tests/safeguards/
strict.py). This file covers the other writes: each test sets up its data through the services
outside the check, then makes one write inside it. The check fails when the write did not
re-run a rule reading a table it wrote, or when a full evaluation afterwards would raise or
clear an alert the re-evaluation left; `checked.writes` names the function that re-evaluated
(`_close_step` and `_finish` for the writes that share them) and how often. Where a write can
change an alert, the data are arranged so that it does, and the change is asserted exactly;
the others assert that their alerts stand as they were.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.accounts.roles import Role
from haven.cases.child_services import child_update
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import assignment_end, case_change_stage, case_note_add
from haven.consent.models import CHECKLIST_KEYS
from haven.consent.services import consent_override, consent_record, consent_withdraw
from haven.decisions.services import decision_record
from haven.directory.services import (
    offer_create,
    referral_accept,
    referral_close,
    referral_decline,
    referral_send,
    referral_withdraw,
    sharing_assessment_record,
)
from haven.identification.models import FirstStep
from haven.identification.services import (
    first_step_done,
    first_step_not_needed,
    screening_record,
    trafficking_status_decide,
)
from haven.placements.models import Placement
from haven.placements.services import (
    charge_record,
    charge_update,
    family_contact_record,
    liberty_challenge_decide,
    liberty_challenge_record,
    placement_end,
    placement_link_decision,
    placement_record,
    placement_review_record,
    restriction_record,
    restriction_review,
)
from haven.protection.models import NotDeliveredReason
from haven.protection.services import (
    guardian_appoint,
    guardian_appointment_end,
    guardian_create,
    service_record,
    service_update,
)
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.directory.conftest import REASON, sharing_consent
from tests.factories import staff
from tests.safeguards.strict import every_write_checked

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
URGENT = "Fictional: she was found at night and needed a safe bed at once."
VIEWS = "Fictional: I feel safe here but I want to call my mother."
PANEL = [
    {"name": "Fictional Chair", "role": "Child-protection office"},
    {"name": "Fictional Doctor", "role": "Fictional Clinic"},
]

CC1 = "cc1.placement_needs_bid"
CC9 = "cc9.no_case_worker"
ID4 = "id4.first_step_overdue"
ND1 = "nd1.non_punishment"
ND2 = "nd2.child_detained"
ND3 = "nd3.shelter_review_overdue"
ND4 = "nd4.restriction_unjustified"
ND5 = "nd5.no_legal_assistance"
PS1 = "ps1.guardian_overdue"
PS4_NO_CONSENT = "ps4.care_without_consent"
PS4_URGENT = "ps4.urgent_care_needs_bid"


# --- helpers -----------------------------------------------------------------------------------


def _day(offset: int):  # type: ignore[no-untyped-def]
    return TODAY() + timedelta(days=offset)


def _alerts(case, rule: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(subject, status) of every alert of one rule on a case, oldest first."""
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("pk")
        .values_list("subject", "status")
    )


def _standing(case) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """Every alert of a case as (rule, subject, status): to show a write changed none."""
    return list(
        Alert.objects.filter(case=case).order_by("pk").values_list("rule_code", "subject", "status")
    )


def _screen(case, actor, hours_ago: float):  # type: ignore[no-untyped-def]
    """A screening that presumes the child a victim (act and purpose), `hours_ago`."""
    return screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=hours_ago),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
    )


def _bid(case, actor, subject: str):  # type: ignore[no-untyped-def]
    return decision_record(
        case=case,
        actor=actor,
        kind="bid",
        subject=subject,
        decided_on=TODAY(),
        question="Fictional question.",
        options="Fictional options.",
        outcome="Fictional outcome.",
        justification="Fictional justification in the child's best interests.",
        child_views=VIEWS,
        child_views_weight="Fictional: heard and weighed for a 14-year-old.",
        participants=PANEL,
    )


def _place(case, actor, type: str, start: int = -10, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("facility", "Fictional facility, Fictional Street 1")
    return placement_record(case=case, actor=actor, type=type, start_on=_day(start), **fields)


def _medical_consent(case, actor, **overrides):  # type: ignore[no-untyped-def]
    """The child's assent to a medical examination, with her guardian's consent: it grants."""
    fields = {
        "purpose": "medical_examination",
        "given_on": TODAY(),
        "language": "my",
        "formats": ["verbal"],
        "explained_by": "Fictional Nurse",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "representative": "guardian",
        "representative_name": "Fictional Guardian",
        "representative_answer": "consents",
    }
    fields.update(overrides)
    return consent_record(case=case, actor=actor, **fields)


def _exam(case, actor, **fields):  # type: ignore[no-untyped-def]
    """A medical examination of the child (PS-4: it needs consent)."""
    fields.setdefault("status", "planned")
    return service_record(
        case=case,
        actor=actor,
        type="Health",
        health_procedure="examination",
        provider="Fictional Clinic",
        start_on=_day(-1),
        **fields,
    )


def _charge(case, actor):  # type: ignore[no-untyped-def]
    return charge_record(
        case=case,
        actor=actor,
        offence="illegal_work",
        authority="Fictional District Police",
        status="charged",
        recorded_on=TODAY(),
        description="Fictional: found working in a factory without a permit.",
    )


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def police_cell(case, case_worker):  # type: ignore[no-untyped-def]
    """The child held in a police cell since yesterday: ND-2 and ND-5 alerts stand."""
    cell = _place(case, case_worker, "police_cell", start=-1)
    assert _alerts(case, ND2) == [(str(cell.public_id), "open")]
    return cell


@pytest.fixture
def shelter(case, case_worker):  # type: ignore[no-untyped-def]
    """An open shelter placed urgently, its determination still to follow (CC-1)."""
    placement = _place(
        case, case_worker, "open_shelter", start=-40, review_on=_day(20), urgent_reason=URGENT
    )
    assert _alerts(case, CC1) == [(str(placement.public_id), "open")]
    return placement


@pytest.fixture
def counselling(case, supervisor, other_agency):  # type: ignore[no-untyped-def]
    """The shelter network's counselling, to which the lead agency may send children's data
    (DP-16)."""
    offer = offer_create(
        actor=staff(other_agency, Role.AGENCY_ADMIN, username="shelter_admin"),
        agency=other_agency,
        service_type="Psychological",
        name="Fictional counselling for children",
        country="TH",
        min_age=8,
        max_age=17,
        languages=["my", "th"],
    )
    sharing_assessment_record(
        actor=supervisor,
        from_agency=case.lead_agency,
        to_agency=other_agency,
        risks="Fictional: shelter staff might talk about the child in the community.",
        safeguards="Fictional: signed confidentiality agreement, named staff only.",
        approved=True,
    )
    return offer


@pytest.fixture
def referral(case, case_worker, counselling):  # type: ignore[no-untyped-def]
    """A referral to the counselling, sent and not yet answered (CC-15)."""
    return referral_send(
        case=case,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        data_points=["identity"],
        consent=sharing_consent(case, case_worker),
    )


@pytest.fixture
def psychologist(other_agency):  # type: ignore[no-untyped-def]
    """Answers referrals to the shelter network."""
    return staff(other_agency, Role.PSYCHOLOGIST, username="psy")


# --- consent (CC-3, PS-4) ----------------------------------------------------------------------


def test_ps4_overriding_a_refused_consent_with_a_determination_clears_the_urgent_care_alert(
    case, case_worker
):
    refusal = _medical_consent(case, case_worker, child_answer="refuses")
    exam = _exam(
        case, case_worker, status="in_progress", urgent_reason="Fictional: unconscious on arrival."
    )
    bid = _bid(case, case_worker, subject="medical_without_consent")
    assert _alerts(case, PS4_URGENT) == [(str(exam.public_id), "open")]

    with every_write_checked() as checked:
        consent_override(consent=refusal, actor=case_worker, decision=bid)

    assert checked.writes == {"consent_override": 1}
    assert _alerts(case, PS4_URGENT) == [(str(exam.public_id), "cleared")]


# --- identification (ID-4, ND-1) ---------------------------------------------------------------


def test_nd1_deciding_the_child_is_a_victim_raises_the_alert_for_a_standing_charge(
    case, case_worker, cp_officer
):
    trafficking_status_decide(
        case=case, actor=cp_officer, status="NotAVictimOfTrafficking", decided_by="Police"
    )
    charge = _charge(case, case_worker)
    assert _alerts(case, ND1) == []

    with every_write_checked() as checked:
        trafficking_status_decide(
            case=case,
            actor=cp_officer,
            status="ActualVictimOfTrafficking",
            decided_by="CourtOrProsecution",
        )

    assert checked.writes == {"trafficking_status_decide": 1}
    assert _alerts(case, ND1) == [(str(charge.public_id), "open")]


def test_id4_marking_an_overdue_first_step_done_clears_its_alert(case, case_worker):
    _screen(case, case_worker, hours_ago=30)
    assert _alerts(case, ID4) == [("safe_accommodation", "open"), ("urgent_medical", "open")]
    step = FirstStep.objects.get(case=case, kind="safe_accommodation")

    with every_write_checked() as checked:
        first_step_done(step=step, actor=case_worker, note="Fictional: placed with her aunt.")

    assert checked.writes == {"_close_step": 1}
    assert _alerts(case, ID4) == [("safe_accommodation", "cleared"), ("urgent_medical", "open")]


def test_id4_closing_an_overdue_first_step_as_not_needed_clears_its_alert(case, case_worker):
    _screen(case, case_worker, hours_ago=30)
    assert _alerts(case, ID4) == [("safe_accommodation", "open"), ("urgent_medical", "open")]
    step = FirstStep.objects.get(case=case, kind="urgent_medical")

    with every_write_checked() as checked:
        first_step_not_needed(
            reason_code="does_not_apply",
            step=step,
            actor=case_worker,
            reason="Fictional: seen by a doctor at the border post.",
        )

    assert checked.writes == {"_close_step": 1}
    assert _alerts(case, ID4) == [("safe_accommodation", "open"), ("urgent_medical", "cleared")]


# --- cases (CC-9) ------------------------------------------------------------------------------


def test_design2_adding_a_case_note_re_evaluates_and_changes_no_alert(case, supervisor):
    assignment_end(
        assignment=CaseAssignment.objects.current().get(case=case, role="case_worker"),
        actor=supervisor,
    )
    before = _standing(case)
    assert before == [(CC9, "", "open")]

    with every_write_checked() as checked:
        case_note_add(case=case, actor=supervisor, body="Fictional: called the shelter today.")

    assert checked.writes == {"case_note_add": 1}
    assert _standing(case) == before


def test_cc9_closing_a_case_clears_its_no_case_worker_alert(case, supervisor):
    assignment_end(
        assignment=CaseAssignment.objects.current().get(case=case, role="case_worker"),
        actor=supervisor,
    )
    assert _alerts(case, CC9) == [("", "open")]

    with every_write_checked() as checked:
        case_change_stage(
            closed_reason="goals_met",
            case=case,
            actor=supervisor,
            to_stage="closed",
            reason="Fictional: she turned 18.",
        )

    assert checked.writes == {"case_change_stage": 1}
    assert _alerts(case, CC9) == [("", "cleared")]
    assert not Alert.objects.filter(case=case, status="open").exists()


# --- guardianship (PS-1) -----------------------------------------------------------------------


def test_ps1_ending_the_only_guardianship_of_a_separated_child_raises_the_alert(
    case, case_worker, agency
):
    child_update(case=case, actor=case_worker, parental_care="separated")
    case.child.refresh_from_db()
    _screen(case, case_worker, hours_ago=200)
    person = staff(agency, Role.GUARDIAN, username="guardian_user")
    guardian = guardian_create(agency=agency, actor=case_worker, user=person)
    appointment = guardian_appoint(
        case=case,
        actor=case_worker,
        guardian=guardian,
        appointed_on=_day(-1),
        appointed_by="Fictional Juvenile Court",
    )
    assert _alerts(case, PS1) == [("", "cleared")]

    with every_write_checked() as checked:
        guardian_appointment_end(
            reason_code="replaced",
            appointment=appointment,
            actor=case_worker,
            ended_on=TODAY(),
            reason="Fictional: the guardian moved away.",
        )

    assert checked.writes == {"guardian_appointment_end": 1}
    assert _alerts(case, PS1) == [("", "cleared"), ("", "open")]
    assert not CaseAssignment.objects.current().filter(case=case, user=person).exists()


# --- services (PS-4) ---------------------------------------------------------------------------


def test_ps4_stopping_an_examination_after_consent_was_withdrawn_clears_the_alert(
    case, case_worker
):
    consent = _medical_consent(case, case_worker)
    exam = _exam(case, case_worker)
    consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="The child")
    assert _alerts(case, PS4_NO_CONSENT) == [(str(exam.public_id), "open")]

    with every_write_checked() as checked:
        service_update(
            service=exam,
            actor=case_worker,
            status="not_delivered",
            not_delivered_reason=NotDeliveredReason.CONSENT_WITHDRAWN,
        )

    assert checked.writes == {"service_update": 1}
    assert _alerts(case, PS4_NO_CONSENT) == [(str(exam.public_id), "cleared")]


# --- placements (ND-2 … ND-5, CC-1) ------------------------------------------------------------


def test_nd2_ending_a_detention_placement_clears_the_alert_as_a_full_evaluation_would(
    case, case_worker, police_cell
):
    subject = str(police_cell.public_id)
    assert _alerts(case, ND5) == [(subject, "open")]

    with every_write_checked() as checked:
        placement_end(
            reason_code="moved",
            placement=police_cell,
            actor=case_worker,
            end_on=TODAY(),
            reason="Fictional: released to the child-protection office.",
        )

    assert checked.writes == {"placement_end": 1}
    assert _alerts(case, ND2) == [(subject, "cleared")]
    assert _alerts(case, ND5) == [(subject, "cleared")]


def test_cc1_linking_the_determination_to_an_urgent_placement_clears_the_alert(
    case, case_worker, shelter
):
    bid = _bid(case, case_worker, subject="placement")

    with every_write_checked() as checked:
        placement_link_decision(placement=shelter, actor=case_worker, decision=bid)

    assert checked.writes == {"placement_link_decision": 1}
    assert _alerts(case, CC1) == [(str(shelter.public_id), "cleared")]


def test_nd3_reviewing_an_overdue_shelter_placement_clears_the_alert(case, case_worker, shelter):
    # Time passes: the review date is now yesterday, and the sweep raises the alert.
    Placement.objects.filter(pk=shelter.pk).update(review_on=_day(-1))
    evaluate(Case.objects.filter(pk=case.pk))
    assert _alerts(case, ND3) == [(str(shelter.public_id), "open")]

    with every_write_checked() as checked:
        placement_review_record(
            placement=shelter,
            actor=case_worker,
            reviewed_on=TODAY(),
            still_in_best_interests=True,
            next_review_on=_day(30),
            child_views=VIEWS,
        )

    assert checked.writes == {"placement_review_record": 1}
    assert _alerts(case, ND3) == [(str(shelter.public_id), "cleared")]


def test_nd4_lifting_a_restriction_without_justification_clears_the_alert(case, case_worker):
    restriction = restriction_record(
        case=case,
        actor=case_worker,
        kind="movement",
        description="Fictional: she does not leave the shelter alone after dark.",
        decided_by="Fictional shelter manager",
        start_on=_day(-1),
        review_on=_day(14),
    )
    assert _alerts(case, ND4) == [(str(restriction.public_id), "open")]

    with every_write_checked() as checked:
        restriction_review(restriction=restriction, actor=case_worker, lift=True, on=TODAY())

    assert checked.writes == {"restriction_review": 1}
    assert _alerts(case, ND4) == [(str(restriction.public_id), "cleared")]


def test_nd4_recording_family_contact_re_evaluates_and_changes_no_alert(case, case_worker):
    _place(case, case_worker, "open_shelter", start=-5, review_on=_day(20), urgent_reason=URGENT)
    before = _standing(case)

    with every_write_checked() as checked:
        family_contact_record(
            case=case,
            actor=case_worker,
            with_whom="Fictional: her mother",
            means="calls",
            frequency="Weekly",
            start_on=TODAY(),
            child_views=VIEWS,
        )

    assert checked.writes == {"family_contact_record": 1}
    assert _standing(case) == before


def test_nd1_a_charge_dropped_clears_the_non_punishment_alert(
    case, case_worker, presumed_screening
):
    charge = _charge(case, case_worker)
    assert _alerts(case, ND1) == [(str(charge.public_id), "open")]

    with every_write_checked() as checked:
        charge_update(charge=charge, actor=case_worker, status="dropped")

    assert checked.writes == {"charge_update": 1}
    assert _alerts(case, ND1) == [(str(charge.public_id), "cleared")]


def test_nd5_recording_a_liberty_challenge_re_evaluates_and_the_detention_alerts_stand(
    case, case_worker, police_cell
):
    before = _standing(case)

    with every_write_checked() as checked:
        liberty_challenge_record(
            placement=police_cell,
            actor=case_worker,
            lodged_on=TODAY(),
            lodged_with="Fictional Court",
            lodged_by="Fictional Lawyer",
        )

    assert checked.writes == {"liberty_challenge_record": 1}
    assert _standing(case) == before


def test_nd5_deciding_a_liberty_challenge_re_evaluates_and_the_detention_alerts_stand(
    case, case_worker, police_cell
):
    challenge = liberty_challenge_record(
        placement=police_cell,
        actor=case_worker,
        lodged_on=TODAY(),
        lodged_with="Fictional Court",
        lodged_by="Fictional Lawyer",
    )
    before = _standing(case)

    with every_write_checked() as checked:
        liberty_challenge_decide(
            challenge=challenge, actor=case_worker, decided_on=TODAY(), outcome="upheld"
        )

    assert checked.writes == {"liberty_challenge_decide": 1}
    assert _standing(case) == before


# --- referrals (CC-15, DP-2) -------------------------------------------------------------------


def test_cc15_sending_a_referral_re_evaluates_and_changes_no_alert(case, case_worker, counselling):
    consent = sharing_consent(case, case_worker)
    before = _standing(case)

    with every_write_checked() as checked:
        referral_send(
            case=case, actor=case_worker, offer=counselling, reason=REASON, consent=consent
        )

    assert checked.writes == {"referral_send": 1}
    assert _standing(case) == before


def test_cc15_declining_a_referral_re_evaluates_and_changes_no_alert(case, referral, psychologist):
    before = _standing(case)

    with every_write_checked() as checked:
        referral_decline(
            reason_code="no_capacity",
            referral=referral,
            actor=psychologist,
            reason="Fictional: no Burmese speaker.",
        )

    assert checked.writes == {"referral_decline": 1}
    assert _standing(case) == before


def test_dp2_withdrawing_a_referral_re_evaluates_and_changes_no_alert(case, case_worker, referral):
    before = _standing(case)

    with every_write_checked() as checked:
        referral_withdraw(reason_code="no_longer_needed", referral=referral, actor=case_worker)

    assert checked.writes == {"_finish": 1}
    assert _standing(case) == before


def test_dp2_closing_an_accepted_referral_ends_the_recipients_access_and_changes_no_alert(
    case, case_worker, referral, psychologist
):
    referral_accept(referral=referral, actor=psychologist)
    before = _standing(case)

    with every_write_checked() as checked:
        referral_close(reason_code="service_completed", referral=referral, actor=case_worker)

    assert checked.writes == {"_finish": 1}
    assert _standing(case) == before
    assert not CaseAssignment.objects.current().filter(case=case, user=psychologist).exists()
