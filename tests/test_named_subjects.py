"""Alerts and timeline lines name what they are about (a fault a new user met): which first
step is overdue (ID-4), and who was assigned to a case rather than only who assigned them
(CC-9)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.audit.labels import detail
from haven.cases.models import CaseAssignment
from haven.cases.services import case_assign
from haven.identification.codes import Act, Exploitation
from haven.identification.services import screening_record
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_id4_the_alerts_say_which_first_step_is_overdue(case, case_worker):
    screening_record(
        case=case,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(hours=48),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )
    client = signed_in(Client(), case_worker)

    alerts = client.get("/alerts/").content.decode()
    case_page = client.get(f"/cases/{case.public_id}/").content.decode()

    for page in (alerts, case_page):
        assert "An immediate first step is overdue</strong>: Arrange safe accommodation" in page
        assert "An immediate first step is overdue</strong>: Check urgent medical needs" in page


def test_cc9_the_timeline_names_the_person_assigned_and_the_one_whose_assignment_ended(
    case, case_worker, supervisor, unassigned_case_worker
):
    case_assign(
        case=case,
        actor=supervisor,
        user=unassigned_case_worker,
        role="case_worker",
        handover_note="Fictional: she likes drawing; her aunt visits on Sundays.",
    )
    name = unassigned_case_worker.get_full_name()
    earlier = case_worker.get_full_name()
    page = signed_in(Client(), supervisor).get(f"/cases/{case.public_id}/").content.decode()

    assert f"Person assigned to the case: Case worker: {name} · {supervisor.get_full_name()}" in (
        page
    )
    assert f"Assignment ended: Case worker: {earlier}" in page
    assert CaseAssignment.objects.current().get(case=case, role="case_worker").user == (
        unassigned_case_worker
    )


def test_cc9_an_assignment_recorded_before_names_were_kept_still_reads_as_its_role():
    assert detail("assignment.start", {"user": [None, "x"], "role": [None, "interpreter"]}) == (
        "Interpreter"
    )
    assert detail("assignment.end", {"ended_at": [None, "2026-01-01"]}) == ""
