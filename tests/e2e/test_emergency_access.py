"""At night the police call about a child whose case worker cannot be reached: the case worker
on duty opens the case in an emergency, with a reason, for an hour; the banner says so on every
page; the next morning the supervisor reviews it (DP-4)."""

from playwright.sync_api import expect

from haven.accounts.roles import Role
from haven.cases.models import EmergencyAccess
from tests.e2e.journey import open_case, open_menu, sign_in_with_cookie
from tests.factories import staff

DETAIL = "Fictional: the district police called at 23:40; the boy is at the station."


def test_dp4_night_duty_opens_a_case_in_an_emergency_and_the_supervisor_reviews_it(
    journey, context, office, kanya, orawan
):
    # Given a child of the office whose case worker is Kanya
    case = open_case(kanya, office, "ก้อง", "ศรีสุข", "Kong Srisuk", sex="male")
    thanakorn = staff(
        office, Role.CASE_WORKER, username="thanakorn", first_name="Thanakorn", last_name="Ruangsri"
    )
    sign_in_with_cookie(context, thanakorn, journey.base_url)
    page = journey.page

    # Thanakorn cannot open the case: it is not his
    journey.goto(f"/cases/{case.public_id}/")
    expect(page.get_by_role("heading", name="This page is not here")).to_be_visible()

    # When he takes emergency access with the case's reference and a reason
    page.get_by_role("main").get_by_role("link", name="Emergency access").click()
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_label("What is the emergency?").select_option("held")
    page.get_by_label("What is happening, and why it cannot wait").fill(DETAIL)
    journey.check("emergency-access-form")
    page.get_by_role("button", name="Open the case in an emergency").click()

    # Then the case opens, and the banner says until when and that it will be reviewed
    banner = page.locator(".emergency-banner")
    expect(banner).to_contain_text(case.reference)
    expect(banner).to_contain_text("a supervisor will review it")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ก้อง ศรีสุข")
    journey.check("emergency-access-banner")

    # He ends it when the child is safe
    banner.get_by_role("link", name="End it now").click()
    page.get_by_role("button", name="End it now").click()
    expect(page.get_by_role("status").first).to_contain_text("Emergency access ended.")
    expect(banner).to_have_count(0)

    # The next morning the supervisor reviews it
    sign_in_with_cookie(context, orawan, journey.base_url)
    journey.goto("/cases/")
    open_menu(page, "Emergency access reviews")
    expect(page.get_by_text("Thanakorn Ruangsri")).to_be_visible()
    journey.check("emergency-access-reviews")
    page.get_by_role("link", name=f"Review the access to {case.reference}").click()
    expect(page.get_by_text(DETAIL)).to_be_visible()
    page.get_by_label("Justified", exact=True).check()
    journey.check("emergency-access-review")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status").first).to_contain_text("Review recorded.")
    assert EmergencyAccess.objects.get().outcome == "justified"
