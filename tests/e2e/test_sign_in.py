"""A practitioner signs in with a password and the code from their authenticator app."""

import re

from playwright.sync_api import expect

from tests.e2e.journey import PASSWORD, totp_code


def test_sign_in_with_password_and_second_factor(journey, kanya):
    page = journey.page

    # Given a case worker who opens Haven
    journey.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    journey.check("sign-in")

    # When they give their password
    page.get_by_label("Username").fill("kanya")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()

    # Then Haven asks for the second step before anything else
    expect(page.get_by_role("heading", name="Second sign-in step")).to_be_visible()
    journey.check("second-step")

    # When they type the code their app shows
    page.get_by_label("6-digit code from your authenticator app").fill(totp_code(kanya))
    page.get_by_role("button", name="Sign in").click()

    # Then they are in, on their cases
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    page.get_by_text("More", exact=True).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    journey.check()
