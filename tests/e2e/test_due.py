"""A case worker clears the day's list of what is due on a 360×640 phone (CC-9, ID-4): the
menu counts what is due now; each line leads to where it is done; once recorded it leaves
the list, and the count with it."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from haven.identification.codes import Act, Exploitation
from haven.identification.services import screening_record
from tests.e2e.journey import open_case, sign_in_with_cookie

DUE_NOW = "section[aria-labelledby=due-overdue] li, section[aria-labelledby=due-today] li"


def test_cc9_a_case_worker_clears_the_days_list_of_what_is_due(journey, context, office, kanya):
    # Given a girl screened 50 hours ago: her first steps due within a day are late
    case = open_case(kanya, office, "นิด", "ใจงาม", "Nid Jaingam", age=12, sex="female")
    screening_record(
        case=case,
        actor=kanya,
        screened_at=timezone.now() - timedelta(hours=50),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto("/cases/")

    # When Kanya opens What is due from the menu
    page.locator("details.more > summary").click()
    expect(page.locator(".more-links a[href='/cases/due/']")).to_contain_text(
        re.compile(r"\d+ due now")
    )
    page.locator(".more-links a[href='/cases/due/']").click()
    expect(page.get_by_role("heading", name="What is due", level=1)).to_be_visible()
    expect(page.locator("#due-overdue")).to_be_visible()
    journey.check("due-list")
    due_now = page.locator(DUE_NOW).count()
    assert due_now >= 2

    # And records each step it lists for today, from the case page it leads to
    for _ in range(due_now):
        line = page.locator(DUE_NOW).first.locator("a.name")
        what = line.inner_text()
        line.click()
        step = page.locator("li.step").filter(has=page.get_by_text(what, exact=True))
        step.locator("summary").click()
        step.get_by_label("What was done").fill("Fictional: done with her this morning.")
        step.get_by_role("button", name="Done").click()
        journey.goto("/cases/due/")

    # Then nothing is due today any more, and the menu counts nothing
    expect(page.locator(DUE_NOW)).to_have_count(0)
    expect(page.locator("details.more > summary .badge")).to_have_count(0)
    journey.check("due-cleared")
