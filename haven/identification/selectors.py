"""Reads for identification. Callers pass a case already loaded through haven.cases.access."""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from haven.cases.models import CaseAssignment
from haven.identification.models import FirstStep, Screening


def met_by_assignment_q() -> Q:
    """Open steps that a current assignment already meets (case worker, interpreter, guardian)."""
    from haven.identification.services import MET_BY_ASSIGNMENT

    q = Q(pk__in=[])
    for kind, role in MET_BY_ASSIGNMENT.items():
        current = CaseAssignment.objects.filter(
            case_id=OuterRef("case_id"), role=role, ended_at__isnull=True
        )
        q |= Q(Q(kind=kind), Exists(current))
    return q


def first_steps(case: Any) -> list[dict[str, Any]]:
    """The checklist with each step's state: done, closed with a reason, met by an assignment,
    overdue, or to do by its due time."""
    from django.utils import timezone

    from haven.identification.services import MET_BY_ASSIGNMENT

    now = timezone.now()
    current = {
        a.role: a
        for a in CaseAssignment.objects.filter(case=case, ended_at__isnull=True).select_related(
            "user"
        )
    }
    rows = []
    for step in FirstStep.objects.filter(case=case).select_related("closed_by"):
        assignment = current.get(MET_BY_ASSIGNMENT.get(step.kind, ""))
        if step.status == FirstStep.Status.OPEN and assignment is not None:
            state = "met"
        elif step.status == FirstStep.Status.OPEN:
            state = "overdue" if step.due_at < now else "open"
        else:
            state = step.status
        rows.append({"step": step, "state": state, "assignment": assignment})
    return rows


def screenings(case: Any) -> QuerySet[Screening]:
    return (
        Screening.objects.filter(case=case)
        .select_related("screened_by")
        .prefetch_related("forms", "indicators")
        .order_by("-screened_at")
    )
