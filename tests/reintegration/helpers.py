"""Recording recovery and reintegration through the services, with fictional content, for the
tests of this area. Each helper takes overrides of the service's arguments."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from haven.cases.models import Case
from haven.reintegration import services
from haven.reintegration.models import (
    FamilyAssessment,
    FamilyMember,
    FollowUpVisit,
    Pathway,
    PlanReview,
    ReintegrationPlan,
    SafetyPlan,
)
from haven.safeguards.models import Alert
from tests.factories import determination


def today() -> date:
    return timezone.localdate()


def days(n: int) -> date:
    """`n` days from today (negative: in the past)."""
    return today() + timedelta(days=n)


def member(case: Case, actor: Any, **overrides: Any) -> FamilyMember:
    fields = {
        "name": "Fictional Mother Sari",
        "relationship": "mother",
        "contact": "Fictional village, by the health post",
        "implicated": False,
        "safe_contact": True,
        "notes": "",
    }
    return services.family_member_record(case=case, actor=actor, **{**fields, **overrides})


def assessment(case: Case, actor: Any, **overrides: Any) -> FamilyAssessment:
    fields = {
        "assessed_on": today(),
        "safety": "low",
        "abuse": "no",
        "complicity": "no",
        "capacity": "with_support",
        "needs": "Fictional: the mother needs work near home.",
        "child_views": "Fictional: I miss my mother and my little brother.",
    }
    return services.family_assessment_record(case=case, actor=actor, **{**fields, **overrides})


def pathway(case: Case, actor: Any, kind: str = "reunification", **overrides: Any) -> Pathway:
    subject = overrides.pop("subject", "reintegration")
    fields = {
        "kind": kind,
        "decided_on": today(),
        "reasons": "Fictional: the child wants to go home and the family can care with support.",
        "child_views": "Fictional: I want to go home to my mother.",
        "implicated_addressed": "",
        "last_resort_reason": "",
    }
    fields.update(overrides)
    if "decision" not in fields:
        fields["decision"] = determination(
            case, actor, subject, decided_on=fields["decided_on"] or today()
        )
    return services.pathway_decide(case=case, actor=actor, **fields)


def safety_plan(case: Case, actor: Any, **overrides: Any) -> SafetyPlan:
    fields = {
        "agreed_on": today(),
        "sources": ["traffickers", "community"],
        "risks": "Fictional: the recruiter still visits the village market.",
        "measures": "Fictional: call the case worker; do not go to the market alone.",
        "child_words": "Fictional: if I see him I go to my aunt's shop and call.",
        "review_on": days(30),
    }
    return services.safety_plan_record(case=case, actor=actor, **{**fields, **overrides})


def plan(
    case: Case, actor: Any, kind: str = "reintegration", **overrides: Any
) -> ReintegrationPlan:
    fields = {
        "kind": kind,
        "agreed_on": today(),
        "goals": "Fictional: go back to school in my village; help my mother at the stall.",
        "responsible": "Fictional: case worker for school; NGO for the mother's work.",
        "review_on": days(60),
        "first_visit_on": days(14),
    }
    return services.plan_record(case=case, actor=actor, **{**fields, **overrides})


def review(rplan: ReintegrationPlan, actor: Any, **overrides: Any) -> PlanReview:
    fields = {
        "reviewed_on": today(),
        "progress": "Fictional: at school four days a week.",
        "child_views": "Fictional: school is hard but I like it.",
        "next_review_on": days(60),
    }
    return services.plan_review_record(
        case=rplan.case, actor=actor, plan=rplan, **{**fields, **overrides}
    )


def visit(rplan: ReintegrationPlan, actor: Any, **overrides: Any) -> FollowUpVisit:
    fields = {
        "visited_on": today(),
        "visited_by": "Fictional Case Worker",
        "observations": "Fictional: the home is calm; food in the kitchen.",
        "child_views": "Fictional: I am happy to be home.",
        "next_visit_on": days(30),
    }
    return services.visit_record(
        case=rplan.case, actor=actor, plan=rplan, **{**fields, **overrides}
    )


def alerts(case: Case, code: str) -> list[tuple[str, str]]:
    """(subject, status) of every alert of one rule on a case, oldest first."""
    return list(
        Alert.objects.filter(case=case, rule_code=code)
        .order_by("pk")
        .values_list("subject", "status")
    )


def open_subjects(case: Case, code: str) -> set[str]:
    return set(
        Alert.objects.filter(case=case, rule_code=code, status=Alert.Status.OPEN).values_list(
            "subject", flat=True
        )
    )
