"""The kiosk in Thai and in Burmese on a 360×640 phone (CC-10, CC-11, CC-12): the case worker
opens it with the languages of the children in the shelter first; a Thai child and then a
Burmese child each find their language by its own name, give feedback in it and get their
code in it. Every page passes axe-core and the page-weight check (Journey.check)."""

import re

from playwright.sync_api import expect

from haven.voice.models import Feedback, KioskSession
from tests.e2e.journey import sign_in_with_cookie

THAI = "ภาษาไทย"
BURMESE = "မြန်မာဘာသာ"


def _give_feedback(journey, language: str, lang: str, message: str, name: str) -> str:  # type: ignore[no-untyped-def]
    page = journey.page
    page.get_by_role("link", name=language).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    journey.check(f"kiosk-form-{lang}")
    page.locator("label.face").first.click()  # the happy face
    page.locator("textarea[name=message]").fill(message)
    page.locator("input[name=kind][value=feedback]").check()
    page.locator("#kiosk-form button[type=submit]").click()
    code = page.locator("#reference")
    expect(code).to_have_text(re.compile(r"^[A-Z0-9]{8}$"))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    journey.check(f"kiosk-thanks-{lang}")
    reference = code.inner_text()
    page.get_by_role("link", name=name).click()
    return reference


def test_cc10_cc12_a_thai_and_a_burmese_child_give_feedback_at_the_kiosk_in_their_languages(
    journey, context, kanya
):
    # Given Kanya opens the kiosk with Thai and Burmese first
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto("/kiosk/start/")
    page.get_by_label("Where is this device?").fill("Fictional shelter dining room")
    page.get_by_label(THAI, exact=True).check()
    page.get_by_label(BURMESE, exact=True).check()
    page.get_by_label("I understand that I will be signed out on this device.").check()
    page.get_by_role("button", name="Open the kiosk and sign me out").click()
    assert KioskSession.objects.get().languages == ["th", "my"]

    # Then the row of languages starts with theirs, each in its own script
    links = page.locator(".kiosk-languages a")
    expect(links.nth(0)).to_have_text(THAI)
    expect(links.nth(1)).to_have_text(BURMESE)
    expect(links.nth(0)).to_have_attribute("lang", "th")
    journey.check("kiosk-languages-first")

    # When a Thai child and then a Burmese child each give feedback in their language
    thai = _give_feedback(journey, THAI, "th", "สมมติ: อยากให้มีหนังสือการ์ตูนภาษาไทยในห้องสมุด", "เสร็จแล้ว")
    burmese = _give_feedback(journey, BURMESE, "my", "စိတ်ကူးယဉ်: ညစာ အရမ်းကောင်းပါတယ်", "ပြီးပြီ")

    # Then each entry is kept in the language the child chose
    assert Feedback.objects.get(reference=thai).language == "th"
    assert Feedback.objects.get(reference=burmese).language == "my"
    expect(page).to_have_url(re.compile(r"/kiosk/$"))
