"""Is this child already known? (ID-7, CC-15)

Searches children by name across scripts and spellings (haven.core.names), narrowed
by birth year, sex and nationality. A user sees the matching children they may see; for
matches held by agencies they cannot see, only the agency's name and country, so that they can
call that agency — never the child's details (DP-1, DP-2).

Every child on record is searched, however long ago they were registered. Each child's names are
stored as comparison keys (ChildNameKey). On PostgreSQL a trigram index on those keys (pg_trgm)
finds the CANDIDATES children whose keys are closest to the name searched for, among all of them;
those children's keys are then scored in Python exactly as haven.core.names scores two names.
The trigram step only narrows: at TRIGRAM_THRESHOLD it kept every pair of the labelled name set
that the scoring matches (tests/identification/test_search_scale.py). Only when more than
CANDIDATES children have names that close (a very common name) are the least alike left out, and
the page says so. SQLite has no trigram index: there every child's keys are scored, which is
correct and slower (a SQLite installation holds one office's children).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Max, Q
from django.db.models.functions import Greatest

from haven.accounts.access import memberships
from haven.accounts.models import Agency
from haven.cases.access import cases_for_user
from haven.cases.models import Case
from haven.children.models import Child, ChildNameKey
from haven.core.names import MATCH_THRESHOLD, comparison_keys, keys_similarity

# The most children whose keys are scored in Python for one search: the closest by trigram.
CANDIDATES = 1000
# pg_trgm similarity (shared trigrams over all trigrams of two keys) a child's closest key must
# reach to be scored. The lowest among the labelled name set's matched pairs is 0.40
# ("Thida Oo" written in Burmese against its romanisation); 0.3, pg_trgm's own default, keeps a
# margin below it.
TRIGRAM_THRESHOLD = 0.3
# The thresholds _closest tries, highest first (chosen at 1,000,000 children: bench/README.md).
STEPS = (0.45, TRIGRAM_THRESHOLD)


@dataclass
class SearchResult:
    visible: list[tuple[Case, float]] = field(default_factory=list)
    # (agency name, country, its phone numbers): whom to call to ask whether it is the child.
    elsewhere: list[tuple[str, str, str]] = field(default_factory=list)
    # A match in a case of the user's own agency that they may not open: their supervisor can
    # say whether it is the same child. Never listed as "another agency".
    in_own_agency: list[str] = field(default_factory=list)  # agency names
    # More than CANDIDATES children have names this close: the least alike were not compared.
    partial: bool = False


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


def _closest(query_keys: Sequence[str]) -> tuple[dict[int, list[str]], bool]:
    """The stored keys of the CANDIDATES children whose keys are closest to the query's by
    trigram, most alike first, and whether more than CANDIDATES were that close (PostgreSQL).

    The index is asked at each of STEPS in turn, highest first, and the first answer with more
    than CANDIDATES children is kept: the CANDIDATES most alike are then the same as at
    TRIGRAM_THRESHOLD, since every child it would add is less alike than all of them. A common
    name stops at a high step, where the index hands over a tenth of the keys that it would at
    the lowest; a rare one reaches the lowest, where it has few keys anyway."""
    near = Q()
    for key in query_keys:
        near |= Q(key__trigram_similar=key)
    alike = [TrigramSimilarity("key", key) for key in query_keys]
    best = Greatest(*alike) if len(alike) > 1 else alike[0]
    closest = (
        ChildNameKey.objects.filter(near)
        .values("child_id")
        .annotate(best=Max(best))
        .order_by("-best", "child_id")
        .values_list("child_id", "best")[: CANDIDATES + 1]
    )
    sql, params = closest.query.sql_with_params()
    # The closest children's keys in the same statement: the ORM would send their ids back in
    # a list of a thousand parameters, which took longer to send and parse than the join.
    with_keys = (
        f"SELECT c.child_id, k.key FROM ({sql}) c "  # noqa: S608 (Haven's own SQL and table)
        f'JOIN "{ChildNameKey._meta.db_table}" k ON k.child_id = c.child_id '
        "ORDER BY c.best DESC, c.child_id, k.id"
    )
    keys: dict[int, list[str]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for threshold in STEPS:
            # For this transaction only: the `%` operator (trigram_similar) reads the threshold.
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(threshold)]
            )
            cursor.execute(with_keys, params)
            keys = {}
            for child_id, key in cursor.fetchall():
                keys.setdefault(child_id, []).append(key)
            if len(keys) > CANDIDATES:
                break
    partial = len(keys) > CANDIDATES
    if partial:
        keys.popitem()  # the least alike, beyond CANDIDATES
    return keys, partial


def _scored(query_keys: Sequence[str], keys: Mapping[int, Sequence[str]]) -> dict[int, float]:
    """Each child whose stored keys match the query's, with the score."""
    scores = {}
    for child_id, theirs in keys.items():
        score = keys_similarity(query_keys, theirs)
        if score >= MATCH_THRESHOLD:
            scores[child_id] = score
    return scores


def _every_childs_keys() -> dict[int, list[str]]:
    """The stored keys of every child (SQLite, which has no trigram index)."""
    keys: dict[int, list[str]] = defaultdict(list)
    for child_id, key in ChildNameKey.objects.values_list("child_id", "key").iterator(5000):
        keys[child_id].append(key)
    return keys


def _matching_children(name: str) -> tuple[dict[int, float], bool]:
    """Every child (merged records included) whose names match `name`, with the score, and
    whether the search was partial."""
    query_keys = comparison_keys(name)
    if not query_keys:
        return {}, False
    if connection.vendor == "postgresql":
        keys, partial = _closest(query_keys)
        return _scored(query_keys, keys), partial
    return _scored(query_keys, _every_childs_keys()), False


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
    matches, partial = _matching_children(name)
    result = SearchResult(partial=partial)
    if not matches:
        return result
    # A record merged into another (RR-6) has no case of its own: its names find the record
    # it was merged into.
    scores: dict[int, float] = {}
    for pk, merged_into in Child.objects.filter(pk__in=matches).values_list("pk", "merged_into"):
        key = merged_into or pk
        scores[key] = max(matches[pk], scores.get(key, 0.0))
    visible_cases = (
        cases_for_user(user)
        .filter(child_id__in=scores)
        .select_related("child", "lead_agency")
        .prefetch_related("child__nationalities")
        .order_by("-opened_at")
    )
    seen: set[int] = set()
    for case in visible_cases:
        seen.add(case.child_id)
        if _fits(case.child, born_from, born_to, sex, nationality):
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
