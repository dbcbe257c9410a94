"""`manage.py seed_demo` with other seeds and sizes, and its refusals; the demo as `make run`
seeds it is tested once, in tests/demo/."""

from io import StringIO
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.accounts.models import Agency, User
from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.models import Case
from haven.children.models import Child
from haven.demo.data import CHILDREN, child_specs
from haven.safeguards.models import Alert
from tests.safeguards.strict import every_write_checked

CC6 = "cc6.too_many_retellings"
CC9 = "cc9.no_case_worker"


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--seed", "7", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Agency.objects.count(),
        User.objects.count(),
        Child.objects.count(),
        Case.objects.count(),
        AuditEvent.objects.count(),
        Alert.objects.count(),
    )


def open_rule_codes() -> set[str]:
    return set(Alert.objects.filter(status=Alert.Status.OPEN).values_list("rule_code", flat=True))


@pytest.mark.slow(
    reason="seeds a second demo through every service, each write checked against a full evaluation"
)
@pytest.mark.django_db
def test_seed_demo_keeps_both_alerts_and_four_stages_for_another_seed_and_size() -> None:
    # Every write of the demo goes through a service; each must leave the alerts as a full
    # evaluation would (tests/safeguards/strict.py).
    with every_write_checked() as checked:
        call_command("seed_demo", "--seed", "12345", "--children", "12", stdout=StringIO())
    assert checked.writes["interview_record"] >= 12

    # Twelve children, one of them registered twice (the merge waits for a second person), and
    # one who came back after her case closed with a new case (RR-6).
    assert Child.objects.count() == 13
    assert Case.objects.count() == 14
    assert Case.objects.values("stage").distinct().count() >= 4
    assert {CC6, CC9} <= open_rule_codes()
    assert verify_chain() == []


def test_child_specs_beyond_the_curated_list_recombine_names_of_the_same_culture_and_sex() -> None:
    specs = child_specs(len(CHILDREN) + 10, Random(1))

    assert specs[: len(CHILDREN)] == list(CHILDREN)
    for extra in specs[len(CHILDREN) :]:
        same = [c for c in CHILDREN if c.culture == extra.culture]
        assert extra.given in {c.given for c in same if c.sex == extra.sex}
        assert extra.family in {c.family for c in same}
        assert extra.age is not None and 6 <= extra.age <= 17
    assert child_specs(40, Random(1)) == specs  # deterministic for a seed


@pytest.mark.django_db
def test_seed_demo_refuses_outside_local_dev_mode_because_the_password_is_published(
    settings: Any,
) -> None:
    settings.DEV = False

    with pytest.raises(CommandError, match="HAVEN_DEV"):
        seed()
    assert not Agency.objects.exists()
