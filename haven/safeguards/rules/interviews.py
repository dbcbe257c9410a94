"""Interviews are minimised and counted (CC-6, VW-5)."""

from typing import Any

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from haven.safeguards.registry import AlertRule, Severity, register


def retelling_counts(cases: Any) -> Any:
    """Annotate each case with the number of times its child has told their story, counted
    across every case of the child and every agency."""
    from haven.cases.models import Interview

    per_child = (
        Interview.objects.filter(case__child_id=OuterRef("child_id"), child_told_story=True)
        .order_by()
        .values("case__child_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return cases.annotate(retellings=Coalesce(Subquery(per_child, output_field=IntegerField()), 0))


def too_many_retellings(cases: Any) -> Any:
    from haven.cases.models import Case, Interview

    threshold = settings.HAVEN_RETELLING_ALERT_THRESHOLD
    open_cases = cases.exclude(stage=Case.Stage.CLOSED)
    # One grouped pass over the interviews of these children (not a subquery per case), then
    # the open cases of the children above the limit: two queries whatever the number of cases.
    over = dict(
        Interview.objects.filter(
            child_told_story=True, case__child_id__in=open_cases.values("child_id")
        )
        .values("case__child_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=threshold)
        .values_list("case__child_id", "n")
        .order_by()
    )
    if not over:
        return []
    rows = open_cases.filter(child_id__in=list(over)).values_list("pk", "child_id")
    # The subject is the count, so each further retelling raises a new alert even after the
    # previous one was resolved with a reason.
    return [(pk, str(over[child_id])) for pk, child_id in rows]


TOO_MANY_RETELLINGS = register(
    AlertRule(
        code="cc6.too_many_retellings",
        measure_id="CC-6",
        severity=Severity.ALERT,
        title=_("The child has told their story many times"),
        message=_(
            "This child has been asked to tell their story more often than the agreed limit. "
            "Before any further interview, use the records already made, and agree with the "
            "supervisor whether the interview is needed at all."
        ),
        breaches=too_many_retellings,
        reads=("cases.Case", "cases.Interview"),
    )
)
