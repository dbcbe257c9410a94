"""Reads for cases. Every function starts from cases_for_user, so nothing here can widen access."""

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from haven.accounts.access import agencies_where
from haven.accounts.roles import Capability
from haven.audit.labels import hidden_actions
from haven.audit.models import AuditEvent
from haven.cases.access import (
    agencies_seeing_every_alert,
    cases_beyond,
    cases_for_user,
    cases_led_by,
    shown_alerts,
)
from haven.cases.models import Case, CaseAssignment, ClosureRequest, Interview
from haven.core.names import word_keys
from haven.safeguards.models import Alert


def case_list(
    user: Any,
    *,
    scope: str = "mine",
    stage: str = "",
    query: str = "",
    with_alerts: bool = False,
) -> QuerySet[Case]:
    """Cases for the "my cases" page. `scope="mine"` is the cases the user is assigned to;
    `scope="all"` is every case they may see (a supervisor's whole agency)."""
    return _listed(user, scope, stage, query, with_alerts, _shown_open_alerts(user))


def _listed(
    user: Any, scope: str, stage: str, query: str, with_alerts: bool, counted: Coalesce
) -> QuerySet[Case]:
    cases = cases_for_user(user)
    if scope == "mine":
        # The person's cases read first, as a list: as a subquery, PostgreSQL joined every open
        # case with its child and alerts before keeping the person's few (100 ms at 100,000
        # cases, against 1 ms for the same rows by their ids).
        mine = CaseAssignment.objects.filter(user=user, ended_at__isnull=True)
        cases = cases.filter(pk__in=list(mine.values_list("case_id", flat=True)))
    cases = _in_stage(cases, stage, query)
    if query:
        cases = cases.filter(_matches(query)).distinct()
    # The list is sorted by each case's open alerts, counting only those the user may read
    # (DP-9): a place in the list can tell too. Where the user sees every alert of the
    # agency's cases (a supervisor's own agency), the kept count of the case's open alerts
    # (Case.open_alert_count) is that number; for any other case it is counted, an indexed
    # count per case. Counting every case of a supervisor's agency at each request took 87 ms
    # for 32,618 open cases at 100,000 cases, and grows with the agency.
    order = SqlCase(
        When(lead_agency_id__in=agencies_seeing_every_alert(user), then=F("open_alert_count")),
        default=counted,
        output_field=IntegerField(),
    )
    cases = cases.annotate(
        alert_order=order,
        # What a line shows: the alerts the user may read, counted afresh. Only for the rows
        # read (first_of reads the page's rows by their ids; PostgreSQL evaluates it after
        # the sort and the limit).
        open_alerts=counted,
    )
    if with_alerts:
        # Exactly the cases with an open alert the user may read: not by the kept count, which
        # orders only, so that a count two writes raced over cannot hide a case from the list.
        cases = cases.filter(open_alerts__gt=0)
    return cases.select_related("child", "lead_agency").order_by(*LIST_ORDER)


# My cases' order: the most open alerts first, then the latest change of stage.
LIST_ORDER = ("-alert_order", "-stage_changed_at", "-pk")


def _in_stage(cases: QuerySet[Case], stage: str, query: str) -> QuerySet[Case]:
    if stage in Case.Stage.values:
        return cases.filter(stage=stage)
    if query:
        # Searching by name includes closed cases: a child who comes back must be found
        # (RR-6), not registered again.
        return cases
    return cases.exclude(stage=Case.Stage.CLOSED)


def _shown_open_alerts(user: Any) -> Coalesce:
    """Each case's open alerts that the user may read (DP-9), counted: an indexed count per
    case."""
    counted = (
        Alert.objects.filter(shown_alerts(user), case=OuterRef("pk"), status="open")
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def first_of(cases: QuerySet[Case], limit: int, skip: int = 0) -> list[Case]:
    """`limit` cases of `case_list` after the first `skip`, read in two steps: their ids in the
    list's order without the child and the agency joined, then those rows. In one query
    PostgreSQL joined every case the list sorts with its child before cutting (80 of 229 ms
    for a supervisor's first 200 of 32,618 open cases at 100,000 cases)."""
    ids = list(cases.select_related(None).values_list("pk", flat=True)[skip : skip + limit])
    return _rows_in_order(cases, ids)


def _rows_in_order(cases: QuerySet[Case], ids: list[int]) -> list[Case]:
    rows = {case.pk: case for case in cases.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids]


def first_page(
    user: Any,
    *,
    scope: str = "mine",
    stage: str = "",
    query: str = "",
    with_alerts: bool = False,
    limit: int,
    skip: int = 0,
) -> list[Case]:
    """`first_of(case_list(...), limit, skip)`: the same cases in the same order, read by the
    index where the list allows it. A supervisor's whole agency (no name, no alerts filter) is
    sorted by the kept count of each case's alerts: each agency where they see every alert is
    read in that order from `case_open_by_alerts_idx`, its first `skip + limit` cases only; the
    other cases they may see (shared with them) are counted as `case_list` counts them; the
    lists are merged here. `case_list` sorted every open case of the agency at each request
    (47 ms of SQL for 32,618 open cases at 100,000 cases, ten times that at a million)."""
    counted = _shown_open_alerts(user)  # the alerts this reader may read: one query to know
    listed = _listed(user, scope, stage, query, with_alerts, counted)
    every = agencies_seeing_every_alert(user)
    if scope != "all" or query or with_alerts or not every:
        return first_of(listed, limit, skip)
    wanted = skip + limit
    ordered: list[tuple[int, datetime, int]] = []
    for agency_id in every:  # one ordered index scan each: an IN list would be sorted whole
        led = _in_stage(cases_led_by(user, [agency_id]), stage, query)
        ordered += led.order_by("-open_alert_count", "-stage_changed_at", "-pk").values_list(
            "open_alert_count", "stage_changed_at", "pk"
        )[:wanted]
    beyond = _in_stage(cases_beyond(user, every), stage, query)
    ordered += (
        beyond.annotate(alert_order=counted)
        .order_by(*LIST_ORDER)
        .values_list("alert_order", "stage_changed_at", "pk")[:wanted]
    )
    ordered.sort(reverse=True)  # LIST_ORDER: every key descending
    return _rows_in_order(listed, [pk for _n, _changed, pk in ordered[skip:wanted]])


def with_list_details(cases: Iterable[Case]) -> list[Case]:
    """A page of `case_list` with what each line shows besides the case: the current case
    worker's name (`worker_first`, `worker_last`) and how many times the child has told their
    story (`retellings`, CC-6). Two queries for the page, after it is cut: as annotations they
    were computed for every case the list sorts (34,821 retelling counts for a supervisor's
    200 lines at 100,000 cases)."""
    page = list(cases)
    workers: dict[int, tuple[str, str]] = {}
    for case_id, first, last in (
        CaseAssignment.objects.current()
        .filter(case__in=page, role="case_worker")
        .order_by("case_id", "started_at")
        .values_list("case_id", "user__first_name", "user__last_name")
    ):
        workers.setdefault(case_id, (first, last))
    told = dict(
        Interview.objects.filter(
            case__child_id__in={c.child_id for c in page}, child_told_story=True
        )
        .order_by()
        .values("case__child_id")
        .annotate(n=Count("pk"))
        .values_list("case__child_id", "n")
    )
    for case in page:
        case.worker_first, case.worker_last = workers.get(case.pk, ("", ""))  # type: ignore[attr-defined]
        case.retellings = told.get(case.child_id, 0)  # type: ignore[attr-defined]
    return page


def _matches(query: str) -> Q:
    """A case whose reference is the query, with or without its "HV-", or whose child has every
    word of the query in one of their names, in any order: "Kyaw Aung" and "aung kyaw" both
    find Aung Kyaw Min, in Latin letters or in the child's own script. A word also finds the
    name written in another script or spelt another way, as the search for a known child does
    (ID-7): "Aung Kyaw" finds အောင်ကျော်, "Somchai" finds สมชาย, and the other way round."""
    query = " ".join(query.split())
    reference = query.upper()
    by_reference = Q(reference__iexact=reference) | Q(reference__iexact=f"HV-{reference}")
    by_name = Q()
    for word in query.split(" "):
        by_name &= (
            Q(child__given_name__icontains=word)
            | Q(child__family_name__icontains=word)
            | Q(child__name_romanised__icontains=word)
            | Q(child__aliases__name__icontains=word)
            | _by_name_key(word)
        )
    return by_reference | by_name


def _by_name_key(word: str) -> Q:
    """The word's romanised, phonetic key in the child's stored key (Child.name_key): each of
    its readings, every word of the reading (Burmese writes a whole name as one word)."""
    found = Q(pk__in=[])
    for reading in word_keys(word):
        every = Q()
        for key in reading:
            every &= Q(child__name_key__icontains=key)
        found |= every
    return found


def reopened_at(case: Case) -> datetime | None:
    """When the case was last reopened (its current episode began), or None: read from the
    case's row afresh, as an instance loaded before a reopening in the same request still
    holds the old value (Case.episode_started_at)."""
    return Case.objects.filter(pk=case.pk).values_list("episode_started_at", flat=True).first()


def current_assignments(case: Case) -> QuerySet[CaseAssignment]:
    return (
        CaseAssignment.objects.current()
        .filter(case=case)
        .select_related("user")
        .order_by("role", "started_at")
    )


def case_worker_history(case: Case) -> QuerySet[CaseAssignment]:
    return case.assignments.filter(role="case_worker").select_related("user").order_by("started_at")


def retelling_count(case: Case) -> int:
    """How many times the child has told their story, across all their cases (CC-6)."""
    return Interview.objects.filter(case__child_id=case.child_id, child_told_story=True).count()


def retelling_summary(case: Case) -> list[dict[str, Any]]:
    """To whom the child has told their story, for the page before a new interview (ID-6)."""
    rows = (
        Interview.objects.filter(case__child_id=case.child_id, child_told_story=True)
        .values("kind", "interviewer", "interviewer_agency", "conducted_at")
        .order_by("-conducted_at")
    )
    return [dict(row) for row in rows]


def timeline(case: Case, classes: Collection[str], limit: int = 100) -> QuerySet[AuditEvent]:
    """The case's latest events, leaving out those that tell what the reader may not read
    (`classes`, haven.cases.access.readable; DP-9)."""
    return (
        AuditEvent.objects.filter(case_id=case.pk)
        .exclude(action__in=hidden_actions(classes))
        .select_related("actor")
        .order_by("-seq")[:limit]
    )


def by_day(events: Iterable[AuditEvent]) -> list[tuple[date, list[AuditEvent]]]:
    """The timeline's events by the day they happened in the active time zone (the agency's),
    the latest day first, each day's events in the order given."""
    days: dict[date, list[AuditEvent]] = {}
    for event in events:
        days.setdefault(timezone.localdate(event.occurred_at), []).append(event)
    return sorted(days.items(), key=lambda day: day[0], reverse=True)


def closure_requests(case: Case) -> QuerySet[ClosureRequest]:
    """The case's requests to close it, newest first (RR-6)."""
    return ClosureRequest.objects.filter(case=case).select_related("created_by", "decided_by")


def pending_closure(case: Case) -> ClosureRequest | None:
    """The request to close this case that waits for approval, if any (RR-6)."""
    return (
        ClosureRequest.objects.filter(case=case, status=ClosureRequest.Status.PENDING)
        .select_related("created_by")
        .first()
    )


def closures_to_approve(user: Any) -> QuerySet[ClosureRequest]:
    """Requests to close a case that wait for this user: in the agencies where they approve
    closures, on cases they may see, and not their own requests."""
    agencies = agencies_where(user, Capability.APPROVE_CLOSURE)
    if not agencies:
        # Most readers of My cases approve nothing: the access condition below costs Django
        # about 7 ms to build, to find nothing.
        return ClosureRequest.objects.none()
    return (
        ClosureRequest.objects.filter(
            status=ClosureRequest.Status.PENDING,
            case__in=cases_for_user(user).filter(lead_agency__in=agencies),
        )
        .exclude(created_by=user)
        .select_related("case", "case__child", "created_by")
        .order_by("created_at")
    )


def other_cases(user: Any, case: Case) -> list[tuple[Case, bool]]:
    """The child's other cases, earlier and later (RR-6), with whether the user may open each:
    those they may see are linked, the others are named by their agency alone, as the search
    for a known child does (DP-1), so the worker knows whom to call."""
    others = list(
        Case.objects.filter(child_id=case.child_id)
        .exclude(pk=case.pk)
        .select_related("lead_agency")
        .order_by("-opened_at")
    )
    if not others:
        return []
    visible = set(
        cases_for_user(user).filter(pk__in=[c.pk for c in others]).values_list("pk", flat=True)
    )
    return [(c, c.pk in visible) for c in others]
