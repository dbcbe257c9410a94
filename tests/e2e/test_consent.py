"""A 9-year-old girl's medical examination (CC-3, PS-4, PS-5, CC-2, DP-6): her assent and her
guardian's consent allow it; when consent is withdrawn the examination cannot go ahead; a
best-interests determination is refused until her views are entered."""

import re

from playwright.sync_api import expect

from tests.e2e.journey import open_case, sign_in_with_cookie


def test_assent_and_guardian_consent_then_withdrawal_stops_the_examination(
    journey, context, office, kanya
):
    # Given a 9-year-old girl without parental care
    case = open_case(
        kanya,
        office,
        "ดาว",
        "ใจดี",
        "Dao Jaidee",
        age=9,
        sex="female",
        age_status="known",
        parental_care="unaccompanied",
    )
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Open protection and support").click()
    expect(page.get_by_role("heading", name="Protection and support", level=1)).to_be_visible()
    journey.check()

    # When Kanya explains her rights, in Thai, spoken and in writing, and leaves a copy
    page.get_by_role("link", name="Record an information session").click()
    for topic in ("Their rights and entitlements", "How to give feedback or complain"):
        page.get_by_label(topic).check()
    page.get_by_label("The child's questions, and the answers").fill(
        "Asked if she can call her grandmother. Yes, on Sundays."
    )
    journey.check("information-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The information session is recorded.")).to_be_visible()

    # Then the written sheet is next (PS-5), in the session's language, Thai
    expect(page.get_by_role("heading", name="Written information sheet")).to_be_visible()
    expect(page.get_by_label("Language of the sheet")).to_have_value("th")
    journey.check("information-sheet")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the sheet (PDF)").click()
    assert download.value.suggested_filename == "information-sheet.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Back to protection and support").click()

    # And records consent for a medical examination, first forgetting part of the checklist
    page.get_by_role("link", name="Record consent or a refusal").click()
    page.get_by_label("Pictures or visual aids").check()
    page.get_by_label("Spoken").check()
    page.get_by_label("What it is for").check()
    page.get_by_label("Agrees").check()
    page.get_by_label("Parent, guardian or legal representative asked").select_option("guardian")
    page.get_by_label("Representative's name").fill("Fictional guardian")
    page.get_by_label("The representative's answer").select_option("consents")
    page.get_by_role("button", name="Save").click()

    # Then nothing is saved until every point was explained (DP-6)
    expect(page.get_by_role("alert")).to_contain_text("Still to explain: 6 of 7.")
    journey.check("consent-form-error")
    for point in (
        "How the information will be used, now and later",
        "That non-identifying data may be used for research",
        "That the child may see their information at any time",
        "How long the information is kept",
        "How to withdraw consent, at any time, without losing any help",
        "The limits of confidentiality (what must be reported)",
    ):
        page.get_by_label(point).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Consent recorded: it is in force.")).to_be_visible()
    consent = page.locator("#consent li").filter(has_text="Medical examination")
    expect(consent).to_contain_text("In force")
    expect(consent).to_contain_text("child's assent")
    journey.check("consent-in-force", at=page.locator("#consent"))

    # When the examination is planned
    page.get_by_role("link", name="Record a service").click()
    page.get_by_label("Type").select_option("Health")
    page.get_by_label("Health care").select_option("examination")
    page.get_by_label("Provider").fill("Fictional shelter doctor")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The service is recorded.")).to_be_visible()

    # And her guardian withdraws the consent
    consent.get_by_text("Withdraw", exact=True).click()
    consent.get_by_label("Withdrawn by").fill("Fictional guardian")
    consent.get_by_role("button", name="Withdraw consent").click()
    expect(page.locator("#consent li").filter(has_text="Medical examination")).to_contain_text(
        "Withdrawn"
    )
    expect(page.locator(".alert").filter(has_text="Care planned without consent")).to_be_visible()

    # Then the examination cannot go ahead: refused, with the measure and why
    page.locator("#services").get_by_role("link", name="Update").click()
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("PS-4")
    journey.check("examination-refused")


def test_a_determination_waits_for_the_childs_views(journey, context, office, kanya):
    case = open_case(kanya, office, "ดาว", "ใจดี", "Dao Jaidee", age=9, sex="female")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/protection/")

    # When Kanya records a determination without the child's views
    page.get_by_role("link", name="Record an assessment or determination").click()
    page.get_by_label("Best-interests determination (formal, by a panel)").check()
    page.get_by_label("What it decides").select_option("medical_without_consent")
    page.get_by_label("The question").fill("Should the examination go ahead without consent?")
    page.get_by_label("The options considered").fill("Wait a week; examine now.")
    page.get_by_label(re.compile(r"^The decision:?$")).fill("Wait a week and ask again.")
    page.get_by_label("Why it is in the child's best interests").fill("No urgent need.")
    page.get_by_label("Name").first.fill("Orawan Sukjaroen")
    page.get_by_label("Role or organisation").first.fill("Supervisor")
    page.get_by_label("Name").nth(1).fill("Fictional doctor")
    page.get_by_label("Role or organisation").nth(1).fill("Shelter clinic")
    page.get_by_role("button", name="Save").click()

    # Then it is refused until her views are entered (CC-2)
    expect(page.get_by_role("alert")).to_contain_text("CC-2")
    journey.check("decision-refused")
    page.get_by_label("The child's views, in their words").fill(
        "She wants to wait until her guardian can come with her."
    )
    page.get_by_label("How the child's views were weighed").fill(
        "Decisive: she understood the question and gave her reasons."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The decision is recorded.")).to_be_visible()
    expect(
        page.get_by_text("She wants to wait until her guardian can come with her.")
    ).to_be_visible()
