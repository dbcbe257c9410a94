"""Reads for identification. Callers pass a case already loaded through haven.cases.access."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Case as Conditional
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.cases.models import Case, CaseAssignment
from haven.children.age import years_before
from haven.children.models import ChildNationality
from haven.core.sensitivity import Sensitivity
from haven.identification.codes import Outcome
from haven.identification.models import (
    FirstStep,
    InterpreterReason,
    Screening,
    ScreeningExploitation,
)
from haven.identification.services import MET_BY_ASSIGNMENT


# First steps that a record of another area meets (ID-4): the guardian step by a guardian's
# appointment (protection), the rights step by an information session about the child's rights
# (consent), safe accommodation by a current placement the child is free to leave (placements).
# Those areas lie above identification, so each registers its record here at start-up
# (`met_by`), and the checklist, the ID-4/ID-5 alerts and the reports ask `met_q` and `_met_by`.
@dataclass(frozen=True)
class MetBy:
    # An Exists() on the meeting record, correlated on OuterRef("case_id") of the step.
    exists: Callable[[], Any]
    # What meets the step on one case, as a line for the checklist, or None.
    describe: Callable[[Any], str | None]
    # The class of that line (DP-9): a guardian's name is family information; a reader who may
    # not read it sees the step done, not by whom.
    shows: Sensitivity


_MET_BY: dict[str, MetBy] = {}


def met_by(
    kind: str,
    *,
    exists: Callable[[], Any],
    describe: Callable[[Any], str | None],
    shows: Sensitivity,
) -> None:
    """Register the record of another area that meets the first step `kind`."""
    if kind in _MET_BY:
        raise ValueError(f"first step {kind} is met by two records")
    _MET_BY[kind] = MetBy(exists=exists, describe=describe, shows=shows)


def met_q(kinds: Collection[str] | None = None) -> Q:
    """Open steps that another record already meets: a current assignment (case worker,
    interpreter), or a record another area registered (a guardian's appointment, an information
    session about the child's rights). Of the steps `kinds` only, when given: a step no record
    meets (the referral of ID-5) reads nothing."""
    q = Q(pk__in=[])
    for kind, meeting in _MET_BY.items():
        if kinds is None or kind in kinds:
            q |= Q(Q(kind=kind), meeting.exists())
    for kind, role in MET_BY_ASSIGNMENT.items():
        if kinds is None or kind in kinds:
            current = CaseAssignment.objects.current().filter(
                case_id=OuterRef("case_id"), role=role
            )
            q |= Q(Q(kind=kind), Exists(current))
    return q


def _met_by(case: Any, classes: Collection[str], kinds: Collection[str]) -> dict[str, str]:
    """What meets each step of `kinds` on this case, as a line for the checklist: empty where
    the reader may not read the class of what meets it (`classes`,
    haven.cases.access.readable). A query for the assignments if a kind is met by one, and
    one for each other kind that a record meets."""
    met: dict[str, str] = {}
    roles = {kind: role for kind, role in MET_BY_ASSIGNMENT.items() if kind in kinds}
    if roles:
        current = {
            a.role: a
            for a in CaseAssignment.objects.current()
            .filter(case=case, role__in=list(roles.values()))
            .select_related("user")
        }
        for kind, role in roles.items():
            if role in current:
                a = current[role]
                met[kind] = f"{a.user} ({a.get_role_display()})"
    for kind, meeting in _MET_BY.items():
        if kind not in kinds:
            continue
        line = meeting.describe(case)
        if line is not None:
            met[kind] = line if meeting.shows in classes else ""
    return met


def steps(case: Any) -> QuerySet[FirstStep]:
    """The case's first-step rows, for loading one through haven.cases.access.record_for."""
    return FirstStep.objects.filter(case=case).select_related("case")


def first_steps(case: Any, classes: Collection[str]) -> list[dict[str, Any]]:
    """The checklist with each step's state: done, closed with a reason, met by another record,
    overdue, or to do by its due time. `classes`: what the reader may read on the case."""
    now = timezone.now()
    steps = list(FirstStep.objects.filter(case=case).select_related("closed_by"))
    # Only an open step can be met by another record, and only by what meets its kind: a case
    # whose steps are all done or closed (most, after the first days) reads nothing more, and
    # one with a step open reads only what would meet that step.
    met = _met_by(case, classes, {s.kind for s in steps if s.status == FirstStep.Status.OPEN})
    rows = []
    for step in steps:
        met_by = met.get(step.kind)
        if step.status == FirstStep.Status.OPEN and met_by is not None:
            state = "met"
        elif step.status == FirstStep.Status.OPEN:
            state = "overdue" if step.due_at < now else "open"
        else:
            state = step.status
        rows.append({"step": step, "state": state, "met_by": met_by})
    return rows


def screenings(case: Any) -> QuerySet[Screening]:
    return (
        Screening.objects.filter(case=case)
        .select_related("screened_by")
        .prefetch_related("forms", "indicators")
        .order_by("-screened_at")
    )


def screenings_listed(case: Any) -> QuerySet[Screening]:
    """The case's screenings as the case page and its printed summary list them: when, and what
    was found, newest first. One query; the forms and indicators that `screenings` reads for a
    screening's own page took two more."""
    return (
        Screening.objects.filter(case=case)
        .only("public_id", "case_id", "screened_at", "outcome")
        .order_by("-screened_at")
    )


def screening_counts(screenings_qs: QuerySet[Screening] | None = None) -> dict[str, dict[str, int]]:
    """Counts of screenings by the dimensions along which children are overlooked (CC-16):
    sex, gender identity, age band, national or not of the screening agency's country,
    disability, form of exploitation, and outcome. A handful of grouped queries, whatever the
    number of screenings; the reports issue turns them into released statistics (with small-cell
    suppression there, not here)."""
    rows = screenings_qs if screenings_qs is not None else Screening.objects.all()
    today = timezone.localdate()

    def years_ago(n: int) -> date:
        return years_before(today, n)

    band = Conditional(
        When(case__child__birth_date__isnull=True, then=Value("unknown")),
        When(case__child__birth_date__gt=years_ago(6), then=Value("0-5")),
        When(case__child__birth_date__gt=years_ago(12), then=Value("6-11")),
        When(case__child__birth_date__gt=years_ago(15), then=Value("12-14")),
        When(case__child__birth_date__gt=years_ago(18), then=Value("15-17")),
        default=Value("18+"),
        output_field=CharField(),
    )
    national = Exists(
        ChildNationality.objects.filter(
            child_id=OuterRef("case__child_id"), country=OuterRef("case__lead_agency__country")
        )
    )
    known_nationality = Exists(ChildNationality.objects.filter(child_id=OuterRef("case__child_id")))

    def grouped(qs: Any, field: str) -> dict[str, int]:
        return {str(k): n for k, n in qs.values_list(field).annotate(n=Count("pk")).order_by()}

    return {
        "sex": grouped(rows, "case__child__sex"),
        "gender": grouped(rows, "case__child__gender"),
        "age_band": grouped(rows.annotate(band=band), "band"),
        "national": {
            ("unknown" if not known else "national" if k else "non_national"): n
            for k, known, n in rows.annotate(national=national, known=known_nationality)
            .values_list("national", "known")
            .annotate(n=Count("pk"))
            .order_by()
        },
        "disability": {
            ("disability" if k else "no_disability"): n
            for k, n in rows.values_list("case__child__has_disability")
            .annotate(n=Count("pk"))
            .order_by()
        },
        "form": grouped(
            ScreeningExploitation.objects.filter(screening__in=rows.values("pk")), "form"
        ),
        "outcome": grouped(rows, "outcome"),
    }


# Before any episode: the start of a case's first one.
FIRST_EPISODE = datetime(1990, 1, 1, tzinfo=UTC)


def episode_start(started: Any) -> Any:
    """When the case's current episode began: its last reopening (`Case.episode_started_at`),
    or the beginning of time. A child who returns (RR-6) is identified, informed and supported
    anew; what was done in an earlier episode does not count for this one. `started` refers to
    the case's `episode_started_at` (an OuterRef to it)."""
    return Coalesce(started, Value(FIRST_EPISODE), output_field=DateTimeField())


def identified_at() -> Any:
    """A subquery for annotating cases with when the child was first presumed a victim in the
    current episode: the moment the clocks of PS-1 (guardian) and PS-5 (information) start."""
    return Subquery(
        Screening.objects.filter(
            case_id=OuterRef("pk"),
            outcome=Outcome.PRESUMED_VICTIM,
            screened_at__gte=episode_start(OuterRef("episode_started_at")),
        )
        .order_by("screened_at")
        .values("screened_at")[:1]
    )


def identified_before(cases: Any, hours: int) -> Any:
    """The open cases among `cases` whose child was first presumed a victim, in the current
    episode, more than `hours` ago: where PS-1's and PS-5's clocks have run out."""
    return (
        cases.exclude(stage=Case.Stage.CLOSED)
        .annotate(identified_at=identified_at())
        .filter(identified_at__lt=timezone.now() - timedelta(hours=hours))
    )


def interpreter_reasons(case: Any) -> QuerySet[InterpreterReason]:
    """The case's interviews that needed a reason about the interpreter (CC-10), newest first:
    the case page shows each change of interpreter and each interview held without one."""
    return (
        InterpreterReason.objects.filter(case=case)
        .select_related("interview")
        .order_by("-interview__conducted_at", "-pk")
    )
