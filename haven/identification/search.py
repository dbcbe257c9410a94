"""Is this child already known? (ID-7, CC-15)

Searches children by name across scripts and spellings (haven.identification.names), narrowed
by birth year, sex and nationality. A user sees the matching children they may see; for
matches held by agencies they cannot see, only the agency's name and country, so that they can
call that agency — never the child's details (DP-1, DP-2).

Candidates are narrowed in SQL by the structured filters, then scored in Python over at most
MAX_CANDIDATES children; at national scale the next step is a trigram index (pg_trgm) on
stored romanised keys to narrow by name in SQL too.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from haven.cases.access import cases_for_user
from haven.cases.models import Case
from haven.children.models import Child

MAX_CANDIDATES = 20000


@dataclass
class SearchResult:
    visible: list[tuple[Case, float]] = field(default_factory=list)
    elsewhere: list[tuple[str, str]] = field(default_factory=list)  # (agency name, country)


def _names(child: Child) -> list[str]:
    """Given name and family name in their places (names.name_keys reads them by position,
    "" when missing), then the other forms."""
    others = [child.name_romanised, child.display_name, *(a.name for a in child.aliases.all())]
    return [child.given_name, child.family_name, *(n for n in others if n)]


def find_children(
    user: Any,
    *,
    name: str,
    born_from: int | None = None,
    born_to: int | None = None,
    sex: str = "",
    nationality: str = "",
) -> SearchResult:
    from haven.identification.names import match_candidates

    children = Child.objects.all()
    if born_from:
        children = children.exclude(birth_date__lt=date(born_from, 1, 1))
    if born_to:
        children = children.exclude(birth_date__gt=date(born_to, 12, 31))
    if sex:
        children = children.filter(sex__in=[sex, "unknown"])
    if nationality:
        children = children.filter(nationalities__country=nationality).distinct()
    candidates = children.prefetch_related("aliases").order_by("-created_at")[:MAX_CANDIDATES]
    matches = match_candidates([name], ((c, _names(c)) for c in candidates))
    if not matches:
        return SearchResult()
    scores = {child.pk: score for child, score in matches}
    visible_cases = (
        cases_for_user(user)
        .filter(child_id__in=scores)
        .select_related("child", "lead_agency")
        .order_by("-opened_at")
    )
    result = SearchResult()
    seen: set[int] = set()
    for case in visible_cases:
        result.visible.append((case, scores[case.child_id]))
        seen.add(case.child_id)
    result.visible.sort(key=lambda row: -row[1])
    hidden = [pk for pk in scores if pk not in seen]
    agencies = (
        Case.objects.filter(child_id__in=hidden)
        .values_list("lead_agency__name", "lead_agency__country")
        .distinct()
        .order_by("lead_agency__name")
    )
    result.elsewhere = list(agencies)
    return result
