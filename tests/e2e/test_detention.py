"""A child found in immigration detention (ND-2, ND-3): the case worker records it, and the
supervisor and the child-protection officer see the critical alert at once; moving her to a
shelter without a review date is refused and says why; with one, the alert closes."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.decisions.services import decision_record
from tests.e2e.conftest import new_phone_context
from tests.e2e.journey import Journey, open_case, sign_in_with_cookie
from tests.factories import staff


def test_detention_alert_reaches_the_supervisor_and_the_cp_officer(
    journey, context, browser, live_server, office, kanya, orawan
):
    Membership.objects.filter(user=kanya).update(supervisor=orawan)
    pichit = staff(
        office,
        Role.CHILD_PROTECTION_OFFICER,
        username="pichit",
        first_name="Pichit",
        last_name="Boonrueang",
    )
    case = open_case(kanya, office, "มะลิ", "ศรีสุข", "Mali Srisuk", age=15, sex="female")
    decision_record(
        case=case,
        actor=kanya,
        kind="bid",
        subject="placement",
        decided_on=timezone.localdate(),
        question="Where should she live now?",
        options="Open shelter; kinship care.",
        child_views="Wants to be with other girls her age.",
        child_views_weight="Given weight: she is 15 and explained her reasons.",
        outcome="Open shelter.",
        justification="Safe, with peers, close to school.",
        participants=[
            {"name": "Orawan Sukjaroen", "role": "Supervisor"},
            {"name": "Pichit Boonrueang", "role": "Child-protection officer"},
        ],
    )

    # When Kanya records that the girl is held in an immigration detention centre
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/placement/")
    page.get_by_role("link", name="Record where the child lives").click()
    page.get_by_label("Where the child lives").select_option("immigration_detention")
    page.get_by_label("Criminal or immigration custody (police, prison, immigration)").check()
    page.get_by_label("Facility or household").fill("Fictional immigration detention centre")
    journey.check("placement-form")
    page.get_by_role("button", name="Save").click()

    # Then the critical alert is at the top of the page
    critical = page.get_by_role("alert").filter(has_text="A child is held in detention")
    expect(critical).to_be_visible()
    journey.check("detention-alert", at=page.locator("main"))

    # And, in the same moment, the supervisor and the CP officer see it on the case page and
    # in their Urgent inbox
    for person, shot in ((orawan, "detention-supervisor"), (pichit, "")):
        other = new_phone_context(browser, live_server)
        sign_in_with_cookie(other, person, live_server.url)
        their = Journey(other.new_page(), live_server.url, f"detention-{person.username}")
        their.goto("/cases/")
        expect(their.page.get_by_role("link", name="Urgent: 1")).to_be_visible()
        their.page.get_by_role("link", name="Urgent: 1").click()
        expect(their.page.get_by_text("A child is held in detention")).to_be_visible()
        their.check(shot)
        their.goto(f"/cases/{case.public_id}/")
        expect(
            their.page.get_by_role("alert").filter(has_text="A child is held in detention")
        ).to_be_visible()
        other.close()

    # When Kanya moves her to a shelter without a review date
    page.get_by_role("link", name="The child moves: record the new place").click()
    page.get_by_label("Where the child lives").select_option("open_shelter")
    page.get_by_label("The child can leave when they want").check()
    page.get_by_label("Facility or household").fill("Fictional open shelter for girls")
    page.get_by_label("Best-interests determination that decided it").select_option(index=1)
    page.get_by_role("button", name="Save").click()

    # Then it is refused, saying why
    expect(page.get_by_role("alert")).to_contain_text("ND-3")
    expect(page.get_by_role("alert")).to_contain_text("review")
    journey.check("shelter-needs-review")

    # And with a review date the child is moved and the critical alert closes
    review_on = timezone.localdate() + timedelta(days=60)
    page.get_by_label("Review by").fill(review_on.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The placement is recorded.")).to_be_visible()
    expect(page.locator("#current")).to_contain_text("Open shelter")
    expect(page.get_by_role("alert").filter(has_text="A child is held in detention")).to_have_count(
        0
    )
