"""Fictional children's feedback for the demo (CC-12, CC-13), through the same services as the
kiosk and the pages: a kiosk in the authority's office with entries in Thai, English and
Indonesian, a complaint resolved, one overdue, and a concern about a practitioner that lands in
the safeguarding lead's inbox. Every place and word here is invented."""

from datetime import timedelta
from typing import Any

from haven.accounts.roles import Capability
from haven.cases.access import agencies_where
from haven.cases.models import Case
from haven.voice import selectors, services
from haven.voice.models import Channel, Kind, Mood

KIOSK_PLACE = "Children's corner, Lotus Path district office"


def add_feedback(seeder: Any) -> None:
    """Called once by seed_demo's Seeder.run, after the case notes."""
    users = seeder.users
    opener = users["caseworker"]
    # Opened as the page offers it: the languages of the children in care first (CC-10).
    kiosk, _token = services.kiosk_open(
        actor=opener,
        place=KIOSK_PLACE,
        languages=selectors.languages_in_care(agencies_where(opener, Capability.OPEN_KIOSK)),
    )
    services.feedback_submit_from_kiosk(
        kiosk=kiosk,
        language="th",
        mood=Mood.HAPPY,
        message="ข้าวเย็นอร่อยมาก อยากเล่นฟุตบอลทุกวันหลังเลิกเรียน",
    )
    services.feedback_submit_from_kiosk(
        kiosk=kiosk,
        language="id",
        mood=Mood.OKAY,
        message="Saya mau belajar menjahit. Terima kasih untuk kakak-kakak di sini.",
    )
    complaint = services.feedback_submit_from_kiosk(
        kiosk=kiosk,
        language="en",
        kind=Kind.COMPLAINT,
        mood=Mood.UNHAPPY,
        message="The lights go off at nine and I cannot finish my homework for the sewing class.",
    )
    services.feedback_acknowledge(feedback=complaint, actor=users["supervisor"])
    services.feedback_resolve(
        feedback=complaint,
        actor=users["supervisor"],
        resolution=(
            "Study room now open until 21:30 on school nights. Told the children at the "
            "Monday meeting; the child who complained can ask for the code-holder."
        ),
    )
    services.feedback_submit_from_kiosk(
        kiosk=kiosk,
        language="en",
        kind=Kind.CONCERN,
        mood=Mood.UNHAPPY,
        message=(
            "The driver who takes us to the clinic shouts at us and says he will send me "
            "back home if I tell anyone."
        ),
        wants_contact=True,
        contact_hint="Ask for me in the art room",
    )
    # A letter from the feedback box, never acknowledged: overdue in the handlers' list.
    services.feedback_record(
        actor=users["guardian"],
        channel=Channel.LETTER,
        language="th",
        kind=Kind.COMPLAINT,
        mood=Mood.UNHAPPY,
        message="โทรหาแม่ได้แค่ห้านาที อยากคุยนานกว่านี้",
        received_at=seeder.now - timedelta(days=10),
    )
    # Feedback a guardian recorded for a child on one of her cases.
    with_guardian = next((dc for dc in seeder.cases if "guardian" in dc.team), None)
    if with_guardian is not None:
        case = Case.objects.select_related("child", "lead_agency").get(pk=with_guardian.case.pk)
        services.feedback_record(
            actor=users["guardian"],
            case=case,
            anonymous=False,
            channel=Channel.IN_PERSON,
            language="th",
            kind=Kind.FEEDBACK,
            mood=Mood.HAPPY,
            message="ชอบครูสอนวาดรูปคนใหม่ อยากให้มีสีเพิ่ม",
        )
