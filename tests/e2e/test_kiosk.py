"""The children's kiosk (CC-12): a case worker opens it on a shared phone and is signed out; a
child chooses Bahasa Indonesia, leaves a complaint without a name and gets a code; the next
child finds nothing of it; the supervisor signs in elsewhere and resolves the complaint in
writing."""

import re

from playwright.sync_api import expect

from haven.voice.models import Feedback
from tests.e2e.conftest import new_phone_context
from tests.e2e.journey import Journey, open_menu, sign_in_with_cookie


def test_a_child_complains_at_the_kiosk_and_the_supervisor_resolves_it(
    journey, context, browser, live_server, office, kanya, orawan
):
    # Given Kanya, signed in on the shelter's shared phone
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page

    # When she opens the kiosk there
    journey.goto("/kiosk/start/")
    expect(page.get_by_role("heading", name="Open the children's kiosk")).to_be_visible()
    page.get_by_label("Where is this device?").fill("Children's corner, Lotus Path office")
    page.get_by_label("I understand that I will be signed out on this device.").check()
    journey.check("kiosk-open")
    page.get_by_role("button", name="Open the kiosk and sign me out").click()

    # Then the phone shows the languages, each in its own script, and no staff menu
    expect(page).to_have_url(re.compile(r"/kiosk/$"))
    expect(page.get_by_role("link", name="Bahasa Indonesia")).to_be_visible()
    expect(page.get_by_role("link", name="English")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    journey.check("kiosk-languages")

    # When a child chooses Bahasa Indonesia (fields are found by name: the words are translated)
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator("label.face").nth(2).click()  # the unhappy face
    page.locator("textarea[name=message]").fill(
        "Fiktif: lampu kamar dimatikan jam sembilan, saya tidak bisa belajar."
    )
    page.locator("input[name=kind][value=complaint]").check()
    journey.check("kiosk-form")
    page.locator("#kiosk-form button[type=submit]").click()

    # Then she sees her code, and nothing asks for her name
    code = page.locator("#reference")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    reference = code.inner_text()
    journey.check("kiosk-thanks")
    entry = Feedback.objects.get(reference=reference)
    assert (entry.language, entry.kind, entry.anonymous, entry.recorded_by) == (
        "id",
        "complaint",
        True,
        None,
    )

    # And the next child finds nothing of hers: not with the back button, not on the form
    page.go_back()
    expect(page.locator("textarea[name=message]")).to_have_value("")
    expect(page.get_by_text(reference)).to_have_count(0)
    journey.goto("/kiosk/thanks/")
    expect(page).to_have_url(re.compile(r"/kiosk/$"))
    # And the kiosk phone opens no staff page
    journey.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # When the supervisor signs in on her own phone and opens the feedback
    other = new_phone_context(browser, live_server)
    sign_in_with_cookie(other, orawan, live_server.url)
    theirs = Journey(other.new_page(), live_server.url, "kiosk-orawan")
    theirs.goto("/cases/")
    open_menu(theirs.page, "Feedback")
    expect(theirs.page.get_by_role("link", name=reference)).to_be_visible()
    theirs.check("feedback-list")
    theirs.page.get_by_role("link", name=reference).click()
    expect(theirs.page.get_by_text("saya tidak bisa belajar")).to_be_visible()

    # And tries to close it without saying what was done
    theirs.page.get_by_role("button", name="Resolve").click()
    expect(theirs.page.get_by_role("alert")).to_contain_text(
        "Write what was done and what the child was told."
    )
    theirs.check("feedback-resolve-refused")

    # Then, with the resolution written, it is resolved
    theirs.page.get_by_label("What was done, and what the child was told").fill(
        "Study room now open until 21:30 on school nights; told the children on Monday."
    )
    theirs.page.get_by_role("button", name="Resolve").click()
    expect(theirs.page.get_by_text("Resolved. What was done is kept with it.")).to_be_visible()
    theirs.check("feedback-resolved")
    other.close()
    entry.refresh_from_db()
    assert entry.status == "resolved"
