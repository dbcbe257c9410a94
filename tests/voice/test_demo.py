"""The demo's feedback (CC-12, CC-13) is made through the services and shows each state."""

from types import SimpleNamespace

import pytest
from django.utils import timezone

from haven.accounts.roles import Role
from haven.demo.voice import add_feedback
from haven.voice import selectors
from haven.voice.models import ConcernNotice, Feedback
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_cc12_cc13_demo_has_kiosk_entries_a_resolved_an_overdue_complaint_and_a_concern(
    agency, case_worker, supervisor
):
    lead = staff(agency, Role.SAFEGUARDING_LEAD)
    seeder = SimpleNamespace(
        users={
            "caseworker": case_worker,
            "supervisor": supervisor,
            "guardian": staff(agency, Role.GUARDIAN),
            "safeguarding": lead,
        },
        cases=[],
        now=timezone.now(),
    )
    add_feedback(seeder)
    rows = Feedback.objects.all()
    assert sorted(rows.filter(channel="kiosk").values_list("language", flat=True)) == [
        "en",
        "en",
        "id",
        "th",
    ]
    assert rows.filter(kind="complaint", status="resolved").count() == 1
    overdue = [f for f in selectors.with_overdue(rows) if f.overdue]
    assert [(f.kind, f.channel) for f in overdue] == [("complaint", "letter")]
    concern = rows.get(kind="concern")
    assert list(ConcernNotice.objects.values_list("recipient", "feedback")) == [
        (lead.pk, concern.pk)
    ]
    assert concern not in selectors.feedback_for_user(supervisor)
