"""My cases finds a name written in another script or spelt another way, as the search for a
known child does (ID-7): each word of the search is also read into its romanised, phonetic key
and looked for in the child's stored key (Child.name_key), which every write of a name, an
other name or a merge keeps true. Only among the cases the person may see (DP-1)."""

import importlib
from typing import Any

import pytest
from django.apps import apps

from haven.cases.child_services import child_update
from haven.cases.merging import merge_decide, merge_propose, merge_undo
from haven.cases.models import Case
from haven.cases.selectors import case_list
from haven.cases.services import case_register
from haven.children.models import Child
from haven.core.names import search_key
from tests.factories import child_fields, staff

pytestmark = pytest.mark.django_db

SAME = "Fictional: the same birth certificate number and the same mother."


def _register(actor: Any, agency: Any, **names: Any) -> Case:
    return case_register(actor=actor, agency=agency, child=child_fields(**names), languages=["my"])


def _found(user: Any, query: str, scope: str = "mine") -> list[Case]:
    return list(case_list(user, query=query, scope=scope))


@pytest.fixture
def burmese(case_worker: Any, agency: Any) -> Case:
    """A boy whose name is on record in Burmese script only, with no Latin spelling."""
    return _register(case_worker, agency, given_name="အောင်ကျော်", family_name="")


@pytest.fixture
def thai(case_worker: Any, agency: Any) -> Case:
    """A boy whose name is on record in Thai script only."""
    return _register(case_worker, agency, given_name="สมชาย", family_name="ใจดี")


@pytest.mark.parametrize("query", ["Aung Kyaw", "kyaw aung", "AUNG", "Kyaw"])
def test_id7_a_latin_search_finds_a_name_written_in_burmese(
    burmese: Case, thai: Case, case: Case, case_worker: Any, query: str
) -> None:
    assert _found(case_worker, query) == [burmese]


def test_id7_a_burmese_search_finds_a_name_written_in_latin_letters(
    case_worker: Any, agency: Any, thai: Case, case: Case
) -> None:
    latin = _register(case_worker, agency, given_name="Aung Kyaw", family_name="")
    assert _found(case_worker, "အောင်ကျော်") == [latin]


@pytest.mark.parametrize("query", ["Somchai", "somchai jaidee", "Jaidee Somchai", "JAIDEE"])
def test_id7_a_latin_search_finds_a_name_written_in_thai_in_any_order(
    thai: Case, burmese: Case, case: Case, case_worker: Any, query: str
) -> None:
    assert _found(case_worker, query) == [thai]


def test_id7_a_thai_search_finds_a_name_written_in_latin_letters(
    case_worker: Any, agency: Any, burmese: Case, case: Case
) -> None:
    latin = _register(case_worker, agency, given_name="Somchai", family_name="Jaidee")
    assert _found(case_worker, "ใจดี สมชาย") == [latin]


def test_id7_a_word_in_no_script_of_the_name_finds_nothing(
    burmese: Case, thai: Case, case: Case, case_worker: Any
) -> None:
    assert _found(case_worker, "Aung Somchai") == []
    assert _found(case_worker, "Siriporn") == []


def test_id7_the_key_follows_a_name_change(thai: Case, case_worker: Any) -> None:
    child_update(case=thai, actor=case_worker, given_name="ศิริพร", family_name="แสงทอง")

    child = Child.objects.get(pk=thai.child_id)
    assert child.name_key == search_key("ศิริพร", "แสงทอง")
    assert _found(case_worker, "Siriporn Saengthong") == [thai]
    assert _found(case_worker, "Somchai") == []


def test_id7_the_key_follows_the_other_names(thai: Case, case_worker: Any) -> None:
    child_update(case=thai, actor=case_worker, aliases=["นก"])

    assert Child.objects.get(pk=thai.child_id).name_key == search_key("สมชาย", "ใจดี", "", "นก")
    assert _found(case_worker, "Nok") == [thai]

    child_update(case=thai, actor=case_worker, aliases=[])
    assert _found(case_worker, "Nok") == []
    assert Child.objects.get(pk=thai.child_id).name_key == search_key("สมชาย", "ใจดี")


def test_id7_an_edit_that_touches_no_name_leaves_the_key(thai: Case, case_worker: Any) -> None:
    before = Child.objects.get(pk=thai.child_id).name_key
    child_update(case=thai, actor=case_worker, parental_care="unaccompanied")
    assert Child.objects.get(pk=thai.child_id).name_key == before == search_key("สมชาย", "ใจดี")


def test_rr6_a_merged_records_names_find_the_kept_record_until_the_merge_is_undone(
    thai: Case, case_worker: Any, agency: Any, supervisor: Any
) -> None:
    twin = _register(case_worker, agency, given_name="Aung Kyaw", family_name="")
    merge = merge_propose(actor=case_worker, kept_case=thai, merged_case=twin, reason=SAME)
    merge = merge_decide(merge=merge, actor=supervisor, confirm=True)

    # Both cases are now of one child, known by both records' names.
    assert set(_found(case_worker, "အောင်ကျော်")) == {thai, twin}
    assert Child.objects.get(pk=thai.child_id).name_key == search_key(
        "สมชาย", "ใจดี", "", "Aung Kyaw ", ""
    )

    merge_undo(merge=merge, actor=case_worker, reason="Fictional: two different boys.")
    assert Child.objects.get(pk=thai.child_id).name_key == search_key("สมชาย", "ใจดี")
    assert _found(case_worker, "အောင်ကျော်") == [twin]  # by its own record again


def test_dp1_a_case_the_user_may_not_see_is_never_found_by_its_key(
    burmese: Case, case_worker: Any, outsider: Any, other_agency: Any, unassigned_case_worker: Any
) -> None:
    elsewhere = _register(outsider, other_agency, given_name="ကျော်", family_name="အောင်")

    assert _found(case_worker, "Aung Kyaw", scope="all") == [burmese]
    assert _found(outsider, "Aung Kyaw", scope="all") == [elsewhere]
    assert _found(unassigned_case_worker, "Aung Kyaw", scope="all") == []
    stranger = staff(other_agency, username="stranger")
    assert _found(stranger, "Aung Kyaw", scope="all") == []


def test_id7_the_migration_fills_the_key_of_children_already_on_record(
    thai: Case, burmese: Case, case_worker: Any, supervisor: Any, agency: Any
) -> None:
    child_update(case=thai, actor=case_worker, aliases=["นก"])
    twin = _register(case_worker, agency, given_name="Somchai", family_name="Jaidee")
    merge = merge_propose(actor=case_worker, kept_case=thai, merged_case=twin, reason=SAME)
    merge_decide(merge=merge, actor=supervisor, confirm=True)
    kept = dict(Child.objects.values_list("pk", "name_key"))
    Child.objects.update(name_key="")

    fill = importlib.import_module("haven.children.migrations.0006_fill_child_name_key").fill
    fill(apps, None)

    assert dict(Child.objects.values_list("pk", "name_key")) == kept
    assert "nok" in kept[thai.child_id].split()
