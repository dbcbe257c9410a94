"""A case worker registers a child: a mistake in the form is caught before anything is saved,
and once corrected the case opens."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from haven.cases.models import Case
from haven.children.models import Child
from tests.e2e.journey import sign_in_with_cookie


def test_register_a_child_after_correcting_a_future_birth_date(journey, context, kanya):
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    today = timezone.localdate()

    # Given the registration form, reached from the menu
    journey.goto("/cases/")
    page.get_by_role("link", name="Register a child").click()
    expect(page.get_by_role("heading", name="Register a child")).to_be_visible()
    journey.check("register")

    # When the birth date is typed a year ahead by mistake
    page.get_by_label("Given name").fill("ผกา")
    page.get_by_label("Family name:", exact=True).fill("ใจดีงาม")
    page.get_by_label("Name in Latin letters").fill("Phaka Jaideengam")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Birth date").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_label("How is the age known?").select_option("estimated")
    page.get_by_label("Nationality:", exact=True).select_option("TH")
    page.get_by_label("Main language").select_option("th")
    page.get_by_label("What brought the child to us").fill(
        "Fictional: found selling flowers late at night near a bus station."
    )
    page.get_by_role("button", name="Register and open the case").click()

    # Then the form says what is wrong, keeps what was typed, and nothing is saved
    # The summary at the top says nothing was saved and links to the field; the field says why.
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved")
    expect(page.get_by_text("The birth date cannot be in the future.", exact=True)).to_be_visible()
    expect(page.get_by_label("Given name")).to_have_value("ผกา")
    assert (Child.objects.count(), Case.objects.count()) == (0, 0)
    journey.check("register-error", at=page.locator("label[for=id_birth_date]"))

    # When the date is corrected
    page.get_by_label("Birth date").fill((today - timedelta(days=13 * 365)).isoformat())
    page.get_by_role("button", name="Register and open the case").click()

    # Then the case page of the new child opens, with Kanya as its case worker
    expect(page.get_by_role("heading", name="ผกา ใจดีงาม")).to_be_visible()
    case = Case.objects.get()
    expect(page.get_by_role("status").first).to_contain_text(
        f"The child is registered and the case {case.reference} is open."
    )
    expect(page.get_by_text("Kanya Saengdao — Case worker")).to_be_visible()
    assert page.url == f"{journey.base_url}/cases/{case.public_id}/"
    journey.check("case-page-new")
