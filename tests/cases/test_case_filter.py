"""The "My cases" search (a fault a new user met): a child is found by part of their name in
any order, in Latin letters or their own script, and a case by its reference with or without
"HV-". Filters arrive by POST (DP-13)."""

import pytest
from django.test import Client

from haven.cases.selectors import case_list
from haven.cases.services import case_register
from tests.conftest import signed_in
from tests.factories import child_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def aung(case_worker, agency):  # type: ignore[no-untyped-def]
    return case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            given_name="အောင်ကျော်", family_name="မင်း", name_romanised="Aung Kyaw Min"
        ),
        nationalities=["MM"],
        languages=["my"],
        summary="Fictional summary.",
    )


@pytest.mark.parametrize(
    "query",
    ["Aung Kyaw", "kyaw aung", "  Min   Aung ", "အောင်ကျော်", "မင်း အောင်ကျော်", "kyaw"],
)
def test_id7_my_cases_finds_a_child_by_part_of_the_name_in_any_order(
    aung, case, case_worker, query
):
    assert list(case_list(case_worker, query=query)) == [aung]


def test_id7_a_word_not_in_the_name_finds_nothing(aung, case_worker):
    assert list(case_list(case_worker, query="Aung Somchai")) == []


def test_my_cases_finds_a_reference_with_or_without_its_prefix(aung, case, case_worker):
    bare = case.reference.removeprefix("HV-")
    for query in (case.reference, bare, bare.lower()):
        assert list(case_list(case_worker, query=query)) == [case]


def test_dp13_the_page_filters_by_post_and_lists_the_child(aung, case_worker):
    page = signed_in(Client(), case_worker).post("/cases/", {"q": "kyaw aung"})
    assert page.status_code == 200
    assert str(aung.public_id) in page.content.decode()
