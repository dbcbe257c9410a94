"""Is this child already known? (ID-7, CC-15)

Searches children by name across scripts and spellings (haven.core.names), narrowed
by birth year, sex and nationality. A user sees the matching children they may see; for
matches held by agencies they cannot see, only the agency's name and country, so that they can
call that agency — never the child's details (DP-1, DP-2).

Names are scored in Python over the MAX_CANDIDATES most recently registered children, and the
page says so when there are more; at national scale the next step is a trigram index (pg_trgm)
on stored romanised keys, to narrow by name in SQL.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from haven.accounts.access import memberships
from haven.accounts.models import Agency
from haven.cases.access import cases_for_user
from haven.cases.models import Case
from haven.children.models import Child
from haven.core.names import match_candidates

MAX_CANDIDATES = 20000


@dataclass
class SearchResult:
    visible: list[tuple[Case, float]] = field(default_factory=list)
    # (agency name, country, its phone numbers): whom to call to ask whether it is the child.
    elsewhere: list[tuple[str, str, str]] = field(default_factory=list)
    # A match in a case of the user's own agency that they may not open: their supervisor can
    # say whether it is the same child. Never listed as "another agency".
    in_own_agency: list[str] = field(default_factory=list)  # agency names
    partial: bool = False  # more children than MAX_CANDIDATES: the oldest were not compared


def _names(child: Child) -> list[str]:
    """Given name and family name in their places (names.name_keys reads them by position,
    "" when missing), then the other forms."""
    others = [child.name_romanised, child.display_name, *(a.name for a in child.aliases.all())]
    return [child.given_name, child.family_name, *(n for n in others if n)]


def _fits(
    child: Child, born_from: int | None, born_to: int | None, sex: str, nationality: str
) -> bool:
    if born_from and child.birth_date and child.birth_date < date(born_from, 1, 1):
        return False
    if born_to and child.birth_date and child.birth_date > date(born_to, 12, 31):
        return False
    if sex and child.sex not in (sex, "unknown"):
        return False
    return not nationality or nationality in {n.country for n in child.nationalities.all()}


def find_children(
    user: Any,
    *,
    name: str,
    born_from: int | None = None,
    born_to: int | None = None,
    sex: str = "",
    nationality: str = "",
) -> SearchResult:
    """Match by name over every child; the birth year, sex and nationality narrow only the
    children the user may see. For the others only the agency is named, and it is named on the
    name alone: narrowing them too would let repeated searches reveal a hidden child's birth
    year, sex or nationality one question at a time (DP-1)."""
    candidates = list(
        Child.objects.prefetch_related("aliases", "nationalities").order_by("-created_at")[
            : MAX_CANDIDATES + 1
        ]
    )
    result = SearchResult(partial=len(candidates) > MAX_CANDIDATES)
    candidates = candidates[:MAX_CANDIDATES]
    matches = match_candidates([name], ((c, _names(c)) for c in candidates))
    if not matches:
        return result
    # A record merged into another (RR-6) has no case of its own: its names find the record
    # it was merged into.
    scores: dict[int, float] = {}
    children: dict[int, Child] = {}
    for child, score in matches:
        key = child.merged_into_id or child.pk
        scores[key] = max(score, scores.get(key, 0.0))
        if child.merged_into_id is None:
            children[key] = child
    missing = [pk for pk in scores if pk not in children]
    if missing:
        children |= {
            c.pk: c
            for c in Child.objects.filter(pk__in=missing).prefetch_related(
                "aliases", "nationalities"
            )
        }
    visible_cases = (
        cases_for_user(user)
        .filter(child_id__in=scores)
        .select_related("child", "lead_agency")
        .order_by("-opened_at")
    )
    seen: set[int] = set()
    for case in visible_cases:
        seen.add(case.child_id)
        if _fits(children[case.child_id], born_from, born_to, sex, nationality):
            result.visible.append((case, scores[case.child_id]))
    result.visible.sort(key=lambda row: -row[1])
    hidden = [pk for pk in scores if pk not in seen]
    own = {m.agency_id for m in memberships(user)}
    agencies = (
        Agency.objects.filter(pk__in=Case.objects.filter(child_id__in=hidden).values("lead_agency"))
        .only("pk", "name", "country", "phone", "hotline")
        .order_by("name")
    )
    for agency in agencies:
        if agency.pk in own:
            result.in_own_agency.append(agency.name)
        else:
            result.elsewhere.append((agency.name, agency.country, agency.contact_line))
    return result
