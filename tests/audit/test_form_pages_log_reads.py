"""Every form page that shows who the child is logs the read (DP-3, CC-7): a probe found ten
that showed the child's name and reference without an access-log row."""

import pytest
from django.test import Client
from django.urls import reverse

from haven.audit.models import AccessLog
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

FORM_PAGES = [
    ("protection:consent_new", "consent.form"),
    ("protection:information_new", "information.form"),
    ("protection:needs_new", "needs.form"),
    ("protection:guardian_appoint", "guardian.form"),
    ("protection:decision_new", "decision.form"),
    ("protection:service_new", "service.form"),
    ("placements:placement_new", "placement.form"),
    ("placements:restriction_new", "placement.form"),
    ("placements:family_contact_new", "placement.form"),
    ("placements:charge_new", "placement.form"),
]


@pytest.mark.parametrize(("name", "what"), FORM_PAGES)
def test_dp3_a_form_page_showing_the_child_logs_the_read(case, supervisor, name, what):
    client = signed_in(Client(), supervisor)
    before = AccessLog.objects.count()

    response = client.get(reverse(name, kwargs={"public_id": case.public_id}))

    assert response.status_code == 200
    assert case.reference in response.content.decode()
    assert AccessLog.objects.count() == before + 1
    row = AccessLog.objects.latest("pk")
    assert (row.user_id, row.case_id, row.what) == (supervisor.pk, case.pk, what)
