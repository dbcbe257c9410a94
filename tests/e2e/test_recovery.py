"""A 13-year-old girl goes home to her mother (RR-1 … RR-6): the case worker records her family,
and the uncle who sold her is recorded as implicated; a return home is refused until the family
is assessed and a determination deals with the uncle; the plan is agreed with a service for her
mother; the first follow-up visit is recorded and the plan reads in a minute. The return is
carried out, the case worker asks to close the case as back with the family and the supervisor
approves; when she is found back in
exploitation, it reopens with everything recorded before."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from haven.cases.models import Case
from haven.reintegration.models import FamilyMember, FollowUpVisit, Pathway, PlanService
from tests.e2e.journey import open_case, sign_in_with_cookie
from tests.factories import determination


def test_rr1_rr3_rr5_a_return_home_waits_for_the_assessment_and_the_uncle_then_is_followed_up(
    journey, context, office, kanya, orawan
):
    # Given a girl of the office, and a determination that she returns to her mother
    case = open_case(kanya, office, "ฝน", "ดีงาม", "Fon Deengam")
    determination(case, kanya, "return")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    today = timezone.localdate()

    # When Kanya opens Recovery from the case page and records the family
    journey.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Recovery", exact=True).click()
    expect(page.get_by_text("No family member recorded.")).to_be_visible()
    journey.check()
    for name, who, implicated in (
        ("Fictional Mother Pim", "Mother", False),
        ("Fictional Uncle Chai", "Aunt or uncle", True),
    ):
        page.get_by_role("link", name="Add a family member").click()
        page.get_by_label("Name").fill(name)
        page.get_by_label("Who they are to the child").select_option(label=who)
        if implicated:
            page.get_by_label("Implicated in the trafficking (known or suspected)").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").first).to_contain_text("The family member is recorded.")
    expect(page.get_by_text("implicated in the trafficking", exact=True)).to_be_visible()

    # And tries to decide the return home before assessing the family: refused (RR-3)
    page.get_by_role("link", name="Decide the pathway").click()
    page.get_by_label("Return to the family (reunification)").check()
    page.get_by_label("Best-interests determination").select_option(index=1)
    page.get_by_label("The needs, wishes and risks that point to this pathway").fill(
        "Fictional: she wants to go home; her mother can care for her with support."
    )
    page.get_by_label("The child's views, in their words").fill("Fictional: I want my mother.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#form-errors")).to_contain_text("Assess the family first")
    assert not Pathway.objects.exists()

    # Then she assesses the family with the girl's words
    page.get_by_role("link", name="Back to Recovery").click()
    page.get_by_role("link", name="Assess the family").click()
    for group, answer in (
        ("Risk to the child's safety in the family", "Medium"),
        ("Abuse or neglect in the family", "No"),
        ("Complicity in the trafficking", "Yes"),
        ("The family's capacity to care", "Able with support"),
    ):
        page.get_by_role("group", name=group).get_by_label(answer, exact=True).check()
    page.get_by_label("What the child says about their family, in their words").fill(
        "Fictional: my mother did not know. My uncle must not come to the house."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The family assessment is recorded.")

    # The return home is refused again: nothing deals with the uncle (RR-3)
    page.get_by_role("link", name="Decide the pathway").click()
    page.get_by_label("Return to the family (reunification)").check()
    page.get_by_label("Best-interests determination").select_option(index=1)
    page.get_by_label("The needs, wishes and risks that point to this pathway").fill(
        "Fictional: she wants to go home; her mother can care for her with support."
    )
    page.get_by_label("The child's views, in their words").fill("Fictional: I want my mother.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#form-errors")).to_contain_text("RR-3")
    journey.check("recovery-pathway-refused", at=page.get_by_role("heading", level=1))
    assert not Pathway.objects.exists()

    # When she says how the determination deals with him, the pathway is recorded
    page.get_by_label(
        "How the determination deals with a family member implicated in the trafficking"
    ).fill("Fictional: the uncle is charged and lives in another province; no contact.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The pathway is recorded.")
    assert Pathway.objects.get().kind == "reunification"

    # And agrees the plan with the girl, with a service for her mother
    page.get_by_role("link", name="Agree a plan with the child").click()
    page.get_by_label("Reintegration plan").check()
    page.get_by_label("The goals, in the child's words").fill(
        "Fictional: go back to school; help my mother at the market on Saturdays."
    )
    page.get_by_label("Who is responsible for what").fill(
        "Fictional: Kanya for school; the cooperative for the mother's stall."
    )
    page.get_by_label("First review by").fill(f"{today + timedelta(days=60)}")
    page.get_by_label("First follow-up visit by").fill(f"{today + timedelta(days=14)}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The plan is recorded.")
    page.get_by_role("link", name="Add a service").click()
    page.get_by_label("The service").fill("Fictional: market stall training and a small loan")
    page.get_by_label("Who provides it").fill("Fictional Women's Cooperative")
    page.get_by_label("For a family member").select_option(label="Fictional Mother Pim (Mother)")
    page.get_by_label("Status").select_option("planned")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The service is added to the plan.")
    assert PlanService.objects.get().family_member.name == "Fictional Mother Pim"

    # Then the first follow-up visit is recorded, with what she said
    page.get_by_role("link", name="Record a follow-up visit").click()
    page.get_by_label("Visited by").fill("Kanya Saengdao")
    page.get_by_label("What you observed").fill("Fictional: a calm home; her books on the table.")
    page.get_by_label("The child's view, in their words").fill("Fictional: I am happy at home.")
    page.get_by_label("Next visit by").fill(f"{today + timedelta(days=30)}")
    journey.check("recovery-visit-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The follow-up visit is recorded.")
    assert FollowUpVisit.objects.count() == 1
    expect(page.get_by_text("Next follow-up visit by")).to_be_visible()
    journey.check("recovery-page", at=page.get_by_role("heading", name="Plans and follow-up"))

    # When the return home is recorded as carried out, the case closes as back with the family
    page.get_by_text("Record that it is carried out").click()
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status").first).to_contain_text("carried out")
    page.get_by_role("link", name="Back to the case").click()
    page.get_by_label("Move to").select_option(label="Closed (a supervisor approves)")
    page.get_by_label("Why the case closes (when closing)").select_option(
        label="Back with the family, and followed up at home"
    )
    page.get_by_label("Reason").fill("Fictional: home for a month, at school, visits go well.")
    page.get_by_role("button", name="Change stage").click()
    expect(page.get_by_role("status").first).to_contain_text("Closing is asked for")
    assert Case.objects.get(pk=case.pk).stage != "closed"

    # And her supervisor approves the closing from her list (RR-6, CC-1)
    context.clear_cookies()
    sign_in_with_cookie(context, orawan, journey.base_url)
    journey.goto("/cases/")
    expect(page.get_by_role("heading", name="Closures waiting for your approval")).to_be_visible()
    page.get_by_role("region", name="Closures waiting for your approval").get_by_role(
        "link", name="ฝน ดีงาม"
    ).click()
    page.get_by_label("Approve: close the case").check()
    journey.check("closure-approval", at=page.get_by_role("heading", name="Stage"))
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status").first).to_contain_text("The case is closed.")
    assert Case.objects.get(pk=case.pk).stage == "closed"
    context.clear_cookies()
    sign_in_with_cookie(context, kanya, journey.base_url)

    # Then she is found back in exploitation: the case reopens with her family and plan (RR-6)
    journey.goto(f"/cases/{case.public_id}/recovery/")
    page.get_by_role("link", name="Record a return to exploitation").click()
    expect(
        page.get_by_text("The case is closed and will open again at protection.")
    ).to_be_visible()
    page.get_by_role("group", name="Forms of exploitation").get_by_label(
        "Sexual exploitation"
    ).check()
    page.get_by_label("What is known: where, by whom, in what situation").fill(
        "Fictional: found by an outreach worker at a karaoke bar in the next town."
    )
    journey.check("recovery-retrafficking-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The case is open again")
    reopened = Case.objects.get(pk=case.pk)
    assert (reopened.stage, reopened.retrafficking.count()) == ("protection", 1)
    assert FamilyMember.objects.filter(case=case).count() == 2
    expect(page.get_by_role("rowheader", name="Fictional Mother Pim")).to_be_visible()
