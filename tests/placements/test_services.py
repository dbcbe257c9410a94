"""Where the child lives (ND-1 … ND-5, CC-1, CC-2): placements and their reviews, restrictions
and family contact, charges against the child and challenges to detention. Domain tests without
HTTP; ND-2's escalation is tested in tests/safeguards/test_escalation.py and the pages in
test_placement_pages.py."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.services import case_register
from haven.core.errors import SafeguardViolation
from haven.decisions.models import Decision
from haven.decisions.services import decision_record
from haven.identification.services import trafficking_status_decide
from haven.placements.models import (
    Charge,
    FamilyContact,
    LibertyChallenge,
    Placement,
    PlacementReview,
    Restriction,
)
from haven.placements.rules import SHELTER_REVIEW
from haven.placements.selectors import placement_figures
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
from haven.protection.models import Service
from haven.protection.services import service_record
from haven.safeguards.models import Alert
from tests.factories import child_fields

TODAY = timezone.localdate
URGENT = "Fictional: she was found at night and needed a safe bed at once."
VIEWS = "Fictional: I feel safe here but I want to call my mother."
PANEL = [
    {"name": "Fictional Chair", "role": "Child-protection office"},
    {"name": "Fictional Psychologist", "role": "Fictional Clinic"},
]

ND1 = "nd1.non_punishment"
ND3 = "nd3.shelter_review_overdue"
ND4_UNJUSTIFIED = "nd4.restriction_unjustified"
ND4_OVERDUE = "nd4.restriction_review_overdue"
ND5 = "nd5.no_legal_assistance"
CC1 = "cc1.placement_needs_bid"


def _day(offset: int):  # type: ignore[no-untyped-def]
    return TODAY() + timedelta(days=offset)


def _place(case, actor, type, start=-10, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("facility", "Fictional facility, Fictional Street 1")
    if type in {"closed_shelter", "other_closed"}:
        # A place the child cannot leave: placed urgently, reviewed (CC-1, ND-3, ND-5).
        fields.setdefault("urgent_reason", URGENT)
        if fields.get("end_on") is None:
            fields.setdefault("review_on", _day(30))
    return placement_record(case=case, actor=actor, type=type, start_on=_day(start), **fields)


def _shelter(case, actor, start=-10, review=30, **fields):  # type: ignore[no-untyped-def]
    """An open shelter placed urgently (CC-1), with a valid review date (ND-3)."""
    fields.setdefault("type", "open_shelter")
    fields.setdefault("urgent_reason", URGENT)
    return _place(case, actor, start=start, review_on=_day(review), **fields)


def _decision(case, actor, kind="bid"):  # type: ignore[no-untyped-def]
    return decision_record(
        case=case,
        actor=actor,
        kind=kind,
        subject="placement",
        decided_on=TODAY(),
        question="Fictional: where should she live now?",
        options="Fictional: shelter, foster family, her aunt.",
        outcome="Fictional: the open shelter near her school.",
        justification="Fictional: safe, near school, and what she asks for.",
        child_views=VIEWS,
        child_views_weight="Fictional: she is 14 and has thought about it; it decided the place.",
        participants=PANEL if kind == "bid" else (),
    )


def _legal_service(case, actor, status="planned"):  # type: ignore[no-untyped-def]
    return service_record(
        case=case,
        actor=actor,
        type="Legal",
        provider="Fictional Legal Aid Clinic",
        start_on=TODAY(),
        status=status,
    )


def _restriction(case, actor, justification="", review=14, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("kind", "movement")
    return restriction_record(
        case=case,
        actor=actor,
        description="Fictional: she does not leave the shelter alone after dark.",
        decided_by="Fictional shelter manager",
        start_on=_day(-1),
        review_on=_day(review),
        justification=justification,
        **fields,
    )


def _alerts(case, rule: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(subject, status) of every alert of one rule on a case, oldest first."""
    return list(
        Alert.objects.filter(case=case, rule_code=rule)
        .order_by("pk")
        .values_list("subject", "status")
    )


def _open(case, rule: str) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        Alert.objects.filter(case=case, rule_code=rule, status="open")
        .order_by("pk")
        .values_list("subject", flat=True)
    )


def _sweep() -> None:
    call_command("safeguards_sweep", stdout=io.StringIO())


def _state() -> tuple:
    """Every row these services write, to prove a refused action wrote none of them."""
    return (
        list(
            Placement.objects.order_by("pk").values_list(
                "pk", "type", "start_on", "end_on", "review_on", "decision_id"
            )
        ),
        PlacementReview.objects.count(),
        list(Restriction.objects.order_by("pk").values_list("pk", "review_on", "ended_on")),
        FamilyContact.objects.count(),
        list(Charge.objects.order_by("pk").values_list("pk", "status", "non_punishment_raised_on")),
        list(LibertyChallenge.objects.order_by("pk").values_list("pk", "decided_on", "outcome")),
        Decision.objects.count(),
        Service.objects.count(),
        list(Alert.objects.order_by("pk").values_list("pk", "rule_code", "status")),
        AuditEvent.objects.count(),
    )


# --- bad input: clear messages, nothing half-saved -----------------------------------------


def test_nd3_placement_ending_before_it_starts_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "hospital", start=-5, end_on=_day(-6))

    assert excinfo.value.message_dict == {"end_on": ["A placement cannot end before it starts."]}
    assert _state() == before


def test_nd3_unknown_placement_type_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "basement")

    assert excinfo.value.message_dict == {"type": ["Choose where the child lives from the list."]}
    assert _state() == before


def test_nd3_placement_without_facility_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "hospital", facility="   ")

    assert excinfo.value.message_dict == {"facility": ["Write the facility or household."]}
    assert _state() == before


def test_nd3_placement_starting_in_the_future_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "hospital", start=1)

    assert excinfo.value.message_dict == {
        "start_on": ["This cannot be recorded before it happens."]
    }
    assert _state() == before


def test_nd3_two_closed_periods_that_overlap_are_refused(case, case_worker):
    _place(case, case_worker, "hospital", start=-30, end_on=_day(-20))
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "other_closed", start=-25, end_on=_day(-15))

    assert excinfo.value.message_dict == {
        "start_on": [
            f"This overlaps the placement “Hospital” from {_day(-30).isoformat()} to "
            f"{_day(-20).isoformat()}. A child lives in one place at a time: correct the dates."
        ]
    }
    assert _state() == before


def test_nd3_closed_period_that_only_touches_the_previous_one_is_accepted(case, case_worker):
    first = _place(case, case_worker, "hospital", start=-30, end_on=_day(-20))

    second = _place(case, case_worker, "other_closed", start=-20, end_on=_day(-15))

    assert list(Placement.objects.order_by("start_on").values_list("pk", "end_on")) == [
        (first.pk, _day(-20)),
        (second.pk, _day(-15)),
    ]


@pytest.mark.parametrize(("start", "end"), [(-15, None), (-15, -5)])
def test_nd3_placement_starting_before_the_open_one_starts_is_refused(
    case, case_worker, start, end
):
    current = _place(case, case_worker, "hospital", start=-10)
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(
            case,
            case_worker,
            "other_closed",
            start=start,
            end_on=_day(end) if end is not None else None,
        )

    assert excinfo.value.message_dict == {
        "start_on": [
            f"This overlaps the placement “Hospital” since {_day(-10).isoformat()}. A child "
            "lives in one place at a time: correct the dates."
        ]
    }
    assert _state() == before
    current.refresh_from_db()
    assert current.end_on is None


def test_nd2_a_placement_starting_the_same_day_as_the_open_one_is_a_move(case, case_worker):
    # A child held this morning can be in a safe place this afternoon: the same-day record
    # ends the earlier placement that day rather than being refused as an overlap.
    first = _place(case, case_worker, "hospital", start=-10)

    second = _place(case, case_worker, "other_closed", start=-10)

    first.refresh_from_db()
    assert (first.end_on, first.days) == (_day(-10), 0)
    assert (second.start_on, second.end_on) == (_day(-10), None)


def test_nd3_closed_period_inside_the_current_placement_is_refused_not_a_move(case, case_worker):
    current = _place(case, case_worker, "hospital", start=-30)
    before = _state()

    with pytest.raises(ValidationError):
        _place(case, case_worker, "other_closed", start=-20, end_on=_day(-15))

    assert _state() == before
    current.refresh_from_db()
    assert current.end_on is None


def test_nd3_moving_the_child_ends_the_open_placement_on_the_new_start(case, case_worker):
    hospital = _place(case, case_worker, "hospital", start=-20)
    audit_before = AuditEvent.objects.count()

    shelter = _shelter(case, case_worker, start=-5)

    hospital.refresh_from_db()
    assert (hospital.end_on, hospital.end_reason) == (_day(-5), "The child moved.")
    assert list(Placement.objects.current().filter(case=case)) == [shelter]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions[audit_before:] == ["placement.end", "placement.record"]


def test_nd3_placement_end_before_start_or_twice_is_refused(case, case_worker):
    hospital = _place(case, case_worker, "hospital", start=-10)
    before = _state()

    with pytest.raises(ValidationError) as early:
        placement_end(
            reason_code="moved",
            placement=hospital,
            actor=case_worker,
            end_on=_day(-11),
            reason="Discharged.",
        )
    with pytest.raises(ValidationError) as no_reason:
        placement_end(
            reason_code="moved", placement=hospital, actor=case_worker, end_on=_day(-1), reason="  "
        )

    assert early.value.message_dict == {"end_on": ["A placement cannot end before it starts."]}
    assert no_reason.value.message_dict == {"reason": ["Say why it ended."]}
    assert _state() == before

    placement_end(
        reason_code="moved",
        placement=hospital,
        actor=case_worker,
        end_on=_day(-1),
        reason="Discharged.",
    )
    ended = _state()
    with pytest.raises(ValidationError) as twice:
        placement_end(
            reason_code="moved",
            placement=hospital,
            actor=case_worker,
            end_on=TODAY(),
            reason="Discharged.",
        )
    assert twice.value.messages == ["This placement has already ended."]
    assert _state() == ended


# --- ND-3: shelters are reviewed and time-limited --------------------------------------------


@pytest.mark.parametrize("type", ["open_shelter", "closed_shelter"])
def test_nd3_shelter_without_review_date_is_refused_by_the_safeguard(case, case_worker, type):
    before = _state()

    with pytest.raises(SafeguardViolation) as excinfo:
        _place(case, case_worker, type, urgent_reason=URGENT, review_on=None)

    assert (excinfo.value.measure_id, excinfo.value.code) == ("ND-3", "nd3")
    assert excinfo.value.message == SHELTER_REVIEW.message
    assert _state() == before


def test_nd3_shelter_review_date_in_the_past_is_refused_on_review_on(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _shelter(case, case_worker, review=-1)

    assert excinfo.value.message_dict == {"review_on": ["The review date cannot be in the past."]}
    assert _state() == before


def test_nd3_shelter_review_beyond_the_longest_interval_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _shelter(case, case_worker, review=91)

    assert excinfo.value.message_dict == {
        "review_on": [f"Review within 90 days: by {_day(90).isoformat()} at the latest."]
    }
    assert _state() == before
    # The longest interval itself is allowed.
    assert _shelter(case, case_worker, review=90).review_on == _day(90)


def test_nd3_longest_review_interval_follows_the_setting(case, case_worker, settings):
    settings.HAVEN_SHELTER_REVIEW_MAX_DAYS = 14
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _shelter(case, case_worker, review=15)

    assert excinfo.value.message_dict == {
        "review_on": [f"Review within 14 days: by {_day(14).isoformat()} at the latest."]
    }
    assert _state() == before


def test_nd3_a_shelter_stay_already_over_needs_no_review_date(case, case_worker):
    stay = _place(
        case, case_worker, "open_shelter", start=-30, end_on=_day(-20), urgent_reason=URGENT
    )

    assert (stay.review_on, stay.days) == (None, 10)


def test_nd3_other_placements_keep_no_review_date(case, case_worker):
    hospital = _place(case, case_worker, "hospital", review_on=_day(10))

    assert Placement.objects.get(pk=hospital.pk).review_on is None


def test_nd3_overdue_shelter_review_is_raised_by_the_sweep_while_nobody_touched_the_case(
    case, case_worker
):
    shelter = _shelter(case, case_worker, start=-40, review=20)
    assert _alerts(case, ND3) == []
    # Simulate time passing: the review date recorded as valid is now yesterday. No service
    # runs, so only the sweep can notice.
    Placement.objects.filter(pk=shelter.pk).update(review_on=_day(-1))
    assert _alerts(case, ND3) == []

    _sweep()

    alert = Alert.objects.get(case=case, rule_code=ND3)
    assert (alert.measure_id, alert.severity, alert.subject, alert.status) == (
        "ND-3",
        "alert",
        str(shelter.public_id),
        "open",
    )


def test_nd3_review_with_the_childs_views_sets_the_next_review_and_clears_the_alert(
    case, case_worker
):
    shelter = _shelter(case, case_worker, start=-40, review=20)
    Placement.objects.filter(pk=shelter.pk).update(review_on=_day(-1))  # time passes
    _sweep()
    assert _alerts(case, ND3) == [(str(shelter.public_id), "open")]
    audit_before = AuditEvent.objects.count()

    review = placement_review_record(
        placement=shelter,
        actor=case_worker,
        reviewed_on=TODAY(),
        still_in_best_interests=True,
        next_review_on=_day(60),
        child_views=VIEWS,
        notes="Fictional: school nearby, she is settling in.",
    )

    shelter.refresh_from_db()
    assert shelter.review_on == _day(60)
    assert (review.child_views, review.child_views_not_obtained, review.reviewed_by) == (
        VIEWS,
        "",
        case_worker,
    )
    assert _alerts(case, ND3) == [(str(shelter.public_id), "cleared")]
    event = AuditEvent.objects.order_by("pk").last()
    assert AuditEvent.objects.count() == audit_before + 1
    assert (event.action, event.changes["still_in_best_interests"]) == (
        "placement.review",
        [None, True],
    )


def test_cc2_shelter_review_without_views_nor_reason_is_refused(case, case_worker):
    shelter = _shelter(case, case_worker)
    before = _state()

    with pytest.raises(SafeguardViolation) as excinfo:
        placement_review_record(
            placement=shelter,
            actor=case_worker,
            reviewed_on=TODAY(),
            still_in_best_interests=True,
            next_review_on=_day(30),
            child_views="  ",
            child_views_not_obtained="",
        )

    assert (excinfo.value.measure_id, excinfo.value.code) == ("CC-2", "cc2")
    assert _state() == before


def test_cc2_shelter_review_with_the_reason_views_could_not_be_obtained_is_accepted(
    case, case_worker
):
    shelter = _shelter(case, case_worker)

    review = placement_review_record(
        placement=shelter,
        actor=case_worker,
        reviewed_on=TODAY(),
        still_in_best_interests=False,
        next_review_on=_day(7),
        child_views_not_obtained="Fictional: she was in hospital and could not be visited.",
    )

    assert (review.still_in_best_interests, review.child_views_not_obtained) == (
        False,
        "Fictional: she was in hospital and could not be visited.",
    )


def test_nd3_review_without_a_next_review_date_is_refused(case, case_worker):
    shelter = _shelter(case, case_worker)
    before = _state()

    with pytest.raises(SafeguardViolation) as excinfo:
        placement_review_record(
            placement=shelter,
            actor=case_worker,
            reviewed_on=TODAY(),
            still_in_best_interests=True,
            next_review_on=None,
            child_views=VIEWS,
        )

    assert excinfo.value.measure_id == "ND-3"
    assert _state() == before


def test_nd3_review_before_the_placement_began_is_refused(case, case_worker):
    shelter = _shelter(case, case_worker, start=-5)
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        placement_review_record(
            placement=shelter,
            actor=case_worker,
            reviewed_on=_day(-6),
            still_in_best_interests=True,
            next_review_on=_day(30),
            child_views=VIEWS,
        )

    assert excinfo.value.message_dict == {
        "reviewed_on": ["The review cannot come before the placement."]
    }
    assert _state() == before


def test_nd3_only_a_current_shelter_is_reviewed(case, case_worker):
    hospital = _place(case, case_worker, "hospital")
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        placement_review_record(
            placement=hospital,
            actor=case_worker,
            reviewed_on=TODAY(),
            still_in_best_interests=True,
            next_review_on=_day(30),
            child_views=VIEWS,
        )

    assert excinfo.value.messages == [
        "Only a shelter or closed placement the child is in now is reviewed here."
    ]
    assert _state() == before


def test_nd3_nd5_placement_figures_give_exact_numbers(case, case_worker, agency):
    second = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Dara")
    )
    third = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Sokha")
    )
    # Shelter stays: 10 days (ended), 30 days (now), 5 days (ended).
    _place(case, case_worker, "open_shelter", start=-40, end_on=_day(-30), urgent_reason=URGENT)
    _shelter(case, case_worker, start=-30, review=30)
    _place(third, case_worker, "closed_shelter", start=-60, end_on=_day(-55), urgent_reason=URGENT)
    # Detention: one earlier (not now), one now; challenges decided in 4 and 3 days, one waiting.
    prison = _place(second, case_worker, "prison", start=-20, end_on=_day(-15))
    cell = _place(second, case_worker, "police_cell", start=-5)
    decided = liberty_challenge_record(
        placement=prison,
        actor=case_worker,
        lodged_on=_day(-19),
        lodged_with="Fictional Court",
        lodged_by="Fictional Lawyer",
    )
    liberty_challenge_decide(
        challenge=decided, actor=case_worker, decided_on=_day(-15), outcome="released"
    )
    quick = liberty_challenge_record(
        placement=cell,
        actor=case_worker,
        lodged_on=_day(-4),
        lodged_with="Fictional Court",
        lodged_by="Fictional Lawyer",
    )
    liberty_challenge_decide(
        challenge=quick, actor=case_worker, decided_on=_day(-1), outcome="upheld"
    )
    liberty_challenge_record(
        placement=cell,
        actor=case_worker,
        lodged_on=TODAY(),
        lodged_with="Fictional Appeal Court",
        lodged_by="Fictional Lawyer",
    )

    assert placement_figures() == {
        "shelter_stays": 3,
        "shelter_days_median": 10,
        "shelter_days_longest": 30,
        "in_detention_now": 1,
        "challenges_decided": 2,
        "days_to_decision_median": 3.5,
    }
    assert placement_figures(Placement.objects.filter(case=case)) == {
        "shelter_stays": 2,
        "shelter_days_median": 20.0,
        "shelter_days_longest": 30,
        "in_detention_now": 0,
        "challenges_decided": 0,
        "days_to_decision_median": None,
    }


def test_nd3_placement_figures_with_no_placements_are_empty(db):
    assert placement_figures() == {
        "shelter_stays": 0,
        "shelter_days_median": None,
        "shelter_days_longest": None,
        "in_detention_now": 0,
        "challenges_decided": 0,
        "days_to_decision_median": None,
    }


# --- CC-1: a placement rests on a best-interests determination -------------------------------


def test_cc1_decided_placement_without_determination_nor_urgent_reason_is_refused(
    case, case_worker
):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "foster", urgent_reason="urgent")

    # "urgent" is not a reason: an urgent reason says what happened (CC-1, CC-3).
    assert list(excinfo.value.message_dict) == ["urgent_reason"]
    assert _state() == before


def test_cc1_urgent_placement_without_determination_raises_the_alert(case, case_worker):
    foster = _place(case, case_worker, "foster", urgent_reason=URGENT)

    assert _alerts(case, CC1) == [(str(foster.public_id), "open")]
    assert foster.urgent_reason == URGENT


def test_cc1_linking_the_determination_clears_the_alert(case, case_worker):
    foster = _place(case, case_worker, "foster", urgent_reason=URGENT)
    bid = _decision(case, case_worker)

    placement_link_decision(placement=foster, actor=case_worker, decision=bid)

    assert Placement.objects.get(pk=foster.pk).decision == bid
    assert _alerts(case, CC1) == [(str(foster.public_id), "cleared")]
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.changes) == (
        "placement.decision",
        {"decision": [None, str(bid.public_id)]},
    )


def test_cc1_placement_decided_by_a_determination_raises_no_alert(case, case_worker):
    bid = _decision(case, case_worker)

    foster = _place(case, case_worker, "foster", decision=bid, urgent_reason=URGENT)

    assert (foster.decision, foster.urgent_reason) == (bid, "")
    assert _alerts(case, CC1) == []


def test_cc1_an_assessment_is_refused_as_the_placement_decision(case, case_worker):
    foster = _place(case, case_worker, "foster", urgent_reason=URGENT)
    bia = _decision(case, case_worker, kind="bia")
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        placement_link_decision(placement=foster, actor=case_worker, decision=bia)
    with pytest.raises(ValidationError) as at_record:
        _place(case, case_worker, "kinship", start=-1, decision=bia)

    message = {"decision": ["Choose a best-interests determination taken on this case."]}
    assert excinfo.value.message_dict == message
    assert at_record.value.message_dict == message
    assert _state() == before
    assert _open(case, CC1) == [str(foster.public_id)]


def test_cc1_a_determination_of_another_case_is_refused(case, case_worker, agency):
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    foreign_bid = _decision(other, case_worker)
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _place(case, case_worker, "foster", decision=foreign_bid)

    assert excinfo.value.message_dict == {
        "decision": ["Choose a best-interests determination taken on this case."]
    }
    assert _state() == before


# --- ND-4: restrictions are justified and reviewed; family contact is a right ----------------


def test_nd4_restriction_without_justification_is_recorded_and_raises_an_alert(case, case_worker):
    restriction = _restriction(case, case_worker, justification="  ")

    assert Restriction.objects.get(pk=restriction.pk).justification == ""
    alert = Alert.objects.get(case=case, rule_code=ND4_UNJUSTIFIED)
    assert (alert.measure_id, alert.subject, alert.status) == (
        "ND-4",
        str(restriction.public_id),
        "open",
    )
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.changes) == (
        "restriction.record",
        {
            "kind": [None, "movement"],
            "justified": [None, False],
            "review_on": [None, _day(14).isoformat()],
        },
    )


def test_nd4_restriction_with_justification_raises_no_alert(case, case_worker):
    _restriction(case, case_worker, justification="Fictional: her trafficker waits outside.")

    assert _alerts(case, ND4_UNJUSTIFIED) == []
    assert _alerts(case, ND4_OVERDUE) == []


@pytest.mark.parametrize(
    ("review_on", "message"),
    [
        (None, "Give a date to review the restriction (ND-4)."),
        (-1, "The review date cannot be in the past."),
    ],
)
def test_nd4_restriction_without_a_valid_review_date_is_refused(
    case, case_worker, review_on, message
):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        restriction_record(
            case=case,
            actor=case_worker,
            kind="family_contact",
            description="Fictional: no visits from her uncle.",
            decided_by="Fictional shelter manager",
            start_on=TODAY(),
            review_on=_day(review_on) if review_on is not None else None,
            justification="Fictional: the uncle sold her.",
        )

    assert excinfo.value.message_dict == {"review_on": [message]}
    assert _state() == before


def test_nd4_overdue_restriction_review_is_raised_by_the_sweep(case, case_worker):
    restriction = _restriction(case, case_worker, justification="Fictional: her trafficker waits.")
    # Simulate time passing: the review date is now yesterday, and nobody touched the case.
    Restriction.objects.filter(pk=restriction.pk).update(review_on=_day(-1))
    assert _alerts(case, ND4_OVERDUE) == []

    _sweep()

    assert _alerts(case, ND4_OVERDUE) == [(str(restriction.public_id), "open")]


def test_nd4_keeping_a_restriction_needs_a_justification_and_a_later_review_date(case, case_worker):
    restriction = _restriction(case, case_worker)
    Restriction.objects.filter(pk=restriction.pk).update(review_on=_day(-1))  # time passes
    _sweep()
    before = _state()

    with pytest.raises(ValidationError) as short:
        restriction_review(
            restriction=restriction,
            actor=case_worker,
            lift=False,
            on=TODAY(),
            justification="safety",
            review_on=_day(30),
        )
    with pytest.raises(ValidationError) as same_day:
        restriction_review(
            restriction=restriction,
            actor=case_worker,
            lift=False,
            on=TODAY(),
            justification="Fictional: her trafficker still waits outside.",
            review_on=TODAY(),
        )

    assert short.value.message_dict == {
        "justification": ["Say why the restriction is still in the child's interests."]
    }
    assert same_day.value.message_dict == {"review_on": ["Give the next review date, after today."]}
    assert _state() == before

    restriction_review(
        restriction=restriction,
        actor=case_worker,
        lift=False,
        on=TODAY(),
        justification="Fictional: her trafficker still waits outside.",
        review_on=_day(30),
    )

    restriction.refresh_from_db()
    assert (restriction.review_on, restriction.ended_on, restriction.justification) == (
        _day(30),
        None,
        "Fictional: her trafficker still waits outside.",
    )
    subject = str(restriction.public_id)
    assert _alerts(case, ND4_UNJUSTIFIED) == [(subject, "cleared")]
    assert _alerts(case, ND4_OVERDUE) == [(subject, "cleared")]


def test_nd4_keeping_a_restriction_with_a_next_review_date_already_past_is_refused(
    case, case_worker
):
    restriction = _restriction(case, case_worker, justification="Fictional: trafficker waits.")
    before = _state()

    with pytest.raises(ValidationError):
        restriction_review(
            restriction=restriction,
            actor=case_worker,
            lift=False,
            on=_day(-10),
            justification="Fictional: her trafficker still waits outside.",
            review_on=_day(-5),
        )

    assert _state() == before


def test_nd4_lifting_a_restriction_clears_its_alerts(case, case_worker):
    restriction = _restriction(case, case_worker)
    Restriction.objects.filter(pk=restriction.pk).update(review_on=_day(-1))  # time passes
    _sweep()
    subject = str(restriction.public_id)
    assert (_open(case, ND4_UNJUSTIFIED), _open(case, ND4_OVERDUE)) == ([subject], [subject])

    restriction_review(restriction=restriction, actor=case_worker, lift=True, on=TODAY())

    assert Restriction.objects.get(pk=restriction.pk).ended_on == TODAY()
    assert _alerts(case, ND4_UNJUSTIFIED) == [(subject, "cleared")]
    assert _alerts(case, ND4_OVERDUE) == [(subject, "cleared")]
    before = _state()
    with pytest.raises(ValidationError) as again:
        restriction_review(restriction=restriction, actor=case_worker, lift=True, on=TODAY())
    assert again.value.messages == ["This restriction was already lifted."]
    assert _state() == before


def test_nd4_restriction_on_a_placement_of_another_child_is_refused(case, case_worker, agency):
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    foreign = _place(other, case_worker, "hospital")
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        _restriction(case, case_worker, justification="Fictional reason.", placement=foreign)

    assert excinfo.value.message_dict == {"placement": ["Choose a placement of this child."]}
    assert _state() == before


def test_nd4_family_contact_is_recorded(case, case_worker):
    audit_before = AuditEvent.objects.count()

    contact = family_contact_record(
        case=case,
        actor=case_worker,
        with_whom="Fictional: her mother",
        means="calls",
        frequency="Twice a week",
        start_on=TODAY(),
        supervised=True,
        child_views="Fictional: I want to talk to my mother every day.",
    )

    stored = FamilyContact.objects.get(pk=contact.pk)
    assert (stored.case, stored.with_whom, stored.means, stored.frequency, stored.supervised) == (
        case,
        "Fictional: her mother",
        "calls",
        "Twice a week",
        True,
    )
    assert AuditEvent.objects.count() == audit_before + 1
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.changes) == (
        "family_contact.record",
        {"means": [None, "calls"], "supervised": [None, True]},
    )


def test_nd4_family_contact_without_whom_or_means_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        family_contact_record(
            case=case,
            actor=case_worker,
            with_whom=" ",
            means="pigeon",
            frequency=" ",
            start_on=TODAY(),
        )

    assert excinfo.value.message_dict == {
        "with_whom": ["Say with whom."],
        "means": ["Choose how."],
        "frequency": ["Say how often."],
    }
    assert _state() == before


# --- ND-1: a child victim is not punished ----------------------------------------------------


def _charge(case, actor, offence="illegal_work", status="charged"):  # type: ignore[no-untyped-def]
    return charge_record(
        case=case,
        actor=actor,
        offence=offence,
        authority="Fictional District Police",
        status=status,
        recorded_on=TODAY(),
        description="Fictional: found working in a factory without a permit.",
    )


def test_nd1_charge_for_illegal_work_on_a_presumed_victim_raises_the_alert(
    case, case_worker, presumed_screening
):
    charge = _charge(case, case_worker)

    alert = Alert.objects.get(case=case, rule_code=ND1)
    assert (alert.measure_id, alert.severity, alert.subject, alert.status) == (
        "ND-1",
        "alert",
        str(charge.public_id),
        "open",
    )


def test_nd1_legal_assistance_alone_does_not_clear_the_alert(case, case_worker, presumed_screening):
    charge = _charge(case, case_worker)

    _legal_service(case, case_worker)

    assert _open(case, ND1) == [str(charge.public_id)]


def test_nd1_raising_the_principle_alone_does_not_clear_the_alert(
    case, case_worker, presumed_screening
):
    charge = _charge(case, case_worker)

    charge_update(
        charge=charge,
        actor=case_worker,
        status="charged",
        non_punishment_raised_on=TODAY(),
        non_punishment_raised_with="Fictional Public Prosecutor",
    )

    assert Charge.objects.get(pk=charge.pk).non_punishment_raised_on == TODAY()
    assert _open(case, ND1) == [str(charge.public_id)]


def test_nd1_legal_assistance_and_the_principle_raised_together_clear_the_alert(
    case, case_worker, presumed_screening
):
    charge = _charge(case, case_worker)
    _legal_service(case, case_worker)

    charge_update(
        charge=charge,
        actor=case_worker,
        status="prosecuted",
        non_punishment_raised_on=TODAY(),
        non_punishment_raised_with="Fictional Public Prosecutor",
    )

    assert _alerts(case, ND1) == [(str(charge.public_id), "cleared")]
    event = AuditEvent.objects.order_by("pk").last()
    assert (event.action, event.changes) == (
        "charge.update",
        {
            "status": ["charged", "prosecuted"],
            "non_punishment_raised_on": [None, TODAY().isoformat()],
        },
    )


@pytest.mark.parametrize("status", ["dropped", "acquitted"])
def test_nd1_a_charge_dropped_or_acquitted_clears_the_alert(
    case, case_worker, presumed_screening, status
):
    charge = _charge(case, case_worker)

    charge_update(charge=charge, actor=case_worker, status=status)

    assert _alerts(case, ND1) == [(str(charge.public_id), "cleared")]


def test_nd1_charge_on_a_case_neither_screened_nor_a_possible_victim_raises_no_alert(
    case, case_worker, cp_officer
):
    # No screening, and the competent authority found the child not a victim.
    trafficking_status_decide(
        case=case, actor=cp_officer, status="NotAVictimOfTrafficking", decided_by="Police"
    )

    _charge(case, case_worker)

    assert _alerts(case, ND1) == []


def test_nd1_charge_on_a_possible_victim_never_screened_raises_the_alert(case, case_worker):
    # A registered child is a possible victim until decided otherwise.
    assert case.trafficking_status == "PossibleVictimOfTrafficking"

    charge = _charge(case, case_worker, offence="illegal_entry", status="investigation")

    assert _open(case, ND1) == [str(charge.public_id)]


def test_nd1_principle_raised_without_saying_with_whom_is_refused(
    case, case_worker, presumed_screening
):
    charge = _charge(case, case_worker)
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        charge_update(
            charge=charge, actor=case_worker, status="charged", non_punishment_raised_on=TODAY()
        )

    assert excinfo.value.message_dict == {
        "non_punishment_raised_with": ["Say with whom the principle was raised."]
    }
    assert _state() == before


def test_nd1_charge_with_unknown_offence_status_or_no_authority_is_refused(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        charge_record(
            case=case,
            actor=case_worker,
            offence="loitering",
            authority=" ",
            status="pending",
            recorded_on=TODAY(),
        )

    assert excinfo.value.message_dict == {
        "offence": ["Choose the offence."],
        "status": ["Choose the status."],
        "authority": ["Say which authority."],
    }
    assert _state() == before


# --- ND-5: legal assistance and the right to challenge a deprivation of liberty --------------


def test_nd5_closed_placement_without_legal_assistance_raises_the_alert(case, case_worker):
    closed = _place(case, case_worker, "other_closed")

    alert = Alert.objects.get(case=case, rule_code=ND5)
    assert (alert.measure_id, alert.severity, alert.subject, alert.status) == (
        "ND-5",
        "alert",
        str(closed.public_id),
        "open",
    )


def test_nd5_an_open_placement_raises_no_alert(case, case_worker):
    _shelter(case, case_worker)

    assert _alerts(case, ND5) == []


def test_nd5_a_legal_service_for_the_child_clears_the_alert(case, case_worker):
    closed = _place(case, case_worker, "other_closed")

    _legal_service(case, case_worker)

    assert _alerts(case, ND5) == [(str(closed.public_id), "cleared")]


def test_nd5_a_legal_service_not_delivered_does_not_clear_the_alert(case, case_worker):
    closed = _place(case, case_worker, "other_closed")

    service_record(
        case=case,
        actor=case_worker,
        type="Legal",
        provider="Fictional Legal Aid Clinic",
        start_on=TODAY(),
        status="not_delivered",
        not_delivered_reason="not_available",
    )

    assert _open(case, ND5) == [str(closed.public_id)]


def test_nd5_challenge_recorded_and_decided_gives_the_days_to_a_decision(case, case_worker):
    closed = _place(case, case_worker, "other_closed", start=-20)

    challenge = liberty_challenge_record(
        placement=closed,
        actor=case_worker,
        lodged_on=_day(-12),
        lodged_with="Fictional Family Court",
        lodged_by="Fictional Lawyer",
    )
    assert (challenge.decided_on, challenge.outcome, challenge.days_to_decision) == (
        None,
        "",
        None,
    )
    decided = liberty_challenge_decide(
        challenge=challenge, actor=case_worker, decided_on=_day(-5), outcome="released"
    )

    stored = LibertyChallenge.objects.get(pk=decided.pk)
    assert (stored.decided_on, stored.outcome, stored.days_to_decision) == (
        _day(-5),
        "released",
        7,
    )
    assert list(
        AuditEvent.objects.filter(action__startswith="liberty_challenge").values_list(
            "action", flat=True
        )
    ) == ["liberty_challenge.record", "liberty_challenge.decide"]


def test_nd5_decision_before_the_challenge_was_lodged_is_refused(case, case_worker):
    closed = _place(case, case_worker, "other_closed", start=-20)
    challenge = liberty_challenge_record(
        placement=closed,
        actor=case_worker,
        lodged_on=_day(-12),
        lodged_with="Fictional Family Court",
        lodged_by="Fictional Lawyer",
    )
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        liberty_challenge_decide(
            challenge=challenge, actor=case_worker, decided_on=_day(-13), outcome="released"
        )
    with pytest.raises(ValidationError) as bad_outcome:
        liberty_challenge_decide(
            challenge=challenge, actor=case_worker, decided_on=_day(-5), outcome="maybe"
        )

    assert excinfo.value.message_dict == {
        "decided_on": ["The decision cannot come before the challenge."]
    }
    assert bad_outcome.value.message_dict == {"outcome": ["Choose the decision."]}
    assert _state() == before


def test_nd5_a_decision_is_recorded_once(case, case_worker):
    closed = _place(case, case_worker, "other_closed", start=-20)
    challenge = liberty_challenge_record(
        placement=closed,
        actor=case_worker,
        lodged_on=_day(-12),
        lodged_with="Fictional Family Court",
        lodged_by="Fictional Lawyer",
    )
    liberty_challenge_decide(
        challenge=challenge, actor=case_worker, decided_on=_day(-5), outcome="upheld"
    )
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        liberty_challenge_decide(
            challenge=challenge, actor=case_worker, decided_on=_day(-1), outcome="released"
        )

    assert excinfo.value.messages == ["The decision is already recorded."]
    assert _state() == before


def test_nd5_challenge_to_an_open_shelter_is_refused(case, case_worker):
    shelter = _shelter(case, case_worker)
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        liberty_challenge_record(
            placement=shelter,
            actor=case_worker,
            lodged_on=TODAY(),
            lodged_with="Fictional Family Court",
            lodged_by="Fictional Lawyer",
        )

    assert excinfo.value.messages == [
        "A challenge can be recorded only for a placement the child cannot leave."
    ]
    assert _state() == before


def test_nd5_challenge_before_the_placement_or_without_court_is_refused(case, case_worker):
    closed = _place(case, case_worker, "other_closed", start=-5)
    before = _state()

    with pytest.raises(ValidationError) as early:
        liberty_challenge_record(
            placement=closed,
            actor=case_worker,
            lodged_on=_day(-6),
            lodged_with="Fictional Family Court",
            lodged_by="Fictional Lawyer",
        )
    with pytest.raises(ValidationError) as missing:
        liberty_challenge_record(
            placement=closed, actor=case_worker, lodged_on=TODAY(), lodged_with=" ", lodged_by=""
        )

    assert early.value.message_dict == {
        "lodged_on": ["The challenge cannot come before the placement."]
    }
    assert missing.value.message_dict == {
        "lodged_with": ["Say with which court or authority."],
        "lodged_by": ["Say who lodged it."],
    }
    assert _state() == before


def test_nd4_a_restriction_cannot_be_lifted_before_it_began(case, case_worker):
    restriction = _restriction(case, case_worker, justification="Fictional: the child asked.")
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        restriction_review(
            restriction=restriction,
            actor=case_worker,
            lift=True,
            on=restriction.start_on - timedelta(days=30),
        )

    assert list(excinfo.value.message_dict) == ["on"]
    assert _state() == before


def test_cc1_a_second_determination_does_not_silently_replace_the_first(case, case_worker):
    shelter = _shelter(case, case_worker)
    first, second = _decision(case, case_worker), _decision(case, case_worker)
    placement_link_decision(placement=shelter, actor=case_worker, decision=first)
    before = _state()

    with pytest.raises(ValidationError) as excinfo:
        placement_link_decision(placement=shelter, actor=case_worker, decision=second)

    assert excinfo.value.message_dict == {
        "decision": ["A determination is already linked to this placement."]
    }
    assert _state() == before
    shelter.refresh_from_db()
    assert shelter.decision_id == first.pk
