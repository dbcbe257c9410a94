"""Is this child already known? — every child on record is searched, however many there are
(ID-7).

Each child's names are stored as comparison keys (ChildNameKey) that every write of a name keeps
true. On PostgreSQL a trigram index narrows the register to the closest keys before they are
scored; these tests run on both databases in CI, so they prove on PostgreSQL that the narrowing
loses no match that the scoring would make, on the labelled name set, and on SQLite that the
slower path scores every child. A child registered long ago is found as surely as one registered
today."""

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
from haven.children.models import Child, ChildNameKey
from haven.children.services import comparison_keys_of
from haven.core.names import MATCH_THRESHOLD, comparison_keys, similarity
from haven.identification import search
from haven.identification.search import find_children
from tests.factories import child_fields
from tests.identification.test_name_matching import load_pairs, recall_precision

pytestmark = pytest.mark.django_db
_trigram_steps = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the trigram steps are PostgreSQL's; SQLite scores every child",
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
    reason="the trigram narrowing is PostgreSQL's; SQLite scores every child, which is the scoring",
)
def test_id7_the_narrowing_keeps_every_match_of_the_labelled_name_set(
    case_worker: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each name of the labelled set is searched among all the others at once. The children
    found are exactly those whose stored keys the scoring matches: the trigram narrowing left
    none out, so recall and precision against the labels are those of the scoring alone."""
    rows = load_pairs()
    people = sorted({row[col] for row in rows for col in ("name_a", "name_b")})
    children = dict(zip(people, _bulk_children(people, case_worker), strict=True))
    stored = {c.pk: _keys(c.pk) for c in children.values()}

    narrowed, scored = [], []
    for row in rows:
        query, other = row["name_a"].split(";")[0], children[row["name_b"]]
        found, partial = search._matching_children(query)
        matches = similarity(comparison_keys(query), stored[other.pk]) >= MATCH_THRESHOLD
        assert (other.pk in found, partial) == (matches, False), (query, row["name_b"])
        narrowed.append((other.pk in found, row["same_person"] == "1"))
        scored.append((matches, row["same_person"] == "1"))

    assert recall_precision(narrowed) == recall_precision(scored)
    with capsys.disabled():
        print(
            "\nthe search with trigram narrowing: recall {:.3f}, precision {:.3f}".format(
                *recall_precision(narrowed)[:2]
            )
        )


@_trigram_steps
def test_id7_the_trigram_steps_find_the_same_closest_children_as_the_lowest_alone(
    case_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index is asked at a high threshold first and lower only when too few children are
    that alike. With room for 5 children, most names of the labelled set stop at a higher step:
    for every one, the children kept, their order, their keys and whether the search was partial
    are those that the lowest threshold alone gives (every tenth name searched, among all)."""
    monkeypatch.setattr(search, "CANDIDATES", 5)
    people = sorted({row[col] for row in load_pairs() for col in ("name_a", "name_b")})
    _bulk_children(people, case_worker)
    queries = [comparison_keys(person.split(";")[0]) for person in people[::10]]

    stepped = [search._closest(keys) for keys in queries]
    monkeypatch.setattr(search, "STEPS", (search.TRIGRAM_THRESHOLD,))
    lowest_only = [search._closest(keys) for keys in queries]

    assert [(list(keys.items()), partial) for keys, partial in stepped] == [
        (list(keys.items()), partial) for keys, partial in lowest_only
    ]
    assert sum(partial for _, partial in stepped) > len(queries) // 4  # many stopped early


@_trigram_steps
def test_id7_a_common_name_stops_at_the_first_step(
    case_worker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "CANDIDATES", 3)
    _bulk_children(["Nguyen Thi Lan"] * 5, case_worker)

    with CaptureQueriesContext(connection) as queries:
        keys, partial = search._closest(comparison_keys("Nguyen Thi Lan"))

    asked = [
        q["sql"] for q in queries.captured_queries if "pg_trgm.similarity_threshold" in q["sql"]
    ]
    assert asked == [
        f"SELECT set_config('pg_trgm.similarity_threshold', '{search.STEPS[0]}', true)"
    ]
    assert (len(keys), partial) == (3, True)


@_trigram_steps
def test_id7_a_rare_name_is_asked_down_to_the_lowest_step(case_worker: Any) -> None:
    """ "Bounmy" alone is a name that few keys are near: the steps go down to the lowest, and
    the child whose keys are only somewhat alike is still handed to the scoring."""
    (child,) = _bulk_children(["Bounmy Keomany"], case_worker)

    with CaptureQueriesContext(connection) as queries:
        keys, partial = search._closest(comparison_keys("Bounmy"))

    asked = [
        q["sql"] for q in queries.captured_queries if "pg_trgm.similarity_threshold" in q["sql"]
    ]
    assert len(asked) == len(search.STEPS)
    assert (keys, partial) == ({child.pk: _keys(child.pk)}, False)
