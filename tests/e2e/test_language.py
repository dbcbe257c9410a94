"""A practitioner switches Haven to Bahasa Indonesia from the bottom of the page."""

from playwright.sync_api import expect

from tests.e2e.journey import sign_in_with_cookie


def test_switch_to_bahasa_indonesia(journey, context, kanya):
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page

    journey.goto("/cases/")
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()

    page.get_by_label("Language").select_option("id")
    journey.screenshot("language-picker", at=page.get_by_role("contentinfo"))
    page.get_by_role("button", name="Change").click()

    expect(page.get_by_role("heading", name="Kasus saya")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    assert page.url == f"{journey.base_url}/cases/"
    journey.check("language-id")
