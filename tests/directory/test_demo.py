"""The demo's directory (CC-15): a dozen fictional services from the three agencies, assessed
sharing (DP-16), one accepted referral and one waiting, all through the services."""

from io import StringIO

import pytest
from django.core.management import call_command

from haven.audit.verify import verify_chain
from haven.cases.access import cases_for_user, readable
from haven.directory.models import Referral, ServiceOffer, SharingAssessment


@pytest.mark.django_db
def test_cc15_seed_demo_fills_the_directory_and_leaves_one_referral_waiting() -> None:
    call_command("seed_demo", "--seed", "7", stdout=StringIO())

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
