"""A 14-year-old boy is a witness against the man who trafficked him (VW-1 … VW-6): the case
worker records the proceeding; his statement is refused until he has been told about the legal
process and a best-interests determination lets him choose; his "yes" to a recorded statement is
recorded, the statement taken, a hearing set with his support person and the child-friendly
measures, and he is told about it within 48 hours."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from haven.accounts.roles import Role
from haven.cases.services import case_assign
from haven.consent.services import information_session_record
from haven.justice.models import HearingAttendance, Participation, ProceedingStatement
from tests.e2e.journey import open_case, sign_in_with_cookie
from tests.factories import determination, staff

COURT = "Lotus Path Provincial Court"


def test_vw1_a_statement_waits_for_the_childs_informed_choice_then_support_and_updates(
    journey, context, office, kanya, orawan
):
    # Given a boy of the office, with a psychologist assigned as his support person
    case = open_case(kanya, office, "ต้น", "ใจกล้า", "Ton Jaikla", age=14, sex="male")
    malee = staff(
        office, Role.PSYCHOLOGIST, username="malee", first_name="Malee", last_name="Thongdee"
    )
    case_assign(case=case, actor=orawan, user=malee, role="support_person")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    yesterday = f"{timezone.localdate() - timedelta(days=1)}T10:00"

    # When Kanya opens Justice from the case page and records the proceeding
    journey.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Justice", exact=True).click()
    expect(page.get_by_text("No proceeding recorded for this child.")).to_be_visible()
    journey.check()
    page.get_by_role("link", name="Record a proceeding").click()
    page.get_by_label("Kind of proceeding").select_option("criminal")
    page.get_by_label("Authority or court").fill(COURT)
    page.get_by_label("Its reference").fill("LP 17/2026")
    page.get_by_label("Stage").select_option("investigation")
    page.get_by_label("Opened on").fill(f"{timezone.localdate() - timedelta(days=20)}")
    page.get_by_label("Witness").check()
    page.get_by_label("The accused, one per line").fill("Fictional Accused Somchai")
    page.get_by_label("Their lawyers or representatives, one per line").fill(
        "Fictional Defence Lawyer"
    )
    journey.check("justice-proceeding-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The proceeding is recorded.")
    expect(page.get_by_role("heading", name=f"{COURT} · LP 17/2026")).to_be_visible()

    # And the prosecutor asks for his statement: Haven refuses, he has not chosen (VW-1)
    page.get_by_role("link", name="Record a statement or testimony").click()
    expect(page.get_by_text("not decided — record the child's choice first").first).to_be_visible()
    page.get_by_label("Statement to police or prosecutor").check()
    page.get_by_label("When").fill(yesterday)
    page.get_by_label("Interviewed by").fill("Fictional Prosecutor")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Support person present").fill("Malee Thongdee")
    page.get_by_role("button", name="Save").click()
    refusal = page.locator("#form-errors")
    expect(refusal).to_contain_text("VW-1: The child does not take part (giving a statement)")
    journey.check("justice-statement-refused", at=page.get_by_role("heading", level=1))
    assert not ProceedingStatement.objects.exists()

    # The participation page says what is missing and where to record it
    page.get_by_role("link", name="Record the child's choice").click()
    expect(page.get_by_text("No information session on the legal process")).to_be_visible()
    expect(page.get_by_role("link", name="Record the determination")).to_be_visible()
    journey.check("justice-participation-missing")

    # Then Kanya tells him about the process and that he may say no, and the panel decides
    information_session_record(
        case=case,
        actor=kanya,
        given_at=timezone.now() - timedelta(days=1),
        topics=["legal_process", "rights"],
        language="th",
        formats=["verbal", "written"],
        given_by="Kanya Saengdao",
        written_copy_left=True,
    )
    determination(case, kanya, "legal_participation")
    page.reload()
    expect(page.get_by_text("No information session on the legal process")).to_have_count(0)

    # And records his choice: yes to a recorded statement, the risks weighed with him
    page.get_by_label("Giving a statement").check()
    page.get_by_label("The child agrees to take part").check()
    page.get_by_label("Information session on the legal process").select_option(index=1)
    page.get_by_label("Best-interests determination about taking part").select_option(index=1)
    for risk, level in (
        ("Risk of re-traumatisation", "Medium"),
        ("Risk of intimidation", "Low"),
        ("Risk of reprisal", "Medium"),
    ):
        page.get_by_role("group", name=risk).get_by_label(level).check()
    page.get_by_label("The child's views, in their words").fill(
        "Fictional: I will tell it once, on video, if Malee is there."
    )
    journey.check("justice-participation-form", at=page.get_by_role("group", name="Taking part by"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The child's choice is recorded.")
    assert Participation.objects.get().choice == "agrees"

    # Now the statement is taken, video-recorded to be reused
    page.get_by_role("link", name="Record a statement or testimony").click()
    page.get_by_label("Statement to police or prosecutor").check()
    page.get_by_label("When").fill(yesterday)
    page.get_by_label("Interviewed by").fill("Fictional Prosecutor")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Support person present").fill("Malee Thongdee")
    page.get_by_label("Video-recorded, to be reused").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The statement is recorded")
    expect(page.get_by_text("video-recorded: reused")).to_be_visible()

    # A hearing is set; his support person and the measures are recorded for it (VW-3, VW-4)
    page.get_by_text("Record a hearing date").click()
    page.get_by_label("Date of the hearing").fill(f"{timezone.localdate() + timedelta(days=21)}")
    page.get_by_label("What it is for").fill("Fictional: hearing of the witnesses")
    page.get_by_role("button", name="Save").first.click()
    expect(page.get_by_role("status").first).to_contain_text("The hearing is recorded.")
    page.get_by_role("link", name="Support person and measures").click()
    page.get_by_label("Support person (assigned to the case)").select_option(label="Malee Thongdee")
    page.get_by_label("Who they are to the child").fill("psychologist")
    for group, measures in (
        ("Measures requested", ("Video link or remote testimony", "Screen or separation")),
        ("Measures granted by the court", ("Video link or remote testimony",)),
    ):
        for measure in measures:
            page.get_by_role("group", name=group).get_by_label(measure).check()
    journey.check("justice-hearing-support", at=page.locator("label[for=id_support_user]"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("Support and measures at the hearing")
    attendance = HearingAttendance.objects.get()
    assert attendance.support_user == malee
    assert attendance.granted == ["video_link"]

    # The hearing is news he has not been told: the page says so at the top (VW-6)
    expect(page.locator(".alert").first).to_contain_text("VW-6")
    journey.check("justice-page-news", at=page.get_by_role("heading", level=1))

    # When Kanya tells him, in Thai, with Malee there
    page.get_by_role("link", name="Record an update to the child").click()
    page.get_by_label("What was explained to the child").fill(
        "Fictional: the hearing date, that he speaks by video from another room, and that he "
        "can ask for a break."
    )
    journey.check("justice-update-form")
    page.get_by_role("button", name="Save").click()

    # Then the alert is gone, and the page shows the last update and when the next is due
    expect(page.get_by_role("status").first).to_contain_text("The update to the child is recorded.")
    expect(page.get_by_text("Tell the child what happened in the proceeding")).to_have_count(0)
    expect(page.get_by_text("Next update due by")).to_be_visible()
    journey.check("justice-page", at=page.get_by_role("heading", name=f"{COURT} · LP 17/2026"))
