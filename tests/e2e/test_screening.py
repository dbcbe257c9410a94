"""A 17-year-old who says she is 19 is screened: she is treated as a presumed child, the
outcome follows from act and purpose, and the first steps wait with their due times (ID-1,
ID-2, ID-4). A child not found to be a victim still gets the child-protection referral (ID-5).
"""

from playwright.sync_api import expect

from tests.e2e.journey import open_case, sign_in_with_cookie
from tests.factories import AgencyFactory, staff


def test_screen_a_girl_who_says_she_is_19_and_see_the_first_steps(journey, context, office, kanya):
    # Given a 17-year-old girl who says she is 19, with signs that she is younger
    case = open_case(
        kanya,
        office,
        "ลำดวน",
        "ทองดี",
        "Lamduan Thongdee",
        age=17,
        sex="female",
        age_status="disputed",
        claims_adult=True,
        minority_indicators=True,
        parental_care="unaccompanied",
    )
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page

    # Then her case page says she is a presumed child
    journey.goto(f"/cases/{case.public_id}/")
    expect(page.get_by_role("status").filter(has_text="Presumed child")).to_be_visible()
    journey.check()

    # When Kanya screens her: harboured and made to work in a karaoke bar, no means asked
    page.get_by_role("link", name="Screen the child").click()
    expect(page.get_by_text("Children who are often missed")).to_be_visible()
    page.get_by_label("Harbouring").check()
    page.get_by_label("Sexual exploitation", exact=True).check()
    page.get_by_label("Interview length (minutes)").fill("30")
    journey.check("screening-form")
    page.get_by_role("button", name="Save the screening").click()

    # Then the outcome is a presumed child victim
    expect(page.get_by_role("status").first).to_contain_text("Presumed child victim")
    journey.check("screening-outcome")

    # And the first steps wait on the case page, each with its due time; the guardian step is
    # there because she is unaccompanied
    page.get_by_role("link", name="Back to the case").click()
    steps = page.locator("#identification")
    expect(steps.get_by_text("Appoint a guardian")).to_be_visible()
    expect(steps.get_by_text("Arrange safe accommodation")).to_be_visible()
    expect(steps.get_by_text("due").first).to_be_visible()
    journey.check("first-steps", at=page.get_by_role("heading", name="First steps"))


def test_a_child_not_found_a_victim_still_waits_for_the_referral(journey, context):
    # Given an NGO (not the child-protection authority) and a boy begging at a market
    ngo = AgencyFactory(name="Silver Lantern Children's Association", country="KH")
    worker = staff(ngo, "case_worker", username="bopha", first_name="Bopha", last_name="Vann")
    case = open_case(worker, ngo, "សុខា", "ចាន់", "Sokha Chan", age=11, sex="male")
    sign_in_with_cookie(context, worker, journey.base_url)
    page = journey.page

    # When the screening finds no act and no purpose, but a child at risk
    journey.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Screen the child").click()
    page.locator("fieldset").filter(has_text="The act").get_by_label("None observed").check()
    page.locator("fieldset").filter(has_text="The purpose").get_by_label(
        "None observed"
    ).first.check()
    page.get_by_label("The child is in a precarious situation or at risk").check()
    page.get_by_label("The child was interviewed for this screening").uncheck()
    page.get_by_role("button", name="Save the screening").click()

    # Then the referral to child protection is still waiting (ID-5)
    expect(page.get_by_role("status").first).to_contain_text("precarious situation")
    page.get_by_role("link", name="Back to the case").click()
    expect(
        page.locator("#identification").get_by_text("Refer to the child-protection authority")
    ).to_be_visible()
    expect(page.locator("#identification").get_by_text("ID-5")).to_be_visible()
    journey.check()
