"""`manage.py seed_demo` builds the fictional demo through the services (DESIGN idea 1): real
audit rows, real safeguard alerts, one account for every role."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.models import Case
from haven.children.models import Child
from haven.core.demo_data import DEMO_PASSWORD
from haven.safeguards.models import Alert

pytestmark = pytest.mark.django_db


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


def test_seed_demo_creates_agencies_in_two_countries_and_a_user_for_every_role() -> None:
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


def test_seed_demo_registers_30_cases_across_stages_with_cc6_and_cc9_alerts_and_intact_audit() -> (
    None
):
    seed()

    assert Case.objects.count() >= 30
    assert Case.objects.values("stage").distinct().count() >= 4
    # Both safeguards were raised by the services, not written directly (CC-6, CC-9).
    assert {"cc6.too_many_retellings", "cc9.no_case_worker"} <= open_rule_codes()
    assert Child.objects.filter(sex="male").exists()
    assert Child.objects.filter(claims_adult=True, minority_indicators=True).exists()
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    assert verify_chain() == []


def test_seed_demo_gives_the_same_result_shape_for_another_seed() -> None:
    out = StringIO()
    call_command("seed_demo", "--seed", "12345", "--children", "35", stdout=out)

    assert Case.objects.count() == 35
    assert Case.objects.values("stage").distinct().count() >= 4
    assert {"cc6.too_many_retellings", "cc9.no_case_worker"} <= open_rule_codes()
    assert verify_chain() == []


def test_seed_demo_if_empty_leaves_a_seeded_database_unchanged() -> None:
    seed()
    before = counts()

    output = seed("--if-empty")

    assert counts() == before
    assert "no demo data added" in output


def test_seed_demo_refuses_a_non_empty_database_without_if_empty() -> None:
    seed()
    before = counts()

    with pytest.raises(CommandError, match="not empty"):
        seed()
    assert counts() == before
