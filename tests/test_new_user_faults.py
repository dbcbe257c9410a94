"""Faults a new user met, each fixed and kept fixed: the screening form does not claim an
interview by default (CC-6's retelling count), a case never screened does not read as a
"possible victim", and the kiosk is offered only to those who may open it (CC-12)."""

import re

import pytest
from django.test import Client

from haven.accounts.roles import Role
from haven.identification.forms import ScreeningForm
from tests.conftest import signed_in
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_cc6_the_screening_form_does_not_tick_the_interview_by_default(client, case, case_worker):
    assert ScreeningForm().fields["child_interviewed"].initial is None
    page = signed_in(client, case_worker).get(f"/cases/{case.public_id}/screenings/new/")
    box = re.search(r'<input[^>]*name="child_interviewed"[^>]*>', page.content.decode())
    assert box is not None
    assert "checked" not in box.group(0)


def test_id1_a_case_not_yet_screened_reads_not_screened(client, case, case_worker):
    page = signed_in(client, case_worker).get(f"/cases/{case.public_id}/").content.decode()
    assert "Victim status: <strong>not screened</strong>" in page
    assert "Possible victim" not in page


def test_cc12_only_those_who_may_open_the_kiosk_are_offered_it(agency, case_worker):
    guardian = staff(agency, Role.GUARDIAN, username="guardian")
    link = 'href="/kiosk/start/"'
    assert link in signed_in(Client(), case_worker).get("/voice/record/").content.decode()
    assert link not in signed_in(Client(), guardian).get("/voice/record/").content.decode()
