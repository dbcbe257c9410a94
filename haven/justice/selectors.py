"""Reading the justice area for the pages and the API. Every row here is a legal matter: callers
load the case through haven.cases.access, and a reader who may not read LEGAL on it gets no
row (`parts` returns nothing, `part_for` answers 404)."""

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from haven.accounts.models import User
from haven.cases.access import cases_for_user, readable, readable_by_case, record_for
from haven.cases.models import AssignmentRole, Case, CaseAssignment
from haven.consent.models import InformationSession, Topic
from haven.core.sensitivity import Sensitivity
from haven.decisions.models import Decision
from haven.justice.models import (
    ChildInProceeding,
    Compensation,
    Hearing,
    HearingAttendance,
    Participation,
    Proceeding,
    ProceedingStatement,
)


def may_read(user: Any, case: Case) -> bool:
    return Sensitivity.LEGAL in readable(user, case)


def parts(case: Case) -> QuerySet[ChildInProceeding]:
    """The child's parts in proceedings, with what the Justice page shows of each."""
    return (
        ChildInProceeding.objects.filter(case=case)
        .select_related("proceeding")
        .prefetch_related(
            Prefetch("proceeding__hearings", queryset=Hearing.objects.order_by("held_on")),
            "proceeding__events",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("decision", "information_session"),
            ),
            Prefetch(
                "attendances",
                queryset=HearingAttendance.objects.select_related("hearing", "support_user"),
            ),
            Prefetch(
                "statements",
                queryset=ProceedingStatement.objects.select_related("interview"),
            ),
            "updates",
            "risk_assessments",
            "compensations",
        )
        .order_by("-proceeding__opened_on", "pk")
    )


def part_for(user: Any, case: Case, public_id: UUID | str) -> ChildInProceeding:
    """The child's part in one proceeding, by its public ID; 404 alike when missing, of another
    case, or when the reader may not read legal matters (DP-1)."""
    return record_for(
        user,
        case,
        ChildInProceeding.objects.filter(case=case).select_related("proceeding"),
        public_id,
    )


def hearing_of(part: ChildInProceeding, public_id: UUID | str) -> Hearing:
    try:
        return Hearing.objects.get(proceeding_id=part.proceeding_id, public_id=public_id)
    except (Hearing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def compensation_of(part: ChildInProceeding, public_id: UUID | str) -> Compensation:
    try:
        return Compensation.objects.get(child_in_proceeding=part, public_id=public_id)
    except (Compensation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def joinable(user: Any, case: Case) -> QuerySet[Proceeding]:
    """Proceedings this child may be added to: those of the other cases of the case's lead
    agency that the user may see and read legal matters on, not already the child's."""
    others = list(
        cases_for_user(user).filter(lead_agency_id=case.lead_agency_id).exclude(pk=case.pk)[:500]
    )
    classes = readable_by_case(user, others)
    legal = [c.pk for c in others if Sensitivity.LEGAL in classes[c.pk]]
    return (
        Proceeding.objects.filter(children__case_id__in=legal)
        .exclude(children__case=case)
        .distinct()
        .order_by("-opened_on")
    )


def legal_sessions(case: Case) -> list[InformationSession]:
    """Information sessions that told the child about the legal process and the right to
    decline (VW-2): the ones a participation may rest on. (Topics are a JSON list, which
    SQLite cannot search in SQL; a child has a handful of sessions.)"""
    sessions = InformationSession.objects.filter(case=case).order_by("-given_at")
    return [s for s in sessions if Topic.LEGAL_PROCESS in s.topics]


def legal_determinations(case: Case) -> QuerySet[Decision]:
    return Decision.objects.filter(
        case=case, kind=Decision.Kind.BID, subject=Decision.Subject.LEGAL_PARTICIPATION
    ).order_by("-decided_on")


def support_people(case: Case) -> QuerySet[User]:
    """Haven users assigned to the case as support person (VW-3)."""
    assigned = CaseAssignment.objects.current().filter(
        case=case, role=AssignmentRole.SUPPORT_PERSON
    )
    return User.objects.filter(pk__in=assigned.values("user_id")).order_by(
        "first_name", "last_name"
    )
