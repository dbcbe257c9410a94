"""Reading recovery and reintegration for the pages and the API. Every row here is about the
child's family and care (Sensitivity.FAMILY): callers load the case through haven.cases.access,
and a reader who may not read family matters on it gets nothing (`may_read` is False, the
`*_for` lookups answer 404)."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from haven.cases.access import readable, record_for
from haven.cases.models import Case
from haven.cases.selectors import reopened_at
from haven.core.sensitivity import Sensitivity
from haven.decisions.models import Decision
from haven.identification.codes import Outcome
from haven.identification.models import Screening
from haven.reintegration.models import (
    ContactAttempt,
    FamilyAssessment,
    FamilyMember,
    FollowUpVisit,
    Pathway,
    PlanKind,
    PlanReview,
    PlanService,
    ReintegrationPlan,
    Retrafficking,
    SafetyPlan,
)
from haven.reintegration.rules import eighteenth_birthday


def may_read(user: Any, case: Case) -> bool:
    return Sensitivity.FAMILY in readable(user, case)


def family_members(case: Case) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(case=case).order_by("created_at")


def assessments(case: Case) -> QuerySet[FamilyAssessment]:
    return FamilyAssessment.objects.filter(case=case).order_by("-assessed_on", "-created_at")


def pathways(case: Case) -> QuerySet[Pathway]:
    """The pathways decided, the one that stands first."""
    return (
        Pathway.objects.filter(case=case)
        .select_related("decision")
        .order_by("-decided_on", "-created_at")
    )


def safety_plans(case: Case) -> QuerySet[SafetyPlan]:
    """The safety plans, the one that stands first."""
    return SafetyPlan.objects.filter(case=case).order_by("-agreed_on", "-created_at")


def plans(case: Case) -> QuerySet[ReintegrationPlan]:
    """The plans, newest first, with their services, reviews and visits."""
    return (
        ReintegrationPlan.objects.filter(case=case)
        .prefetch_related(
            Prefetch(
                "services",
                queryset=PlanService.objects.select_related("family_member").order_by("created_at"),
            ),
            Prefetch("reviews", queryset=PlanReview.objects.order_by("-reviewed_on", "-pk")),
            Prefetch("visits", queryset=FollowUpVisit.objects.order_by("-visited_on", "-pk")),
        )
        .order_by("-agreed_on", "-created_at")
    )


def retrafficking(case: Case) -> QuerySet[Retrafficking]:
    """The times the child was found back in exploitation (RR-6), latest first."""
    return Retrafficking.objects.filter(case=case).order_by("-occurred_on", "-created_at")


def contact_attempts(case: Case) -> QuerySet[ContactAttempt]:
    """The attempts to reach a child the case lost touch with, latest first (RR-6)."""
    return ContactAttempt.objects.filter(case=case).order_by("-attempted_on", "-created_at")


def pathway_determinations(case: Case) -> QuerySet[Decision]:
    """Determinations that may decide a pathway (haven.reintegration.services.pathway_subjects
    says which for each pathway)."""
    return Decision.objects.filter(
        case=case,
        kind=Decision.Kind.BID,
        subject__in=[
            Decision.Subject.REINTEGRATION,
            Decision.Subject.RETURN,
            Decision.Subject.PLACEMENT,
        ],
    ).order_by("-decided_on", "-created_at")


def member_for(user: Any, case: Case, public_id: UUID | str) -> FamilyMember:
    return record_for(user, case, FamilyMember.objects.filter(case=case), public_id)


def pathway_for(user: Any, case: Case, public_id: UUID | str) -> Pathway:
    return record_for(user, case, Pathway.objects.filter(case=case), public_id)


def plan_for(user: Any, case: Case, public_id: UUID | str) -> ReintegrationPlan:
    return record_for(user, case, ReintegrationPlan.objects.filter(case=case), public_id)


# --- time (RR-2) and age (RR-8) -----------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    """How long the child has waited: since identification, in the current stage, and since
    the pathway that stands was decided (RR-2)."""

    identified_on: date | None
    days_since_identification: int | None
    stage_since: date
    days_in_stage: int
    pathway_decided_on: date | None
    days_since_pathway: int | None
    eighteen_on: date | None
    adult: bool


def timeline(case: Case, pathway: Pathway | None) -> Timeline:
    today = timezone.localdate()
    reopened = reopened_at(case)
    screenings = Screening.objects.filter(case=case, outcome=Outcome.PRESUMED_VICTIM)
    if reopened is not None:
        screenings = screenings.filter(screened_at__gte=reopened)
    identified = screenings.order_by("screened_at").values_list("screened_at", flat=True).first()
    identified_on = timezone.localdate(identified) if identified else None
    stage_since = timezone.localdate(case.stage_changed_at)
    born = case.child.birth_date
    eighteen = eighteenth_birthday(born) if born else None
    waiting = pathway if pathway is not None and pathway.carried_out_on is None else None
    return Timeline(
        identified_on=identified_on,
        days_since_identification=(today - identified_on).days if identified_on else None,
        stage_since=stage_since,
        days_in_stage=(today - stage_since).days,
        pathway_decided_on=waiting.decided_on if waiting else None,
        days_since_pathway=(today - waiting.decided_on).days if waiting else None,
        eighteen_on=eighteen,
        adult=eighteen is not None and eighteen <= today,
    )


def transition_plan(case: Case) -> ReintegrationPlan | None:
    return (
        ReintegrationPlan.objects.filter(case=case, kind=PlanKind.TRANSITION)
        .order_by("-agreed_on")
        .first()
    )


@dataclass(frozen=True)
class PlanView:
    """A plan as a supervisor reads it in a minute: the goals, what the latest review found,
    the services and their status, the last visit, and when the next review and visit are due
    (RR-5)."""

    plan: ReintegrationPlan
    next_review_on: date
    next_visit_on: date
    review_overdue: bool
    visit_overdue: bool
    latest_review: PlanReview | None
    latest_visit: FollowUpVisit | None


def plan_view(plan: ReintegrationPlan) -> PlanView:
    """From a plan of `plans()` (its reviews and visits prefetched, newest first)."""
    today = timezone.localdate()
    reviews = list(plan.reviews.all())
    visits = list(plan.visits.all())
    next_review = reviews[0].next_review_on if reviews else plan.review_on
    next_visit = visits[0].next_visit_on if visits else plan.first_visit_on
    return PlanView(
        plan=plan,
        next_review_on=next_review,
        next_visit_on=next_visit,
        review_overdue=next_review < today,
        visit_overdue=next_visit < today,
        latest_review=reviews[0] if reviews else None,
        latest_visit=visits[0] if visits else None,
    )
