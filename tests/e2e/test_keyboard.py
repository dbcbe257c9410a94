"""The registration and screening journeys with the keyboard alone: Tab, typing, Space and
Enter, no clicks (WCAG 2.1.1). Also checks that the focused control is visibly marked
(WCAG 2.4.7)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from haven.cases.models import Case
from haven.identification.models import Screening
from tests.e2e.journey import PASSWORD, open_case, sign_in_with_cookie, totp_code

FOCUSED = "(selector) => document.activeElement && document.activeElement.matches(selector)"
FOCUS_MARKED = """() => {
    const s = getComputedStyle(document.activeElement);
    return s.outlineStyle !== "none" && s.outlineWidth !== "0px";
}"""


def tab_to(page, selector: str, limit: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, selector):
            assert page.evaluate(FOCUS_MARKED), f"{selector} has the focus but no visible outline"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def test_sign_in_and_register_a_child_with_the_keyboard_only(journey, kanya):
    page = journey.page
    born = timezone.localdate() - timedelta(days=12 * 365)

    # Signing in: the user name field has the focus already
    journey.goto("/accounts/login/")
    assert page.evaluate(FOCUSED, "#id_username")
    page.keyboard.type("kanya")
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Second sign-in step")).to_be_visible()
    # The code field has the focus already: waited for, as the browser may give it just after
    # the heading shows (a busy machine's CI run once looked in between).
    expect(page.locator("#id_token")).to_be_focused()
    page.keyboard.type(totp_code(kanya))
    page.keyboard.press("Enter")

    # To the registration form through the menu; the first Tab stop skips it
    expect(page.get_by_role("heading", name="My cases")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED, "a.skip")
    expect(page.locator("a.skip")).to_be_in_viewport()
    tab_to(page, 'a[href="/cases/new/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Register a child")).to_be_visible()

    # The form: text, a date, choices from lists, then the button
    tab_to(page, "#id_given_name")
    page.keyboard.type("ลำดวน")
    tab_to(page, "#id_family_name")
    page.keyboard.type("ศรีทองแท้")
    tab_to(page, "#id_name_romanised")
    page.keyboard.type("Lamduan Srithongtae")
    tab_to(page, "#id_birth_date")
    page.keyboard.type(born.strftime("%m%d%Y"))  # en-US order: month, day, year
    tab_to(page, "#id_age_status")
    page.keyboard.type("Estimated")
    tab_to(page, "#id_nationality")
    page.keyboard.type("Thailand")
    tab_to(page, "main form button[type=submit]")
    assert page.get_by_label("Birth date").input_value() == born.isoformat()
    assert page.get_by_label("How is the age known?").input_value() == "estimated"
    assert page.get_by_label("Nationality:", exact=True).input_value() == "TH"
    page.keyboard.press("Enter")

    # The case is open
    expect(page.get_by_role("heading", name="ลำดวน ศรีทองแท้")).to_be_visible()
    child = Case.objects.get().child
    assert (child.name_romanised, child.birth_date, child.age_status) == (
        "Lamduan Srithongtae",
        born,
        "estimated",
    )


def test_screen_a_child_with_the_keyboard_only(journey, context, office, kanya):
    """The screening journey with the keyboard alone: to the form from the case page, tick the
    act and the purpose with Space, save with Enter (WCAG 2.1.1; ID-1)."""
    case = open_case(kanya, office, "ดอกแก้ว", "ใจงาม", "Dokkaew Jai-ngam", age=14, sex="female")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/")

    tab_to(page, f'a[href="/cases/{case.public_id}/screenings/new/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Screening")).to_be_visible()
    tab_to(page, 'input[name="acts"][value="harbouring"]')
    page.keyboard.press("Space")
    tab_to(page, 'input[name="forms_of_exploitation"][value="ForcedLabour"]')
    page.keyboard.press("Space")
    tab_to(page, "#id_duration_minutes")
    page.keyboard.type("25")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("Presumed child victim")
    screening = Screening.objects.get(case=case)
    forms = list(screening.forms.values_list("form", flat=True))
    assert (screening.acts, forms) == (["harbouring"], ["ForcedLabour"])
