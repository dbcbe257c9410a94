"""`manage.py seed_demo` builds the fictional demo through the services (DESIGN idea 1): real
audit rows, real safeguard alerts, one account for every role. Every test here reads the one
demo seeded for the package (tests/demo/conftest.py)."""

import pytest
from django.core.management.base import CommandError

from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.access import cases_for_user, readable
from haven.cases.models import Case
from haven.children.models import Child
from haven.consent.models import Consent
from haven.demo.data import DEMO_PASSWORD
from haven.directory.models import Referral, ServiceOffer, SharingAssessment
from haven.placements.models import Placement
from haven.reports.models import Release
from haven.reports.services import is_authorised
from haven.safeguards.models import Notification
from tests.core.test_seed_demo import CC6, CC9, counts, open_rule_codes, seed

# One worker seeds the demo once for the package (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def test_seed_demo_creates_agencies_in_two_countries_and_a_signed_up_user_for_every_role(
    demo: str,
) -> None:
    assert Agency.objects.count() >= 3
    assert Agency.objects.values("country").distinct().count() >= 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    users = list(User.objects.all())
    assert all(u.check_password(DEMO_PASSWORD) and not u.must_change_password for u in users)
    assert all(u.totpdevice_set.filter(confirmed=True).exists() for u in users)
    supervised = Membership.objects.filter(role=Role.CASE_WORKER, supervisor__username="supervisor")
    assert supervised.count() >= 2
    assert "http://127.0.0.1:8000" in demo
    assert DEMO_PASSWORD in demo
    assert "caseworker" in demo and "sysadmin" in demo


def test_seed_demo_opens_30_cases_in_4_stages_with_cc6_and_cc9_alerts_and_an_intact_chain(
    demo: str,
) -> None:
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


def test_seed_demo_if_empty_changes_nothing_and_a_plain_rerun_is_refused(demo: str) -> None:
    before = counts()

    output = seed("--if-empty")
    assert counts() == before
    assert "no demo data added" in output

    with pytest.raises(CommandError, match="not empty"):
        seed()
    assert counts() == before


def test_cc15_seed_demo_fills_the_directory_and_leaves_one_referral_waiting(demo: str) -> None:
    assert ServiceOffer.objects.count() == 12
    assert ServiceOffer.objects.values("agency").distinct().count() == 3
    assert SharingAssessment.objects.filter(approved=True).count() == 4
    accepted = Referral.objects.get(status="accepted")
    assert Referral.objects.filter(status="sent").count() == 1
    # The demo psychologist opens the accepted child's case, reading only what was agreed.
    psychologist = accepted.accepted_by
    assert psychologist.username == "psychologist"
    assert cases_for_user(psychologist).filter(pk=accepted.case_id).exists()
    assert readable(psychologist, accepted.case) == frozenset({"basic", "identity", "health"})
    assert verify_chain() == []


def test_dp12_demo_has_one_authorised_release_and_one_waiting(demo: str) -> None:
    releases = list(Release.objects.order_by("created_at", "pk"))
    assert [is_authorised(r) for r in releases] == [True, False]
    assert {r.requested_by.username for r in releases} == {"statistician"}
    assert all(r.purpose.startswith("Fictional") for r in releases)
