"""A 14-year-old Cambodian girl goes home (RR-7): the office's supervisor asks the Cambodian NGO
to take over her case as a return across the border, with the determination about the return,
the risks at home and her views; the NGO's case worker sees the request without her name, takes
over, and lands on the child's new case, which links to the office's case she may now read in the
data points agreed."""

from django.utils import timezone
from playwright.sync_api import expect

from haven.accounts.roles import Role
from haven.cases.models import Case
from haven.directory.models import Transfer
from haven.directory.services import sharing_assessment_record
from tests.directory.conftest import sharing_consent
from tests.e2e.journey import open_case, sign_in_with_cookie
from tests.factories import AgencyFactory, determination, staff


def test_rr7_a_return_home_is_asked_for_taken_over_and_the_child_keeps_her_record(
    journey, context, office, kanya, orawan
):
    # Given a Cambodian NGO the office has assessed sharing with, and her consent to share
    ngo = AgencyFactory(name="Silver Lantern Children's Association", country="KH")
    sokha = staff(ngo, Role.CASE_WORKER, username="sokha", first_name="Sokha", last_name="Chea")
    sharing_assessment_record(
        actor=orawan,
        from_agency=office,
        to_agency=ngo,
        risks="Fictional: staff might talk about the child in the village.",
        safeguards="Fictional: signed agreement, named staff only.",
        approved=True,
    )
    case = open_case(kanya, office, "Srey", "Mom", "Srey Mom", age=14)
    consent = sharing_consent(case, kanya, to=ngo)
    determination(case, orawan, "return")

    # When the supervisor asks the NGO to take over, as a return home
    sign_in_with_cookie(context, orawan, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Hand over to another agency").click()
    page.get_by_label("Receiving agency").select_option(label=ngo.name)
    page.get_by_label("Return to the child's country of origin (cross-border)").check()
    page.get_by_label("Why the case is handed over").fill(
        "Fictional: she returns to her grandmother; the NGO follows her at home and school."
    )
    page.get_by_label("Health").check()
    page.get_by_label("The child's consent to share information").select_option(index=1)
    page.get_by_label("For a return: risks at the destination, and how they are met").fill(
        "Fictional: the recruiter's family lives nearby; the NGO visits weekly."
    )
    page.get_by_label("For a return: what the child says about going back").fill(
        "Fictional: I want to go home to my grandmother."
    )
    page.get_by_label("For a return: the best-interests determination about it").select_option(
        index=1
    )
    journey.check("transfer-form", at=page.get_by_role("heading", name="Ask another agency"))
    page.get_by_role("button", name="Ask them to take over").click()
    expect(page.get_by_role("status").first).to_contain_text("the case stays here")
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.consent) == ("return", consent)

    # Then the NGO's case worker sees it without the child's name and takes over
    context.clear_cookies()
    sign_in_with_cookie(context, sokha, journey.base_url)
    journey.goto("/directory/referrals/incoming/")
    expect(
        page.get_by_role("heading", name="Cases other agencies ask you to take over")
    ).to_be_visible()
    expect(page.get_by_text("Srey")).to_have_count(0)
    journey.check("transfer-incoming", at=page.get_by_role("heading", name="Cases other agencies"))
    page.get_by_role("button", name="Take over the case").click()
    expect(page.get_by_role("status").first).to_contain_text("you are the child's case worker")
    transfer.refresh_from_db()
    new = transfer.new_case
    assert (new.lead_agency, new.child_id) == (ngo, case.child_id)
    assert Case.objects.get(pk=case.pk).closed_reason == "transferred"
    # The office's case is hers to read in the data points agreed (DP-9), from the new case.
    expect(
        page.get_by_role("region", name="This child's other cases").get_by_role(
            "link", name=case.reference
        )
    ).to_be_visible()
    assert timezone.localdate(new.opened_at) == timezone.localdate()
