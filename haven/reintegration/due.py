"""Recovery on the list of what is due (RR-4, RR-5): the latest safety plan's review, the
latest plan's next review (its first, or the one its last review set), and its first follow-up
visit until a visit is recorded (registered at ready())."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.cases.due import Due, due_source, with_cases
from haven.reintegration.models import (
    FollowUpVisit,
    PlanReview,
    ReintegrationPlan,
    SafetyPlan,
)


def _latest(model: Any) -> Any:
    return Subquery(
        model.objects.filter(case_id=OuterRef("case_id"))
        .order_by("-agreed_on", "-created_at")
        .values("pk")[:1]
    )


@due_source
def recovery(cases: Any, until: date) -> Iterable[Due]:
    safety = with_cases(
        SafetyPlan.objects.filter(pk=_latest(SafetyPlan), review_on__lte=until), cases
    )
    for safety_plan in safety:
        yield Due(
            case=safety_plan.case,
            on=safety_plan.review_on,
            what=_("Review the safety plan with the child"),
            url=reverse("reintegration:recovery", args=[safety_plan.case.public_id]),
            shows=SafetyPlan.ROW_SENSITIVITY,
        )
    last_review = PlanReview.objects.filter(plan_id=OuterRef("pk")).order_by(
        "-reviewed_on", "-created_at"
    )
    # Any: the annotations' types do not pass through with_cases.
    plans: Iterable[Any] = with_cases(
        ReintegrationPlan.objects.filter(pk=_latest(ReintegrationPlan)).annotate(
            next_review=Subquery(last_review.values("next_review_on")[:1]),
            visited=Exists(FollowUpVisit.objects.filter(plan_id=OuterRef("pk"))),
        ),
        cases,
    )
    for plan in plans:
        url = reverse("reintegration:recovery", args=[plan.case.public_id])
        review_on = plan.next_review or plan.review_on
        if review_on <= until:
            yield Due(
                case=plan.case,
                on=review_on,
                what=_("Review the plan: %(kind)s") % {"kind": plan.get_kind_display()},
                url=url,
                shows=ReintegrationPlan.ROW_SENSITIVITY,
            )
        if not plan.visited and plan.first_visit_on <= until:
            yield Due(
                case=plan.case,
                on=plan.first_visit_on,
                what=_("First follow-up visit"),
                url=url,
                shows=ReintegrationPlan.ROW_SENSITIVITY,
            )
