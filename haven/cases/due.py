"""What is due: every dated obligation across a person's cases, on one list (CC-9).

Each area that keeps dated obligations registers a source at start-up (`due_source`): the
first steps (identification), shelter and restriction reviews (placements), hearings
(justice), safety-plan and plan reviews and the first follow-up visit (reintegration). Those
areas lie above cases, so cases holds the registry and the page, as it does for the case
page's parts. A source answers, for a queryset of open cases, what falls due up to a day (the
overdue included), one query each. Each item names the class a reader must be able to read on
the case to see it (DP-1, DP-9): an interpreter sees a first step, not a hearing."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from haven.accounts.access import memberships
from haven.cases.access import (
    _agency_roles,
    _grant,
    cases_for_user,
    granting_assignments,
    readable,
    readable_by_case,
)
from haven.cases.models import Case, CaseAssignment
from haven.core.sensitivity import Sensitivity


@dataclass(frozen=True)
class Due:
    case: Case
    on: date  # the day it falls due, in the agency's time zone
    what: Any  # what to do, in words (a translated string)
    url: str  # the page where it is done
    shows: Sensitivity  # what a reader must read on the case to see this line


# The cases: a queryset, their keys (`case__in` takes either; keys are quicker to build), or the
# cases themselves by key when the caller has loaded them (the case page): a source then reads
# no case again (`with_cases`).
Cases = QuerySet[Case] | list[int] | dict[int, Case]
Source = Callable[[Cases, date], Iterable[Due]]
_SOURCES: list[Source] = []

# How far ahead the list looks: overdue, today, and the days to come.
WEEK = 7


def due_source(source: Source) -> Source:
    """Register a source of dated obligations (called at an area's ready())."""
    _SOURCES.append(source)
    return source


def case_keys(cases: Cases) -> QuerySet[Case] | list[int]:
    """What a source filters `case__in` (or a longer path to the case) by."""
    return list(cases) if isinstance(cases, dict) else cases


def with_cases[M: Model](rows: QuerySet[M], cases: Cases) -> Iterator[M]:
    """The rows of these cases, each with its case and the case's child: the cases given when
    the caller loaded them, else read with the rows. On the case page, reading the case and the
    child again beside each source's rows cost more to build than the rows cost to read."""
    if isinstance(cases, dict):
        for row in rows.filter(case_id__in=list(cases)):
            row.case = cases[row.case_id]  # type: ignore[attr-defined]
            yield row
    else:
        yield from rows.filter(case__in=cases).select_related("case", "case__child")


def scoped_cases(user: Any, scope: str = "mine") -> Cases:
    """Open cases the user is assigned to, or for "team" every open case they may see (a
    supervisor's agency). One's own cases are read once, as their keys: each source then
    filters by a few dozen keys instead of building the access condition into its own
    subquery (a case worker's list at 100,000 cases: 108 -> 82 ms). A team's stay a query, as
    an agency's keys would be tens of thousands."""
    cases = cases_for_user(user).exclude(stage=Case.Stage.CLOSED)
    if scope == "team":
        return cases
    assigned = CaseAssignment.objects.current().filter(user=user).values("case_id")
    return list(cases.filter(pk__in=assigned).values_list("pk", flat=True))


def _collect(cases: Cases, until: date | None) -> list[Due]:
    until = until or timezone.localdate() + timedelta(days=WEEK)
    return [item for source in _SOURCES for item in source(cases, until)]


def _ordered(items: Iterable[Due]) -> list[Due]:
    return sorted(items, key=lambda item: (item.on, item.case.reference, str(item.what)))


def due_items(user: Any, cases: Cases, until: date | None = None) -> list[Due]:
    """What falls due on these cases up to `until` (a week from today by default), overdue
    first, each line only where the user may read what it tells."""
    items = _collect(cases, until)
    readable = readable_by_case(user, list({item.case.pk: item.case for item in items}.values()))
    return _ordered(item for item in items if item.shows in readable.get(item.case.pk, frozenset()))


def due_for_case(user: Any, case: Case, classes: frozenset[Sensitivity] | None = None) -> list[Due]:
    """What falls due on one case this week, overdue first, for its case page (CC-9): the same
    lines as the "What is due" list, with the same filtering by what the user may read there. A
    closed case has nothing due. `classes` is `readable(user, case)` when the page has it
    already; a person who may read nothing on the case (who cannot see it) is told nothing.

    The sources read the one case by its key, not through cases_for_user: whether the person
    may see it is `classes`, decided by haven.cases.access, and the access filter repeated in
    each source's subquery cost more to build than the sources cost to run (at 100,000 cases,
    about 40 ms of the case page's 116 ms)."""
    classes = readable(user, case) if classes is None else classes
    if not classes or case.stage == Case.Stage.CLOSED:
        return []
    items = _collect({case.pk: case}, None)
    return _ordered(item for item in items if item.shows in classes)


def due_now_count(user: Any) -> int:
    """How many of the user's own items are overdue or due today: the menu's count."""
    return len(due_items(user, scoped_cases(user), until=timezone.localdate()))


def due_by_user(users: Iterable[Any], until: date) -> dict[int, list[Due]]:
    """What falls due up to `until` on each person's own open cases — for each, the lines
    `due_items(user, scoped_cases(user), until)` gives — in a fixed number of queries whatever
    the number of people (the e-mail digest, CC-9): one for their assignments, one per source
    over all their cases together, one for what each may read there. Their memberships are read
    once each unless prefetched to `_haven_memberships`, as the digest does. A source reads days
    in the active time zone: call it for the people of one zone at a time."""
    users = list(users)
    mine: dict[int, set[int]] = {user.pk: set() for user in users}
    assigned = (
        CaseAssignment.objects.current()
        .filter(user_id__in=list(mine))
        .exclude(case__stage=Case.Stage.CLOSED)
        .values_list("user_id", "case_id")
    )
    for user_id, case_id in assigned:
        mine[user_id].add(case_id)
    everyone = set().union(*mine.values())
    if not everyone:
        return {pk: [] for pk in mine}
    by_case: dict[int, list[Due]] = {}
    for item in _collect(Case.objects.filter(pk__in=everyone), until):
        by_case.setdefault(item.case.pk, []).append(item)
    held: dict[tuple[int, int], list[Any]] = {}
    granting = granting_assignments().filter(user_id__in=list(mine), case_id__in=list(by_case))
    for user_id, case_id, role, through, data_points in granting.values_list(
        "user_id", "case_id", "role", "agency_id", "referral__data_points"
    ):
        held.setdefault((user_id, case_id), []).append((role, through, data_points))
    found: dict[int, list[Due]] = {}
    for user in users:
        lines: list[Due] = []
        # As cases_for_user: a person no longer active, or staff nowhere, reads nothing.
        if user.is_active and memberships(user):
            for case_id in mine[user.pk] & by_case.keys():
                items = by_case[case_id]
                grant = _grant(
                    user,
                    _agency_roles(user, items[0].case.lead_agency_id),
                    held.get((user.pk, case_id), []),
                )
                lines += [item for item in items if item.shows in grant.readable]
        found[user.pk] = _ordered(lines)
    return found
