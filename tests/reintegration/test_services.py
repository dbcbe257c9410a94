"""Recording recovery and reintegration (RR-1 … RR-5): what is saved and audited, and every
refusal, which names the field and saves nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.core.errors import EditConflict, SafeguardViolation
from haven.reintegration import services
from haven.reintegration.models import (
    FamilyAssessment,
    FamilyMember,
    FollowUpVisit,
    Pathway,
    PlanReview,
    PlanService,
    ReintegrationPlan,
    SafetyPlan,
)
from tests.factories import child_fields, determination, staff
from tests.reintegration.helpers import (
    assessment,
    days,
    member,
    pathway,
    plan,
    review,
    safety_plan,
    today,
    visit,
)

MODELS = (
    FamilyMember,
    FamilyAssessment,
    Pathway,
    SafetyPlan,
    ReintegrationPlan,
    PlanService,
    PlanReview,
    FollowUpVisit,
)


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS} | {"audit": AuditEvent.objects.count()}


def _refused(call: Any, *fields: str) -> None:
    """The call is refused naming exactly `fields`, and nothing at all is saved."""
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        call()
    assert sorted(refused.value.message_dict) == sorted(fields)
    assert _counts() == before


# --- RR-1: the pathway is decided in the child's best interests, with their views ------------


def test_rr1_a_pathway_is_decided_by_a_determination_with_the_childs_views(
    case: Case, case_worker: Any
) -> None:
    assessment(case, case_worker)
    chosen = pathway(case, case_worker, "reunification")

    assert (chosen.kind, chosen.decided_on, chosen.carried_out_on) == (
        "reunification",
        today(),
        None,
    )
    assert chosen.child_views == "Fictional: I want to go home to my mother."
    event = AuditEvent.objects.filter(action="reintegration.pathway_decide").get()
    assert event.changes == {"kind": [None, "reunification"], "decided_on": [None, str(today())]}
    assert "mother" not in str(event.changes)


def test_rr1_cc2_a_pathway_without_the_childs_views_or_reasons_is_refused(
    case: Case, case_worker: Any
) -> None:
    decision = determination(case, case_worker, "reintegration")
    _refused(
        lambda: pathway(
            case, case_worker, "family_based", decision=decision, child_views=" ", reasons=""
        ),
        "child_views",
        "reasons",
    )


@pytest.mark.parametrize("subject", ["legal_participation", "care"])
def test_rr1_a_determination_about_something_else_does_not_decide_a_pathway(
    case: Case, case_worker: Any, subject: str
) -> None:
    decision = determination(case, case_worker, subject)
    _refused(lambda: pathway(case, case_worker, "family_based", decision=decision), "decision")


def test_rr1_an_assessment_is_not_a_determination(case: Case, case_worker: Any) -> None:
    decision = determination(case, case_worker, "reintegration", kind="bia")
    _refused(lambda: pathway(case, case_worker, "family_based", decision=decision), "decision")


def test_rr1_a_determination_of_another_childs_case_is_refused(
    case: Case, case_worker: Any, agency: Any
) -> None:
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Fictrr"))
    theirs = determination(other, case_worker, "reintegration")
    _refused(lambda: pathway(case, case_worker, "family_based", decision=theirs), "decision")


def test_rr1_residential_care_is_the_last_resort_and_needs_the_reason(
    case: Case, case_worker: Any
) -> None:
    decision = determination(case, case_worker, "placement")
    _refused(
        lambda: pathway(case, case_worker, "residential", decision=decision),
        "last_resort_reason",
    )

    chosen = pathway(
        case,
        case_worker,
        "residential",
        decision=decision,
        last_resort_reason="Fictional: no relative can care now; foster carers are being found.",
    )
    assert chosen.kind == "residential"


def test_rr1_an_unknown_pathway_is_refused_naming_the_field(case: Case, case_worker: Any) -> None:
    decision = determination(case, case_worker, "reintegration")
    _refused(lambda: pathway(case, case_worker, "orphanage", decision=decision), "kind")


def test_rr1_only_those_who_plan_reintegration_may_decide_it(
    case: Case, case_worker: Any, agency: Any
) -> None:
    decision = determination(case, case_worker, "reintegration")
    nurse = staff(agency, Role.HEALTH_WORKER, username="rrnurse")
    before = _counts()
    with pytest.raises(PermissionDenied):
        pathway(case, nurse, "family_based", decision=decision)
    assert _counts() == before


# --- RR-2: carried out ------------------------------------------------------------------------


def test_rr2_a_pathway_is_carried_out_once_and_not_before_it_was_decided(
    case: Case, case_worker: Any
) -> None:
    chosen = pathway(case, case_worker, "family_based", decided_on=days(-10), subject="placement")
    _refused(
        lambda: services.pathway_carried_out(
            case=case, actor=case_worker, pathway=chosen, carried_out_on=days(-11)
        ),
        "carried_out_on",
    )
    services.pathway_carried_out(
        case=case, actor=case_worker, pathway=chosen, carried_out_on=days(-2)
    )
    assert Pathway.objects.get(pk=chosen.pk).carried_out_on == days(-2)
    _refused(
        lambda: services.pathway_carried_out(
            case=case, actor=case_worker, pathway=chosen, carried_out_on=today()
        ),
        "carried_out_on",
    )


def test_rr2_a_pathway_decided_again_no_longer_stands(case: Case, case_worker: Any) -> None:
    first = pathway(case, case_worker, "family_based", decided_on=days(-10), subject="placement")
    pathway(case, case_worker, "independent", subject="placement")
    _refused(
        lambda: services.pathway_carried_out(
            case=case, actor=case_worker, pathway=first, carried_out_on=today()
        ),
        "pathway",
    )


# --- RR-3: the family is assessed; an implicated member is never passed over ------------------


def test_rr3_family_members_and_the_assessment_are_recorded_and_audited_without_content(
    case: Case, case_worker: Any
) -> None:
    mother = member(case, case_worker)
    uncle = member(
        case, case_worker, name="Fictional Uncle Budi", relationship="aunt_uncle", implicated=True
    )
    assessed = assessment(case, case_worker, complicity="suspected")

    assert (mother.implicated, mother.implicated_at, mother.safe_contact) == (False, None, True)
    # Implicated: contact with him is never recorded as safe.
    assert uncle.implicated and uncle.implicated_at is not None and not uncle.safe_contact
    assert assessed.complicity == "suspected"
    events = AuditEvent.objects.filter(action__startswith="reintegration.").order_by("pk")
    assert [e.action for e in events] == [
        "reintegration.family_member_record",
        "reintegration.family_member_record",
        "reintegration.family_assessment_record",
    ]
    for event in events:
        assert "Fictional" not in str(event.changes)


def test_rr3_reunification_needs_the_family_assessed_first(case: Case, case_worker: Any) -> None:
    decision = determination(case, case_worker, "return")
    _refused(lambda: pathway(case, case_worker, "reunification", decision=decision), "kind")
    # An assessment dated after the decision does not count either.
    assessment(case, case_worker, assessed_on=today())
    earlier = determination(case, case_worker, "return", decided_on=days(-3))
    _refused(
        lambda: pathway(case, case_worker, "kinship", decision=earlier, decided_on=days(-3)),
        "kind",
    )


@pytest.mark.parametrize("kind", ["reunification", "kinship"])
def test_rr3_return_to_a_family_with_an_implicated_member_is_blocked_unless_addressed(
    case: Case, case_worker: Any, kind: str
) -> None:
    member(case, case_worker, relationship="father", implicated=True, name="Fictional Father")
    assessment(case, case_worker, complicity="yes")
    decision = determination(case, case_worker, "return")
    before = _counts()

    with pytest.raises(SafeguardViolation) as blocked:
        pathway(case, case_worker, kind, decision=decision)

    assert blocked.value.measure_id == "RR-3"
    assert "father" in str(blocked.value)
    assert _counts() == before
    chosen = pathway(
        case,
        case_worker,
        kind,
        decision=decision,
        implicated_addressed="Fictional: the father is in custody; the mother alone cares.",
    )
    assert chosen.implicated_addressed.startswith("Fictional: the father")


def test_rr3_a_determination_taken_before_the_member_was_implicated_does_not_address_it(
    case: Case, case_worker: Any
) -> None:
    assessment(case, case_worker, assessed_on=days(-20))
    old = determination(case, case_worker, "return", decided_on=days(-20))
    member(case, case_worker, relationship="mother", implicated=True)
    before = _counts()

    with pytest.raises(SafeguardViolation):
        pathway(
            case,
            case_worker,
            "reunification",
            decision=old,
            decided_on=days(-1),
            implicated_addressed="Fictional: said to be addressed.",
        )
    assert _counts() == before


def test_rr3_other_pathways_are_not_blocked_by_an_implicated_member(
    case: Case, case_worker: Any
) -> None:
    member(case, case_worker, implicated=True)
    chosen = pathway(case, case_worker, "family_based", subject="placement")
    assert chosen.implicated_addressed == ""


def test_rr3_marking_a_member_implicated_later_is_dated_and_ends_safe_contact(
    case: Case, case_worker: Any
) -> None:
    mother = member(case, case_worker)
    updated = services.family_member_update(
        case=case,
        actor=case_worker,
        member=mother,
        name=mother.name,
        relationship="mother",
        implicated=True,
        safe_contact=True,
        expected_version=mother.version,
    )
    assert updated.implicated_at is not None and updated.safe_contact is False
    event = AuditEvent.objects.filter(action="reintegration.family_member_update").get()
    assert event.changes == {"implicated": [False, True]}


def test_rr3_a_member_edited_from_a_stale_page_is_refused(case: Case, case_worker: Any) -> None:
    mother = member(case, case_worker)
    old_version = mother.version
    services.family_member_update(
        case=case, actor=case_worker, member=mother, name="Fictional Sari", relationship="mother"
    )
    with pytest.raises(EditConflict):
        services.family_member_update(
            case=case,
            actor=case_worker,
            member=mother,
            name="Fictional Other",
            relationship="mother",
            implicated=True,
            expected_version=old_version,
        )
    assert FamilyMember.objects.get(pk=mother.pk).implicated is False


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"name": "  "}, ["name"]),
        ({"relationship": "cousin_twice_removed"}, ["relationship"]),
    ],
)
def test_rr3_a_family_member_without_a_name_or_relationship_is_refused(
    case: Case, case_worker: Any, overrides: dict, fields: list[str]
) -> None:
    _refused(lambda: member(case, case_worker, **overrides), *fields)


def test_rr3_an_assessment_needs_each_finding_and_the_childs_views(
    case: Case, case_worker: Any
) -> None:
    _refused(
        lambda: assessment(
            case,
            case_worker,
            safety="extreme",
            abuse="",
            complicity="maybe",
            capacity="",
            child_views="",
            assessed_on=None,
        ),
        "safety",
        "abuse",
        "complicity",
        "capacity",
        "child_views",
        "assessed_on",
    )
    _refused(lambda: assessment(case, case_worker, assessed_on=days(3)), "assessed_on")


def test_rr3_a_service_for_a_family_member_is_part_of_the_plan(
    case: Case, case_worker: Any
) -> None:
    mother = member(case, case_worker)
    rplan = plan(case, case_worker)
    service = services.plan_service_add(
        case=case,
        actor=case_worker,
        plan=rplan,
        family_member=mother,
        description="Fictional: a market stall loan and training",
        provider="Fictional Women's Cooperative",
        status="planned",
    )
    assert (service.plan, service.family_member, service.in_community) == (rplan, mother, True)


def test_rr3_a_service_for_another_childs_family_member_is_refused(
    case: Case, case_worker: Any, agency: Any
) -> None:
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Fictrs"))
    theirs = member(other, case_worker)
    rplan = plan(case, case_worker)
    _refused(
        lambda: services.plan_service_add(
            case=case,
            actor=case_worker,
            plan=rplan,
            family_member=theirs,
            description="Fictional",
            provider="Fictional",
            status="planned",
        ),
        "family_member",
    )


# --- RR-4: the safety plan --------------------------------------------------------------------


def test_rr4_a_safety_plan_keeps_the_childs_words_and_its_sources(
    case: Case, case_worker: Any
) -> None:
    saved = safety_plan(case, case_worker, sources=["community", "traffickers", "community"])
    assert saved.sources == ["community", "traffickers"]
    assert saved.child_words.startswith("Fictional: if I see him")


def test_rr4_a_safety_plan_without_the_childs_words_or_with_an_unknown_source_is_refused(
    case: Case, case_worker: Any
) -> None:
    _refused(
        lambda: safety_plan(case, case_worker, child_words="", sources=["aliens"]),
        "child_words",
        "sources",
    )
    _refused(lambda: safety_plan(case, case_worker, sources=[]), "sources")
    _refused(lambda: safety_plan(case, case_worker, review_on=today()), "review_on")


# --- RR-5: plan, reviews and follow-up visits ---------------------------------------------------


def test_rr5_a_plan_reviews_and_visits_are_recorded_in_order(case: Case, case_worker: Any) -> None:
    rplan = plan(case, case_worker, agreed_on=days(-20), first_visit_on=days(-10))
    review(rplan, case_worker, reviewed_on=days(-5))
    visit(rplan, case_worker, visited_on=days(-9))

    assert rplan.reviews.count() == 1 and rplan.visits.count() == 1


def test_rr5_a_follow_up_before_the_plan_is_refused(case: Case, case_worker: Any) -> None:
    rplan = plan(case, case_worker, agreed_on=days(-5), first_visit_on=days(5))
    _refused(lambda: visit(rplan, case_worker, visited_on=days(-6)), "visited_on")
    _refused(lambda: review(rplan, case_worker, reviewed_on=days(-6)), "reviewed_on")


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"goals": "", "responsible": " "}, ["goals", "responsible"]),
        ({"kind": "dream"}, ["kind"]),
        ({"review_on": None, "first_visit_on": None}, ["review_on", "first_visit_on"]),
        ({"review_on": timezone.localdate() - timedelta(days=1)}, ["review_on"]),
        ({"agreed_on": timezone.localdate() + timedelta(days=1)}, ["agreed_on"]),
    ],
)
def test_rr5_a_plan_without_goals_dates_or_kind_is_refused(
    case: Case, case_worker: Any, overrides: dict, fields: list[str]
) -> None:
    _refused(lambda: plan(case, case_worker, **overrides), *fields)


def test_rr5_a_visit_needs_the_childs_view_and_a_next_date_after_it(
    case: Case, case_worker: Any
) -> None:
    rplan = plan(case, case_worker)
    _refused(
        lambda: visit(rplan, case_worker, child_views="", observations=""),
        "child_views",
        "observations",
    )
    _refused(lambda: visit(rplan, case_worker, next_visit_on=today()), "next_visit_on")
    _refused(lambda: visit(rplan, case_worker, visited_on=days(1)), "visited_on")


def test_rr5_another_cases_plan_is_refused(case: Case, case_worker: Any, agency: Any) -> None:
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Fictpl"))
    theirs = plan(other, case_worker)
    _refused(
        lambda: services.visit_record(
            case=case,
            actor=case_worker,
            plan=theirs,
            visited_on=today(),
            visited_by="Fictional",
            observations="Fictional",
            child_views="Fictional",
            next_visit_on=days(10),
        ),
        "plan",
    )


def test_rr5_a_service_named_longer_than_a_line_is_refused(case: Case, case_worker: Any) -> None:
    rplan = plan(case, case_worker)
    _refused(
        lambda: services.plan_service_add(
            case=case,
            actor=case_worker,
            plan=rplan,
            description="x" * 201,
            provider="Fictional",
            status="planned",
        ),
        "description",
    )
