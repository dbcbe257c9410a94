"""Best-interests assessments and determinations (CC-1, CC-2, PS-6): the child's views heard and
weighed, a justification, a panel for a determination. Domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.core.errors import SafeguardViolation
from haven.decisions.models import Decision, DecisionParticipant
from haven.decisions.services import decision_record
from haven.safeguards.models import Alert
from tests.factories import at_run

TODAY = timezone.localdate
PANEL = [
    {"name": "Fictional Chair", "role": "Child-protection office"},
    {"name": "Fictional Psychologist", "role": "Fictional Clinic"},
]
VIEWS = "Fictional: I want to stay at the shelter until school ends."
WEIGHT = "Fictional: she is 14, has thought about it for weeks; her view decided the timing."


def _decide(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "kind": "bia",
        "subject": "care",
        "decided_on": TODAY(),
        "question": "Fictional: what care does she need now?",
        "options": "Fictional: shelter, foster family, return home.",
        "outcome": "Fictional: she stays at the shelter.",
        "justification": "Fictional: safe, near her school, and what she asks for.",
        "child_views": VIEWS,
        "child_views_weight": WEIGHT,
    }
    fields.update(overrides)
    return decision_record(case=case, actor=actor, **fields)


def _counts() -> tuple[int, int, int, int]:
    return (
        Decision.objects.count(),
        DecisionParticipant.objects.count(),
        AuditEvent.objects.count(),
        Alert.objects.count(),
    )


# --- CC-2: the child's views ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "not_obtained"), [("bia", ""), ("bia", "   "), ("bia", "too young"), ("bid", "")]
)
def test_cc2_decision_refused_without_child_views_or_reason(case, case_worker, kind, not_obtained):
    before = _counts()

    with pytest.raises(SafeguardViolation) as excinfo:
        _decide(
            case,
            case_worker,
            kind=kind,
            child_views="  ",
            child_views_weight="",
            child_views_not_obtained=not_obtained,
            participants=PANEL,
        )

    assert (excinfo.value.measure_id, excinfo.value.code) == ("CC-2", "cc2")
    assert _counts() == before


def test_cc2_views_without_saying_how_they_were_weighed_are_refused(case, case_worker):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _decide(case, case_worker, child_views_weight="  ")

    assert list(excinfo.value.message_dict) == ["child_views_weight"]
    assert _counts() == before


def test_cc2_the_reason_views_could_not_be_obtained_is_accepted_instead(case, case_worker):
    reason = "Fictional: a baby of four months."

    decision = _decide(
        case, case_worker, child_views="", child_views_weight="", child_views_not_obtained=reason
    )

    decision.refresh_from_db()
    assert (decision.child_views, decision.child_views_not_obtained) == ("", reason)
    event = AuditEvent.objects.get(action="decision.record")
    assert event.changes["child_views"] == [None, "[not obtained]"]


def test_cc2_a_reason_for_missing_views_is_dropped_when_the_views_are_there(case, case_worker):
    decision = _decide(case, case_worker, child_views_not_obtained="Fictional: she was asleep.")

    decision.refresh_from_db()
    assert (
        decision.child_views,
        decision.child_views_weight,
        decision.child_views_not_obtained,
    ) == (
        VIEWS,
        WEIGHT,
        "",
    )


# --- CC-1: a justification, and what was decided -----------------------------------------------


@pytest.mark.parametrize("field", ["justification", "question", "options", "outcome"])
def test_cc1_a_decision_without_its_justification_or_substance_is_refused(case, case_worker, field):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _decide(case, case_worker, **{field: "   "})

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "vote"}, "kind"),
        ({"subject": "haircut"}, "subject"),
        ({"decided_on": lambda: TODAY() + timedelta(days=1)}, "decided_on"),
    ],
)
def test_cc1_a_decision_of_unknown_kind_subject_or_future_date_is_refused(
    case, case_worker, overrides, field
):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _decide(case, case_worker, **at_run(overrides))

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


# --- PS-6: assessment by a case worker, determination by a panel -------------------------------


def test_ps6_a_bia_by_a_case_worker_needs_no_participants(case, case_worker):
    decision = _decide(case, case_worker)

    decision.refresh_from_db()
    assert (decision.kind, decision.subject, decision.decided_by, decision.decided_on) == (
        "bia",
        "care",
        case_worker,
        TODAY(),
    )
    assert (decision.justification, decision.participants.count()) == (
        "Fictional: safe, near her school, and what she asks for.",
        0,
    )
    event = AuditEvent.objects.get(action="decision.record")
    assert (event.case_id, event.actor, event.object_id, event.changes) == (
        case.pk,
        case_worker,
        str(decision.public_id),
        {
            "kind": [None, "bia"],
            "subject": [None, "care"],
            "child_views": [None, "[given]"],
            "participants": [None, 0],
        },
    )
    # the child's words are case content, kept out of the trail
    assert "shelter" not in str(event.changes)


@pytest.mark.parametrize(
    "participants",
    [
        [],
        PANEL[:1],
        [PANEL[0], {"name": "  ", "role": " "}],
    ],
)
def test_ps6_a_bid_needs_a_panel_of_at_least_two(case, case_worker, participants):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _decide(case, case_worker, kind="bid", subject="return", participants=participants)

    assert list(excinfo.value.message_dict) == ["participants"]
    assert _counts() == before


def test_ps6_each_participant_needs_a_name_and_a_role(case, case_worker):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _decide(
            case,
            case_worker,
            kind="bid",
            participants=[*PANEL, {"name": "Fictional Lawyer", "role": ""}],
        )

    assert list(excinfo.value.message_dict) == ["participants"]
    assert _counts() == before


def test_ps6_a_bid_records_its_named_panel(case, case_worker):
    decision = _decide(
        case,
        case_worker,
        kind="bid",
        subject="medical_without_consent",
        participants=[*PANEL, {"name": "", "role": ""}],
    )

    assert list(decision.participants.values_list("name", "role")) == [
        ("Fictional Chair", "Child-protection office"),
        ("Fictional Psychologist", "Fictional Clinic"),
    ]
    assert AuditEvent.objects.get(action="decision.record").changes["participants"] == [None, 2]


# --- who may decide ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_cc1_a_user_without_the_capability_cannot_record_a_decision(case, request, who):
    actor = request.getfixturevalue(who)
    before = _counts()

    with pytest.raises(PermissionDenied):
        _decide(case, actor)

    assert _counts() == before


def test_ps6_a_supervisor_of_the_agency_records_a_determination(case, supervisor):
    decision = _decide(case, supervisor, kind="bid", participants=PANEL)
    assert decision.decided_by == supervisor
