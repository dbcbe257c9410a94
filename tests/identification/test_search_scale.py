"""Is this child already known? — every child on record is searched, however many there are
(ID-7).

Each child's names are stored as comparison keys (ChildNameKey) that every write of a name keeps
true. On PostgreSQL the register is narrowed to the children holding words alike to the first
and last words of the name (a vocabulary of words kept by triggers, and an index of the keys'
words) before their keys are scored; these tests run on both databases in CI, so they prove on
PostgreSQL that the narrowing loses no match that the scoring would make, on the labelled name
set, and on SQLite that the slower path scores every child. A child registered long ago is found
as surely as one registered today."""

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.cases.child_services import child_update
from haven.cases.merging import merge_decide, merge_propose
from haven.cases.models import Case
from haven.cases.retention import apply_retention
from haven.cases.services import case_register
from haven.children.models import Child, ChildNameKey, NameWord
from haven.children.services import comparison_keys_of
from haven.core import names
from haven.core.names import (
    MATCH_THRESHOLD,
    comparison_keys,
    similarity,
    word_deletions,
    word_shapes,
    word_units,
)
from haven.identification import search
from haven.identification.search import find_children
from tests.factories import child_fields
from tests.identification.test_name_matching import load_pairs, recall_precision

pytestmark = pytest.mark.django_db
_word_index = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the vocabulary and the words index are PostgreSQL's; SQLite scores every child",
)


def _register(actor: Any, agency: Any, given: str, family: str = "", **extra: Any) -> Case:
    return case_register(
        actor=actor,
        agency=agency,
        child=child_fields(given_name=given, family_name=family),
        **extra,
    )


def _keys(child_id: int) -> list[str]:
    return sorted(ChildNameKey.objects.filter(child_id=child_id).values_list("key", flat=True))


def _bulk_children(people: list[str], user: Any) -> list[Child]:
    """Children with their comparison keys only, as the bench generator writes them: the scale
    tests need hundreds, and the search reads only the keys and the cases. A person is written as
    in name_pairs.csv: the name, then other names after ";"."""
    split = [person.split(";") for person in people]
    children = Child.objects.bulk_create(
        [Child(given_name=n, family_name="", created_by=user, updated_by=user) for n, *_ in split]
    )
    ChildNameKey.objects.bulk_create(
        [
            ChildNameKey(child=child, key=key)
            for child, (_, *aliases) in zip(children, split, strict=True)
            for key in comparison_keys_of(child, aliases)
        ]
    )
    return children


# --- the stored keys ---------------------------------------------------------------------------


def test_id7_a_registered_child_has_the_keys_of_every_name(case_worker: Any, agency: Any) -> None:
    case = _register(case_worker, agency, "ศิริพร", "แสงทอง", aliases=["นก"])

    expected = comparison_keys("ศิริพร", "แสงทอง", "ศิริพร แสงทอง", "นก")
    assert _keys(case.child_id) == sorted(expected)
    assert "siripon sengtong" in expected  # romanised and folded, as the scoring compares it


def test_id7_the_keys_follow_a_name_change_and_the_other_names(
    case_worker: Any, agency: Any
) -> None:
    case = _register(case_worker, agency, "สมชาย", "ใจดี")

    child_update(case=case, actor=case_worker, given_name="ศิริพร", family_name="แสงทอง")
    assert _keys(case.child_id) == sorted(comparison_keys("ศิริพร", "แสงทอง", "ศิริพร แสงทอง"))
    child_update(case=case, actor=case_worker, aliases=["นก"])
    assert _keys(case.child_id) == sorted(comparison_keys("ศิริพร", "แสงทอง", "ศิริพร แสงทอง", "นก"))
    assert find_children(case_worker, name="Nok Saengthong").visible == [(case, pytest.approx(1.0))]


def test_id7_an_edit_that_touches_no_name_writes_no_key(case_worker: Any, agency: Any) -> None:
    case = _register(case_worker, agency, "สมชาย", "ใจดี")
    before = list(ChildNameKey.objects.filter(child=case.child).values_list("pk", "key"))

    child_update(case=case, actor=case_worker, parental_care="unaccompanied")

    assert list(ChildNameKey.objects.filter(child=case.child).values_list("pk", "key")) == before


def test_rr6_a_merged_records_names_find_the_kept_record(
    case_worker: Any, agency: Any, supervisor: Any
) -> None:
    kept = _register(case_worker, agency, "สมชาย", "ใจดี")
    twin = _register(case_worker, agency, "Aung Kyaw")
    merge = merge_propose(
        actor=case_worker, kept_case=kept, merged_case=twin, reason="Fictional: same mother."
    )
    merge_decide(merge=merge, actor=supervisor, confirm=True)

    found = [case.child_id for case, _ in find_children(case_worker, name="အောင်ကျော်").visible]
    assert found == [kept.child_id, kept.child_id]  # both cases are now of the kept child


def test_dp8_retention_erases_the_keys_with_the_names(case_worker: Any, agency: Any) -> None:
    case = _register(case_worker, agency, "Mali", "Sombat")
    case.stage = "closed"
    case.closed_at = timezone.now()
    case.save(update_fields=["stage", "closed_at"])

    apply_retention(today=timezone.localdate() + timedelta(days=366 * 30))

    assert set(ChildNameKey.objects.filter(child=case.child).values_list("key", flat=True)) == {
        "[erased]"
    }
    assert find_children(case_worker, name="Mali Sombat").visible == []


def test_id7_the_migration_fills_the_keys_of_children_already_on_record(
    case_worker: Any, agency: Any
) -> None:
    thai = _register(case_worker, agency, "สมชาย", "ใจดี", aliases=["นก"])
    burmese = _register(case_worker, agency, "အောင်ကျော်")
    kept = {pk: _keys(pk) for pk in (thai.child_id, burmese.child_id)}
    ChildNameKey.objects.all().delete()

    migration = importlib.import_module("haven.children.migrations.0008_fill_child_name_keys")
    migration.fill(apps, None)

    assert {pk: _keys(pk) for pk in kept} == kept


# --- every child is searched -------------------------------------------------------------------


def test_id7_the_first_child_ever_registered_is_found_among_many(
    case_worker: Any, agency: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search used to compare only the most recently registered children: the oldest were
    silently not found. Now the closest names are compared, whenever they were registered."""
    monkeypatch.setattr(search, "CANDIDATES", 3)
    first = _register(case_worker, agency, "Phonesavanh", "Xayavong")
    Child.objects.filter(pk=first.child_id).update(created_at=timezone.now() - timedelta(days=3650))
    _bulk_children([f"Bounmy Keo{n:03d}" for n in range(200)], case_worker)

    result = find_children(case_worker, name="ພອນສະຫວັນ ໄຊຍະວົງ")

    assert [case for case, _ in result.visible] == [first]
    assert result.partial is False


def test_id7_a_very_common_name_says_the_search_was_partial(
    case_worker: Any, agency: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "CANDIDATES", 3)
    _bulk_children(["Nguyen Thi Lan"] * 5, case_worker)

    matches, partial = search._matching_children("Nguyen Thi Lan")

    if connection.vendor == "postgresql":
        assert (len(matches), partial) == (3, True)  # the index gave the 3 closest of 5
    else:
        assert (len(matches), partial) == (5, False)  # SQLite scores every child


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the cut is PostgreSQL's; SQLite scores every child",
)
def test_id7_a_cut_search_keeps_the_most_alike_names_and_then_the_earliest_registered(
    case_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Children who share a name share its keys, and each distinct key is ranked once: the
    children kept are still those of the most alike names first, then those registered first,
    each with all their keys."""
    monkeypatch.setattr(search, "CANDIDATES", 3)
    lanh = _bulk_children(["Nguyen Thi Lanh"] * 2, case_worker)
    lan = _bulk_children(["Nguyen Thi Lan"] * 2, case_worker)
    _bulk_children(["Nguyen Thi Lanh"] * 2, case_worker)

    keys, partial = search._closest(comparison_keys("Nguyen Thi Lan"))

    assert list(keys) == [lan[0].pk, lan[1].pk, lanh[0].pk]
    assert {pk: sorted(theirs) for pk, theirs in keys.items()} == {
        child.pk: _keys(child.pk) for child in [*lan, lanh[0]]
    }
    assert partial is True


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the narrowing is PostgreSQL's; SQLite scores every child, which is the scoring",
)
def test_id7_the_narrowing_keeps_every_match_of_the_labelled_name_set(
    case_worker: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each name of the labelled set is searched among all the others at once. The children
    found are exactly those whose stored keys the scoring matches: the narrowing (the words
    alike to the first and last words) left none out, so recall and precision against the
    labels are those of the scoring alone."""
    rows = load_pairs()
    people = sorted({row[col] for row in rows for col in ("name_a", "name_b")})
    children = dict(zip(people, _bulk_children(people, case_worker), strict=True))
    stored = {c.pk: _keys(c.pk) for c in children.values()}

    narrowed, scored = [], []
    searched = {}
    for row in rows:
        query, other = row["name_a"].split(";")[0], children[row["name_b"]]
        if query not in searched:  # 242 names of 320 rows
            searched[query] = search._matching_children(query)
        found, partial = searched[query]
        matches = similarity(comparison_keys(query), stored[other.pk]) >= MATCH_THRESHOLD
        assert (other.pk in found, partial) == (matches, False), (query, row["name_b"])
        narrowed.append((other.pk in found, row["same_person"] == "1"))
        scored.append((matches, row["same_person"] == "1"))

    assert recall_precision(narrowed) == recall_precision(scored)
    with capsys.disabled():
        print(
            "\nthe search with its narrowing: recall {:.3f}, precision {:.3f}".format(
                *recall_precision(narrowed)[:2]
            )
        )


@_word_index
def test_id7_the_words_index_is_the_python_units_and_shapes(case_worker: Any) -> None:
    """The database's words of a key, and shapes and forms one letter apart of a word, are
    haven.core.names' own, for every key of the labelled name set."""
    people = sorted({row[col] for row in load_pairs() for col in ("name_a", "name_b")})
    keys = {key for person in people for key in comparison_keys(*person.split(";"))}
    # Every particle and title, at the start, in the middle and alone.
    for optional in sorted(names._PARTICLES | names._TITLES):
        keys |= {f"{optional} lan nguyen", f"lan {optional} nguyen", f"{optional} {optional} ko"}
        keys |= {optional, f"ma {optional}", f"{optional} ti lan ma"}
    keys = sorted(keys)
    words = sorted({word for key in keys for word in key.split()})
    with connection.cursor() as cursor:
        cursor.execute("SELECT k, haven_name_units(k) FROM unnest(%s::text[]) AS k", [keys])
        units = dict(cursor.fetchall())
        cursor.execute(
            "SELECT w, haven_word_skeleton(w), haven_word_folded(w) FROM unnest(%s::text[]) AS w",
            [words],
        )
        shapes = {w: (skeleton, folded) for w, skeleton, folded in cursor.fetchall()}

    with connection.cursor() as cursor:
        cursor.execute("SELECT w, haven_word_deletions(w) FROM unnest(%s::text[]) AS w", [words])
        deletions = dict(cursor.fetchall())

    assert units == {key: word_units(key) for key in keys}
    assert shapes == {word: word_shapes(word) for word in words}
    assert deletions == {word: word_deletions(word) for word in words}


def _vocabulary() -> set[str]:
    return set(NameWord.objects.values_list("word", flat=True))


def _words_of(*cases: Case) -> set[str]:
    return {word for case in cases for key in _keys(case.child_id) for word in key.split()}


@_word_index
def test_id7_the_vocabulary_holds_the_words_of_every_key_written(
    case_worker: Any, agency: Any
) -> None:
    case = _register(case_worker, agency, "Bounmy", "Keomany")

    assert {"bunmi", "keomani"} <= _vocabulary()
    assert _vocabulary() == _words_of(case)


@_word_index
def test_id7_a_changed_name_leaves_only_the_words_another_child_still_holds(
    case_worker: Any, agency: Any
) -> None:
    kept = _register(case_worker, agency, "Bounmy", "Keomany")
    changed = _register(case_worker, agency, "Somsak", "Keomany")

    child_update(actor=case_worker, case=changed, given_name="Sompong")

    words = _vocabulary()
    assert {"sompong", "keomani", "bunmi"} <= words  # "keomani" is still Bounmy's
    assert "somsak" not in words
    assert words == _words_of(kept, changed)


@_word_index
def test_dp8_retention_erases_the_words_of_the_names_from_the_vocabulary(
    case_worker: Any, agency: Any
) -> None:
    case = _register(case_worker, agency, "Bounmy", "Keomany")
    other = _register(case_worker, agency, "Lan", "Keomany")
    case.stage = "closed"
    case.closed_at = timezone.now()
    case.save(update_fields=["stage", "closed_at"])

    apply_retention(today=timezone.localdate() + timedelta(days=366 * 30))

    words = _vocabulary()
    assert "bunmi" not in words
    # The erased keys' marker is a word of the vocabulary too; it is no one's name.
    assert words == {"[erased]"} | _words_of(other)


@_word_index
def test_id7_a_word_spelt_with_other_vowels_is_found_whatever_its_trigrams(
    case_worker: Any,
) -> None:
    """ "sirapan" shares three trigrams of thirteen with "siripon" (0.23, below
    VOCABULARY_THRESHOLD) and is two letters away, but the scoring gives two words with the same
    consonants a floor above WORD_FLOOR: the vocabulary is also asked by consonants, and the
    child is handed to the scoring."""
    (child,) = _bulk_children(["Siriporn Saengthong"], case_worker)

    units = search._alike_units(["sirapan"], {"sirapan"})
    keys, partial = search._closest(comparison_keys("Sirapan Saengthong"))

    assert units == {"sirapan": {"sirapan", "siripon"}}
    assert (keys, partial) == ({child.pk: _keys(child.pk)}, False)


@_word_index
def test_id7_a_shared_family_name_alone_hands_over_no_child(case_worker: Any) -> None:
    """Only children holding a word alike to the first and one alike to the last word are read:
    those who share the family name alone are not, however many they are."""
    nguyen = _bulk_children(["Lan Nguyen", "Minh Nguyen", "Duc Tranglong Nguyen"], case_worker)

    keys, partial = search._closest(comparison_keys("Duc Nguyen"))

    assert (list(keys), partial) == ([nguyen[2].pk], False)


@_word_index
def test_id7_a_short_word_one_letter_apart_is_found_whatever_its_trigrams(
    case_worker: Any,
) -> None:
    """ "tida" and "tia" share two trigrams of seven (0.29) and a short word is not looked up by
    trigram at all: the forms one letter apart ("tia") find it."""
    (child,) = _bulk_children(["Tia Twe"], case_worker)

    keys, partial = search._closest(comparison_keys("Tida Twe"))

    assert (keys, partial) == ({child.pk: _keys(child.pk)}, False)


@_word_index
def test_id7_one_word_of_the_name_may_be_two_words_of_the_register(case_worker: Any) -> None:
    """ "Tranglon" is "Trang Long" written together with a letter left out: the vocabulary holds
    "trang", which leaves "lon", alike to "long", and the keys' index holds "trang long" joined."""
    (child,) = _bulk_children(["Trang Long Nguyen"], case_worker)

    units = search._alike_units(["tranglon"], {"tranglon"})
    keys, partial = search._closest(comparison_keys("Tranglon Nguyen"))

    assert "tranglong" in units["tranglon"]
    assert (keys, partial) == ({child.pk: _keys(child.pk)}, False)


@_word_index
def test_id7_the_search_asks_three_queries_whatever_the_register(case_worker: Any) -> None:
    """The vocabulary, the rest of each word split where a piece is a word of the register
    ("tranglong": "trang" and "long"), and the keys: the same three for a register of 4
    children and of 80 (and the threshold set for the lookups' transaction)."""
    counts = []
    for times in (1, 19):
        _bulk_children(
            ["Lan Nguyen", "Minh Nguyen", "Trang Long", "Duc Nguyen"] * times, case_worker
        )
        with CaptureQueriesContext(connection) as queries:
            search._closest(comparison_keys("Tranglong Nguyen"))
        counts.append(len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]))

    assert counts == [4, 4]
