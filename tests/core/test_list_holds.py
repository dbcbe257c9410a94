"""haven.core.models.ListHolds: whether a JSON list of codes holds a code, in SQL, the same on
SQLite and PostgreSQL (the CC-10 rules compare working languages with it)."""

import pytest
from django.db.models import CharField, Value

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.core.models import ListHolds
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(agency):  # type: ignore[no-untyped-def]
    staff(agency, Role.CASE_WORKER, username="thai_burmese", languages=["th", "my"])
    staff(agency, Role.CASE_WORKER, username="khmer", languages=["km"])
    staff(agency, Role.CASE_WORKER, username="none_recorded", languages=[])


def _holding(code: str) -> set[str]:
    held = ListHolds("languages", Value(code, output_field=CharField()))
    return set(User.objects.filter(held).values_list("username", flat=True))


def test_a_list_holds_each_of_its_codes_and_nothing_else(people) -> None:  # type: ignore[no-untyped-def]
    assert _holding("my") == {"thai_burmese"}
    assert _holding("th") == {"thai_burmese"}
    assert _holding("km") == {"khmer"}
    assert _holding("shn") == set()


def test_a_part_of_a_code_or_of_the_list_text_is_not_held(people) -> None:  # type: ignore[no-untyped-def]
    assert _holding("m") == set()
    assert _holding('"my"') == set()
    assert _holding("th, my") == set()
