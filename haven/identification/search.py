"""Is this child already known? (ID-7, CC-15)

Searches children by name across scripts and spellings (haven.core.names), narrowed
by birth year, sex and nationality. A user sees the matching children they may see; for
matches held by agencies they cannot see, only the agency's name and country, so that they can
call that agency — never the child's details (DP-1, DP-2).

Every child on record is searched, however long ago they were registered. Each child's names are
stored as comparison keys (ChildNameKey). Two names can match only if each holds a word alike to
the other's first and last words (haven.core.names.word_anchors, WORD_FLOOR). On PostgreSQL the
search therefore looks the name's first and last words up in the register's vocabulary
(NameWord): by trigram, by the forms one letter apart and by the consonants and sound-alike
letters that the scoring gives a floor, each word handed over checked with the scoring's own
word comparison. A word that may be two words of another name ("tranglon" for "trang long") is
also split where one piece is a word of the register, and the rest looked up. An index of the
keys' words, and of neighbouring words joined, then gives the children holding one alike to the
first word and one alike to the last; their keys are scored in Python exactly as
haven.core.names scores two names. A common family name costs little: only children who also
hold a word alike to the given name are read. The narrowing kept every pair of the labelled name
set that the scoring matches (tests/identification/test_search_scale.py). Only when more than
CANDIDATES children hold such words (a very common name) are the least alike by trigram left
out, and the page says so. SQLite has no such index: there every child's keys are scored, which
is correct and slower (a SQLite installation holds one office's children).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction

from haven.accounts.access import memberships
from haven.accounts.models import Agency
from haven.cases.access import cases_for_user
from haven.cases.models import Case
from haven.children.models import Child, ChildNameKey
from haven.core.names import (
    MATCH_THRESHOLD,
    SKELETON_MIN_LENGTH,
    WHOLE,
    WORD_FLOOR,
    comparison_keys,
    keys_similarity,
    word_anchors,
    word_deletions,
    word_shapes,
    word_similarity,
)

# The most children whose keys are scored in Python for one search: the closest by trigram.
CANDIDATES = 1000
# pg_trgm similarity a word of the register must reach with a word of the name searched for to
# be compared with it. Words one letter apart, or with the same consonants or sound-alike
# letters, are compared whatever their trigrams.
VOCABULARY_THRESHOLD = 0.25
# Shorter words are looked up by their forms one letter apart and their shapes alone: a trigram
# index hands over every word that begins with the same letter for them.
TRIGRAM_MIN_LENGTH = 4
# A word of the name may be two words of another's ("tranglong", "trang long"): it is split where
# one piece is a word of the register, each piece of at least this many letters.
PIECE_MIN_LENGTH = 2


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


def _vocabulary_query(units: Sequence[str], pieces: Sequence[str]) -> tuple[str, list[Any]]:
    """The words of the vocabulary (NameWord, children migration 0009) that may be alike to
    `units`, as (unit, word) rows: (unit, word) for those its trigram index hands over for a
    unit at VOCABULARY_THRESHOLD, (NULL, word) for those one letter apart from a unit or with
    its consonants or sound-alike letters; and ('', piece) for each of `pieces` that is a word
    of the vocabulary."""
    long = [unit for unit in units if len(unit) >= TRIGRAM_MIN_LENGTH]
    arms = ["SELECT %s, word FROM children_nameword WHERE word %% %s"] * len(long)
    # One arm per index: an OR of them may be planned as a scan of every word.
    arms += [
        "SELECT NULL, word FROM children_nameword WHERE haven_word_deletions(word) && %s",
        "SELECT NULL, word FROM children_nameword WHERE haven_word_skeleton(word) = ANY(%s)",
        "SELECT NULL, word FROM children_nameword WHERE haven_word_folded(word) = ANY(%s)",
        "SELECT '', word FROM children_nameword WHERE word = ANY(%s)",
    ]
    shapes = [word_shapes(unit) for unit in units]
    params: list[Any] = [value for unit in long for value in (unit, unit)]
    params += [
        sorted({deleted for unit in units for deleted in word_deletions(unit)}),
        sorted({sk for sk, _ in shapes if len(sk) >= SKELETON_MIN_LENGTH}),
        sorted({fold for _, fold in shapes}),
        sorted(pieces),
    ]
    return " UNION ALL ".join(arms), params


def _alike_words(
    cursor: Any, units: Sequence[str], pieces: Sequence[str] = ()
) -> tuple[dict[str, set[str]], set[str]]:
    """The register's words that the scoring finds alike (WORD_FLOOR) to each of `units`, each
    word that the vocabulary hands over checked in Python, and which of `pieces` are words of the
    register. One query, in the transaction that set VOCABULARY_THRESHOLD (_alike_units)."""
    cursor.execute(*_vocabulary_query(units, pieces))
    alike: dict[str, set[str]] = {unit: set() for unit in units}
    words = set()
    for unit, word in cursor.fetchall():
        if unit == "":
            words.add(word)
            continue
        for asked in [unit] if unit is not None else units:
            if word_similarity(asked, word) >= WORD_FLOOR:
                alike[asked].add(word)
    return alike, words


def _splits(form: str) -> list[tuple[str, str]]:
    return [(form[:i], form[i:]) for i in range(PIECE_MIN_LENGTH, len(form) - PIECE_MIN_LENGTH + 1)]


def _alike_units(forms: Sequence[str], words_of_name: Set[str]) -> dict[str, set[str]]:
    """What a stored key may hold for each of `forms` if it matches: the register's words alike
    to it, and, where the stored key writes it as two words (word_units joins them), the form
    itself and, for a form that is one of the `words_of_name`, each two words of the register
    joined whose first is a piece of the form and whose second is alike to the rest, or the other
    way round. (Splitting forms that join words of the name as well found one more match in
    12,066 generated pairs, for twice the lookups.) Two queries: the second looks up the rests."""
    splits = {form: _splits(form) if form in words_of_name else [] for form in forms}
    pieces = {piece for form in forms for split in splits[form] for piece in split}
    with transaction.atomic(), connection.cursor() as cursor:
        # For this transaction only: the `%` operator reads the threshold, and a lookup of a few
        # milliseconds is not worth starting parallel workers for (5 to 10 ms each).
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true), "
            "set_config('max_parallel_workers_per_gather', '0', true)",
            [str(VOCABULARY_THRESHOLD)],
        )
        alike, words = _alike_words(cursor, forms, sorted(pieces))
        rests = {rest for form in forms for head, rest in splits[form] if head in words}
        rests |= {head for form in forms for head, rest in splits[form] if rest in words}
        rests -= set(forms)
        if rests:
            alike.update(_alike_words(cursor, sorted(rests))[0])
    units = {}
    for form in forms:
        units[form] = alike[form] | {form}
        for head, rest in splits[form]:
            if head in words:
                units[form] |= {head + word for word in alike[rest]}
            if rest in words:
                units[form] |= {word + rest for word in alike[head]}
    return units


def _closest_query(query_keys: Sequence[str]) -> tuple[str, list[Any]]:
    """The query for the keys of the children who may match the query's keys (see _closest)."""
    anchors = [anchor for key in query_keys for anchor in word_anchors(key)]
    forms = sorted({unit for pair in anchors for forms in pair for unit in forms})
    alike = _alike_units(forms, {word for key in query_keys for word in key.split()})
    holds: list[str] = []
    params: list[Any] = []
    for first, last in anchors:
        if first == last:  # one word: only a key alike as a whole can match it
            holds.append("haven_name_units(key) && %s::text[]")
            params.append(sorted(WHOLE + unit for unit in alike[first[0]]))
            continue
        words = [sorted(set().union(*(alike[unit] for unit in forms))) for forms in (first, last)]
        holds.append(
            "(haven_name_units(key) && %s::text[] AND haven_name_units(key) && %s::text[])"
        )
        params += words
    best = ", ".join(["similarity(key, %s)"] * len(query_keys))
    # Children with a common name share their keys (55,296 keys held words alike to both of
    # "Ri Saputra" at a million children, 11,597 of them distinct): each distinct key's trigram
    # similarity is worked out once. Both are MATERIALIZED, or the planner folds the similarity
    # back into the join and works it out for every row again.
    sql = (
        "WITH candidate AS MATERIALIZED ("  # noqa: S608 (Haven's own SQL and tables)
        f"SELECT child_id, key FROM children_childnamekey WHERE {' OR '.join(holds)}), "
        f"alike AS MATERIALIZED (SELECT key, greatest({best}, 0) AS best "
        "FROM (SELECT DISTINCT key FROM candidate) k), "
        "closest AS (SELECT c.child_id, max(a.best) AS best FROM candidate c "
        "JOIN alike a ON a.key = c.key GROUP BY c.child_id ORDER BY 2 DESC, c.child_id LIMIT %s) "
        # The closest children's keys in the same statement: the ORM would send their ids back
        # in a list of a thousand parameters, which took longer to send and parse than the join.
        "SELECT c.child_id, k.key FROM closest c "
        "JOIN children_childnamekey k ON k.child_id = c.child_id "
        "ORDER BY c.best DESC, c.child_id, k.id"
    )
    return sql, [*params, *query_keys, CANDIDATES + 1]


def _closest(query_keys: Sequence[str]) -> tuple[dict[int, list[str]], bool]:
    """The stored keys of the children who may match the query's keys, at most the CANDIDATES
    most alike by trigram, most alike first, and whether more than CANDIDATES may (PostgreSQL).

    A child may match only if one of their keys holds a word alike to a form of the first and
    one alike to a form of the last word of a query key (word_anchors): the index of the keys'
    words (haven_name_units, children migration 0009) is asked for exactly those."""
    query = _closest_query(query_keys)
    keys: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(*query)
        for child_id, key in cursor.fetchall():
            keys.setdefault(child_id, []).append(key)
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
