"""`manage.py seed_demo` builds the fictional demo through the services (DESIGN idea 1): real
audit rows, real safeguard alerts, one account for every role."""

from io import StringIO
from random import Random
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.models import Case
from haven.children.models import Child
from haven.consent.models import Consent
from haven.core.demo_data import CHILDREN, DEMO_PASSWORD, child_specs
from haven.protection.models import Placement
from haven.safeguards.models import Alert, Notification

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


@pytest.mark.django_db
def test_seed_demo_creates_agencies_in_two_countries_and_a_signed_up_user_for_every_role() -> None:
    output = seed()

    assert Agency.objects.count() >= 3
    assert Agency.objects.values("country").distinct().count() >= 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    users = list(User.objects.all())
    assert all(u.check_password(DEMO_PASSWORD) and not u.must_change_password for u in users)
    assert all(u.totpdevice_set.filter(confirmed=True).exists() for u in users)
    supervised = Membership.objects.filter(role=Role.CASE_WORKER, supervisor__username="supervisor")
    assert supervised.count() >= 2
    assert "http://127.0.0.1:8000" in output
    assert DEMO_PASSWORD in output
    assert "caseworker" in output and "sysadmin" in output


@pytest.mark.django_db
def test_seed_demo_opens_30_cases_in_4_stages_with_cc6_and_cc9_alerts_and_an_intact_chain() -> None:
    seed()

    assert Case.objects.count() >= 30
    assert Case.objects.values("stage").distinct().count() >= 4
    # Raised by the services' own rule evaluation, not written by the command (CC-6, CC-9).
    assert {CC6, CC9} <= open_rule_codes()
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    assert verify_chain() == []
    # The children vary the way a real caseload does.
    assert Child.objects.filter(sex="male").count() >= 10  # CC-16: boys are not overlooked
    assert Child.objects.filter(claims_adult=True, minority_indicators=True).count() >= 2
    assert Child.objects.filter(has_disability=True).exists()
    khmer = Child.objects.get(name_romanised="Sok Dara")
    assert khmer.given_name == "ដារ៉ា"
    assert list(khmer.languages.values_list("language", flat=True)) == ["km", "th"]
    # Protection and placements: one child in immigration detention, escalated (ND-2); the
    # gaps a real caseload has (CC-1, CC-5, CC-11, ND-1, PS-5).
    assert {
        "nd2.child_detained",
        "nd1.non_punishment",
        "cc1.placement_needs_bid",
        "cc5.special_needs_unaddressed",
        "cc11.education_offered",
        "ps5.no_written_copy",
    } <= open_rule_codes()
    assert Placement.objects.current().filter(type="immigration_detention").count() == 1
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "supervisor",
        "cpofficer",
    }
    examination = Consent.objects.get(purpose="medical_examination")
    assert (examination.grants, examination.child_answer) == (True, "agrees")
    assert Consent.objects.filter(purpose="research", withdrawn_at__isnull=False).count() == 1


@pytest.mark.django_db
def test_seed_demo_if_empty_changes_nothing_and_a_plain_rerun_is_refused() -> None:
    seed("--children", "5")  # any seeded database will do; a small one keeps the test fast
    before = counts()

    output = seed("--if-empty")
    assert counts() == before
    assert "no demo data added" in output

    with pytest.raises(CommandError, match="not empty"):
        seed()
    assert counts() == before


@pytest.mark.django_db
def test_seed_demo_keeps_both_alerts_and_four_stages_for_another_seed_and_size() -> None:
    call_command("seed_demo", "--seed", "12345", "--children", "12", stdout=StringIO())

    assert Case.objects.count() == 12
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
