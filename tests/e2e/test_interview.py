"""A case worker records an interview; the count of times the child has told their story goes
up (CC-6: every retelling is counted, across agencies)."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.journey import open_case, sign_in_with_cookie
from tests.factories import interview


def test_record_an_interview_and_see_the_retelling_count_go_up(journey, context, office, kanya):
    case = open_case(kanya, office, "มะลิวัลย์", "ศรีสุขใจ", "Maliwan Srisukjai")
    interview(case, kanya, interviewer="Fictional police officer", interviewer_agency="Police")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    # Yesterday morning: in the past whatever time zone the form reads it in
    when = f"{timezone.localdate() - timedelta(days=1)}T10:00"

    # Given the case page, where the child has told their story once
    journey.goto(f"/cases/{case.public_id}/")
    expect(page.get_by_text("The child has told their story 1 time.")).to_be_visible()
    journey.check("case-page-interviews", at=page.get_by_role("heading", name="Interviews"))

    # When Kanya opens the interview form, she first sees who already heard the story
    page.get_by_role("link", name="Record an interview").click()
    expect(page.get_by_text("This child has already told their story 1 time.")).to_be_visible()
    expect(page.get_by_text("Fictional police officer (Police)")).to_be_visible()
    journey.check()

    # And she records the assessment interview she held
    page.get_by_label("Type of interview").select_option("assessment")
    page.get_by_label("When").fill(when)
    page.get_by_label("Interviewed by").fill("Kanya Saengdao")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Interpreter").fill("Fictional interpreter")
    page.get_by_label("Support person present").fill("Fictional shelter social worker")
    journey.check("interview-form")
    page.get_by_role("button", name="Save").click()

    # Then the case page counts two tellings
    expect(page.get_by_role("status").first).to_contain_text("The interview is recorded.")
    expect(page.get_by_text("The child has told their story 2 times.")).to_be_visible()
    journey.check()
