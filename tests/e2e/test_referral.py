"""A referral between agencies (CC-15, DP-5, DP-9, DP-16, DP-2): Kanya, the child-protection
office's case worker, refers a 14-year-old girl to the shelter's counselling with the child's
consent to share information, sharing only her identity and health; Ploy, the shelter's
psychologist, sees in her inbox what the service needs but not the child's name, accepts, and
opens the case reading only what was agreed."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from haven.accounts.roles import Role
from haven.consent.models import CHECKLIST_KEYS
from haven.consent.services import consent_record
from haven.directory.services import offer_create, sharing_assessment_record
from tests.e2e.conftest import new_phone_context
from tests.e2e.journey import Journey, open_case, sign_in_with_cookie
from tests.factories import AgencyFactory, staff

SUMMARY = "Fictional: referred by a teacher after she stopped coming to school."
REASON = "Nightmares since she left the factory; needs weekly counselling."


def test_a_case_worker_refers_to_counselling_and_the_psychologist_sees_only_the_agreed_data(
    journey, context, browser, live_server, office, kanya, orawan
):
    # Given the shelter's counselling in the directory, and sharing with the shelter assessed
    shelter = AgencyFactory(name="Banyan Courtyard Children's Shelter", country="TH")
    nok = staff(shelter, Role.AGENCY_ADMIN, username="nok", first_name="Nok", last_name="W")
    ploy = staff(
        shelter, Role.PSYCHOLOGIST, username="ploy", first_name="Ploy", last_name="Anantasuk"
    )
    offer_create(
        actor=nok,
        agency=shelter,
        service_type="Psychological",
        name="Banyan counselling for children",
        country="TH",
        min_age=6,
        max_age=17,
        languages=["th"],
        contact="Counselling desk (fictional)",
    )
    sharing_assessment_record(
        actor=orawan,
        from_agency=office,
        to_agency=shelter,
        risks="Fictional: staff could talk about a child in the community.",
        safeguards="Fictional: signed agreement, named staff only.",
        approved=True,
    )
    # And a girl of 14 whose guardian and she agreed to her information being shared
    case = open_case(kanya, office, "ดาว", "ใจดี", "Dao Jaidee", age=14, sex="female")
    consent_record(
        case=case,
        actor=kanya,
        purpose="information_sharing",
        recipient_agencies=[shelter],
        given_on=timezone.localdate(case.opened_at),
        language="th",
        formats=["verbal", "written"],
        explained_by="Kanya Saengdao",
        checklist=list(CHECKLIST_KEYS),
        child_answer="agrees",
        representative="guardian",
        representative_name="Fictional guardian",
        representative_answer="consents",
    )

    # When Kanya opens the case's referrals and refers her to the counselling
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", name="Referrals", level=1)).to_be_visible()
    journey.check()
    page.get_by_role("link", name="Refer the child to a service").click()
    page.get_by_label(re.compile("Banyan counselling for children")).check()
    page.get_by_label("What the child needs from this service").fill(REASON)
    page.get_by_label("Identity (names, age, sex, nationality, languages)").check()
    page.get_by_label("Health and disability").check()
    expect(page.get_by_label(re.compile("Case basics"))).to_be_checked()
    page.get_by_label("The child's consent to share information").select_option(index=1)
    journey.check("referral-form")
    page.get_by_role("button", name="Send the referral").click()

    # Then the referral waits for the shelter's answer
    expect(
        page.get_by_text("Referral sent to Banyan Courtyard Children's Shelter.")
    ).to_be_visible()
    expect(page.locator("#referrals li").first).to_contain_text("Waiting for an answer")
    journey.check("referral-sent", at=page.locator("#referrals"))

    # When Ploy, the shelter's psychologist, signs in: the nav says a referral waits
    ploy_context = new_phone_context(browser, live_server)
    sign_in_with_cookie(ploy_context, ploy, journey.base_url)
    ploy_journey = Journey(ploy_context.new_page(), live_server.url, "ploy")
    ploy_page = ploy_journey.page
    ploy_journey.goto(f"/cases/{case.public_id}/")
    expect(ploy_page.get_by_role("heading", level=1)).not_to_contain_text("Dao")  # a 404 (DP-2)
    menu = ploy_page.locator("details.more > summary")
    expect(menu).to_have_text(re.compile(r"More\s+1"))
    menu.click()
    ploy_page.get_by_role("link", name=re.compile(r"^Services.*1 referral waiting")).click()
    ploy_page.get_by_role("link", name="Incoming referrals").click()

    # Then her inbox shows the need, the age band and what will be shared, not the name (DP-9)
    item = ploy_page.locator("li").filter(has_text=REASON)
    expect(item).to_contain_text("12–14 years")
    expect(item).to_contain_text("Health and disability")
    expect(ploy_page.locator("main")).not_to_contain_text("Dao")
    expect(ploy_page.locator("main")).not_to_contain_text("ดาว")
    ploy_journey.check("referral-inbox")

    # When she accepts, the case opens with her name and nothing of the narrative
    item.get_by_role("button", name="Accept").click()
    expect(ploy_page.get_by_text("Referral accepted: you can now open the case.")).to_be_visible()
    expect(ploy_page.locator("main")).to_contain_text("Dao")
    expect(ploy_page.locator("main")).not_to_contain_text(SUMMARY)
    ploy_journey.check("referral-case-as-recipient")
    ploy_context.close()
