"""A supervisor gives a child without a case worker a new one, with a handover note, and the
CC-9 alert clears (CC-9: one trusted case worker)."""

from playwright.sync_api import expect

from haven.accounts.roles import Role
from haven.cases.models import AssignmentRole, CaseAssignment
from haven.cases.services import assignment_end
from tests.e2e.journey import open_case, sign_in_with_cookie
from tests.factories import staff

NOTE = "Fictional handover: talks most easily in the afternoon, with the same interpreter."


def test_supervisor_assigns_a_case_worker_with_a_handover_note(
    journey, context, office, kanya, orawan
):
    # Given a child whose case worker has left the office: Haven raises the CC-9 alert
    case = open_case(kanya, office, "ดาวเรือง", "รุ่งอรุณศรี", "Daoruang Rungarunsri")
    assignment_end(
        assignment=CaseAssignment.objects.get(case=case, role=AssignmentRole.CASE_WORKER),
        actor=orawan,
    )
    successor = staff(
        office, Role.CASE_WORKER, username="thanakorn", first_name="Thanakorn", last_name="Ruangsri"
    )
    sign_in_with_cookie(context, orawan, journey.base_url)
    page = journey.page

    # The supervisor sees it under Alerts and opens the case
    journey.goto("/alerts/")
    expect(page.get_by_text("No case worker")).to_be_visible()
    journey.check("alerts")
    page.get_by_role("link", name="ดาวเรือง รุ่งอรุณศรี").click()
    alert = page.locator(".alert", has_text="CC-9")
    expect(alert).to_contain_text("This child has no case worker.")
    journey.check("case-page-alert")

    # When she assigns Thanakorn as case worker with a handover note
    page.get_by_text("Assign someone").click()
    page.get_by_label("Person").select_option(str(successor.pk))
    page.get_by_label("Role on the case").select_option("case_worker")
    page.get_by_label("Handover note").fill(NOTE)
    journey.check("assign-case-worker", at=page.get_by_role("heading", name="People on this case"))
    page.get_by_role("button", name="Assign", exact=True).click()

    # Then the alert is gone, Thanakorn is the case worker, and the note is on the case page
    expect(page.get_by_role("status").first).to_contain_text("is assigned.")
    expect(alert).to_have_count(0)
    expect(page.get_by_text("Thanakorn Ruangsri — Case worker")).to_be_visible()
    page.get_by_text("1 change of case worker so far").click()
    expect(page.get_by_text(NOTE)).to_be_visible()
    journey.check("handover-note", at=page.get_by_role("heading", name="People on this case"))

    # And the alert list is empty
    journey.goto("/alerts/")
    expect(page.get_by_text("No open alerts on your cases.")).to_be_visible()
    journey.check()
