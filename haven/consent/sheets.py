"""The child's written information sheet (PS-5): what was explained in a session, in the child's
language, to keep and read again.

The sheet is rendered from a template under `translation.override(language)`, so it exists in
every language Haven has a translation for, and printed to PDF by WeasyPrint. The font list
names the Noto families Debian's fonts-noto-core installs, so Thai, Khmer, Lao and Myanmar text
(names, the agency's contacts) prints in its own script.

What it leaves out on purpose: the child's name, the case reference and anything about the
exploitation. A sheet can be lost or found by the wrong person; it carries nothing that would
point to the child. The case worker's first name and the agency can be left out too, where even
that is unsafe.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from haven.accounts.languages import awaits_review
from haven.consent.models import InformationSession, Topic


def sheet_languages() -> list[tuple[str, str]]:
    """Languages a sheet can be printed in: those Haven is translated into, each named in its
    own language so the child can point to theirs."""
    return [
        (code, translation.get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
    ]


# A language Haven has no sheet in, and the one a child who speaks it most often also reads
# (CC-10): the case worker prints that, and the interpreter reads it with the child.
NEAREST: dict[str, tuple[str, ...]] = {
    "shn": ("my", "th"),
    "mnw": ("my", "th"),
    "kar": ("my", "th"),
    "rhg": ("my",),
    "hmn": ("lo", "th"),
    "tl": ("fil",),
    "ceb": ("fil",),
    "jv": ("id",),
    "su": ("id",),
    "ms": ("id",),
    "id": ("ms",),
    "lo": ("th",),
    "th": ("lo",),
}


def nearest_sheet_language(language: str) -> str | None:
    """The nearest other language Haven has a sheet in for a child who speaks `language`, or
    None when none is near."""
    available = dict(sheet_languages())
    return next((c for c in NEAREST.get(language, ()) if c in available), None)


def closest_sheet_language(language: str) -> str:
    """The nearest language Haven has a sheet in for a child who speaks `language`, English
    when none is near."""
    return nearest_sheet_language(language) or "en"


def sheet_language_for(language: str) -> str | None:
    """The session's language when a sheet can be printed in it, else None (the practitioner
    chooses, and an interpreter reads it aloud)."""
    return language if language in dict(sheet_languages()) else None


AWAITING_REVIEW = _(
    "This text was written for Haven and has not yet been checked by a native speaker. Read it "
    "together with the interpreter."
)


class Band(models.TextChoices):
    """Who a sheet is written for (CC-11): the same topics, in words for the child's age and
    maturity. The band follows the child's (presumed) age; the worker may choose another."""

    UNDER_10 = "under_10", _("Under 10: very short sentences, with pictures")
    FROM_10 = "10_14", _("10 to 14")
    FROM_15 = "15_17", _("15 to 17")


def band_for(age: int | None) -> str:
    """The band for a child's age; when the age is not known, the middle one (the worker can
    choose another for the child's maturity)."""
    if age is None:
        return Band.FROM_10
    if age < 10:
        return Band.UNDER_10
    return Band.FROM_10 if age < 15 else Band.FROM_15


@dataclass(frozen=True)
class Section:
    topic: str
    heading: Any
    lines: tuple[Any, ...]


# The pictogram of each topic on a sheet for a child under 10 (consent/sheet_icons.html):
# simple line drawings made for Haven, no external assets.
ICONS: dict[str, str] = {
    Topic.STATUS: "heart",
    Topic.RIGHTS: "star",
    Topic.SERVICES: "house",
    Topic.LEGAL_PROCESS: "scales",
    Topic.CONFIDENTIALITY: "lock",
    Topic.COMPLAINTS: "speech",
    Topic.NEXT_STEPS: "path",
}

# Under 10: one idea a line, in the fewest words.
UNDER_10: tuple[Section, ...] = (
    Section(
        Topic.STATUS,
        _("What is happening"),
        (
            _("Some adults did wrong things to you."),
            _("It is not your fault."),
            _("You are not in trouble."),
            _("We are here to help you."),
        ),
    ),
    Section(
        Topic.RIGHTS,
        _("Your rights"),
        (
            _("You will be kept safe."),
            _("Nobody will lock you up."),
            _("You get help, even if you do not talk to the police."),
            _("You can say what you think. We will listen."),
            _("You can have someone who speaks your language."),
            _("You can say no to a doctor's check."),
        ),
    ),
    Section(
        Topic.SERVICES,
        _("Help for you"),
        (
            _("A safe place to sleep."),
            _("A doctor when you are ill or hurt."),
            _("Someone to talk to."),
            _("School."),
            _("Help to find your family, when it is safe."),
        ),
    ),
    Section(
        Topic.LEGAL_PROCESS,
        _("If the police or a judge ask you questions"),
        (
            _("The police or a judge may want to ask you what happened."),
            _("You can say no."),
            _("If you say no, you still get all the help."),
            _("An adult you trust can stay with you."),
            _("You can ask for a break."),
            _("You can ask not to see the person who hurt you."),
        ),
    ),
    Section(
        Topic.CONFIDENTIALITY,
        _("What you tell us"),
        (
            _("What you tell us stays private."),
            _("We ask you before we tell anyone."),
            _("If you are in danger, we may tell someone who can keep you safe."),
        ),
    ),
    Section(
        Topic.COMPLAINTS,
        _("If you are sad or angry about us"),
        (
            _("Tell your case worker, or another adult you trust."),
            _("You can put a message in the box. You do not have to write your name."),
            _("If someone here hurts you, tell us. We will stop it."),
        ),
    ),
    Section(
        Topic.NEXT_STEPS,
        _("What happens next"),
        (
            _("Your case worker will see you again soon."),
            _("You can ask questions at any time."),
        ),
    ),
)

# 10 to 14: short sentences, the whole of each topic. Gettext-lazy: they are translated when
# the sheet is rendered in the chosen language.
FROM_10: tuple[Section, ...] = (
    Section(
        Topic.STATUS,
        _("What is happening to you"),
        (
            _("People who help children think that others may have used you to make money."),
            _("What happened is not your fault. You are not in trouble."),
            _(
                "You will not be punished for things you were made to do, or for crossing a "
                "border or working without papers."
            ),
        ),
    ),
    Section(
        Topic.RIGHTS,
        _("Your rights"),
        (
            _("You have the right to be safe and looked after."),
            _("Until we know your age for sure, you are treated as a child."),
            _("Children are never locked up in a police cell, a prison or a detention centre."),
            _("You get help whether or not you talk to the police."),
            _("You can say what you think. Adults must listen before they decide about you."),
            _("You can have an interpreter who speaks your language."),
            _("If your parents cannot look after you, a guardian will help you."),
            _("You can say no to a medical check. Nobody will force you."),
            _("You can get help from a lawyer."),
        ),
    ),
    Section(
        Topic.SERVICES,
        _("Help you can get"),
        (
            _("A safe place to stay."),
            _("A doctor or nurse when you are ill or hurt."),
            _("Someone to talk to about how you feel."),
            _("School, or training for work."),
            _("Help to contact your family, when it is safe."),
        ),
    ),
    Section(
        Topic.LEGAL_PROCESS,
        _("If there is a court case"),
        (
            _("The police or a court may ask you what happened."),
            _("You can say no. You will still get all the help you get now."),
            _("An adult you trust can stay with you, and you can ask for breaks."),
            _(
                "You may be able to tell it once, on video, so that you do not have to tell "
                "it again."
            ),
            _(
                "You may be able to speak from another room or behind a screen, so that you "
                "do not see the person accused."
            ),
            _("We will tell you what happens in the court case, and when."),
            _("If anyone threatens you or your family, tell us at once."),
        ),
    ),
    Section(
        Topic.CONFIDENTIALITY,
        _("Your private information"),
        (
            _("What you tell us is kept private."),
            _("We share it only with people who help you, and we ask you first."),
            _(
                "If we think you or another child is in danger, we may have to tell someone "
                "who can keep you safe. We will tell you if we do."
            ),
        ),
    ),
    Section(
        Topic.COMPLAINTS,
        _("If you are unhappy"),
        (
            _("Tell your case worker, or another adult you trust."),
            _("You can leave a message in the feedback box, without your name if you want."),
            _(
                "If someone who works with you hurts you or makes you feel unsafe, tell us. "
                "It will be looked into."
            ),
        ),
    ),
    Section(
        Topic.NEXT_STEPS,
        _("What happens next"),
        (
            _("Your case worker will meet you again soon."),
            _("We will talk with you about where you live, school, and your family."),
            _("You can ask questions at any time, and ask for this sheet again."),
        ),
    ),
)


# 15 to 17: the same topics with what a young person needs to decide for themselves.
FROM_15: tuple[Section, ...] = (
    Section(
        Topic.STATUS,
        _("Your situation"),
        (
            _(
                "People who protect children think you may have been trafficked: used by "
                "others for their gain, through work, sex, begging, crime or other "
                "exploitation."
            ),
            _("This is not your fault, and you are not in trouble for it."),
            _(
                "You will not be punished for what you were made to do, for crossing a border, "
                "or for working or living somewhere without papers."
            ),
            _("You get help while the authorities decide whether you are recognised as a victim."),
        ),
    ),
    Section(
        Topic.RIGHTS,
        _("Your rights"),
        (
            _("You have the right to safety, care and protection, as every child does."),
            _("If your age is not certain, you are treated as under 18 until it is decided."),
            _("Children are not held in police cells, prisons or immigration detention."),
            _("Help never depends on whether you talk to the police or give evidence."),
            _(
                "Your views count: adults must hear you and take them into account before they "
                "decide about you."
            ),
            _("You can have an interpreter in your language."),
            _(
                "If your parents cannot act for you, a guardian is appointed to look after your "
                "interests."
            ),
            _(
                "You can agree to or refuse a medical examination or treatment, after it is "
                "explained to you."
            ),
            _("You can have a lawyer's help."),
        ),
    ),
    Section(
        Topic.SERVICES,
        _("Help and services"),
        (
            _("Safe accommodation."),
            _("Health care, and support for how you feel."),
            _("Education or training for work."),
            _("Help with documents, and legal advice."),
            _(
                "Help to contact your family and, if it is safe, to go back to them; other care "
                "if it is not."
            ),
        ),
    ),
    Section(
        Topic.LEGAL_PROCESS,
        _("The legal process, and your right to say no"),
        (
            _(
                "The police, a prosecutor or a court may ask you to give a statement or evidence "
                "about what happened."
            ),
            _(
                "Taking part is your choice. If you say no, or change your mind later, you keep "
                "all the help you get now."
            ),
            _(
                "Before you decide, someone will explain in your language what taking part "
                "means, its risks and how you are protected."
            ),
            _("A support person you trust can be with you, and you can have a lawyer."),
            _(
                "Your statement may be recorded on video, so that you tell it as few times as "
                "possible."
            ),
            _(
                "You may be able to give evidence from another room or behind a screen, without "
                "facing the person accused."
            ),
            _(
                "You will be told how the case goes, and about what you may be entitled to, "
                "such as compensation."
            ),
            _("If you or your family are threatened, tell your case worker at once."),
        ),
    ),
    Section(
        Topic.CONFIDENTIALITY,
        _("Your privacy"),
        (
            _("What you tell us is confidential."),
            _(
                "It is shared only with people who help you and need to know, and we ask for "
                "your agreement first."
            ),
            _(
                "If you or another child is in serious danger, we may have to share information "
                "to keep you safe. We will tell you when we do."
            ),
            _("You can ask what we have written down about you."),
        ),
    ),
    Section(
        Topic.COMPLAINTS,
        _("Feedback and complaints"),
        (
            _(
                "If you are unhappy with the help you get, tell your case worker or another "
                "adult you trust."
            ),
            _("You can leave feedback in the feedback box, without your name if you prefer."),
            _(
                "If someone who works with you harms you or makes you feel unsafe, report it. "
                "Someone else will look into it."
            ),
            _("Complaining will never stop the help you get."),
        ),
    ),
    Section(
        Topic.NEXT_STEPS,
        _("What happens next"),
        (
            _("Your case worker will meet you again soon to plan with you."),
            _(
                "You will talk together about where you live, school or work, your family, "
                "and what you want for your future."
            ),
            _("Before you turn 18, you will plan together the support that goes on after."),
            _("You can ask questions at any time, and ask for this sheet again."),
        ),
    ),
)

SECTIONS: dict[str, tuple[Section, ...]] = {
    Band.UNDER_10: UNDER_10,
    Band.FROM_10: FROM_10,
    Band.FROM_15: FROM_15,
}


def sheet_context(
    *, session: InformationSession, include_contacts: bool, case_worker: Any, band: str
) -> dict[str, Any]:
    """What the sheet shows: the sections for the topics explained in the session, in the
    catalogue's order and the band's words, and (when safe) who to ask."""
    explained = set(session.topics)
    contacts = None
    if include_contacts:
        contacts = {
            "case_worker": case_worker.first_name if case_worker else "",
            "agency": session.case.lead_agency.name,
        }
    return {
        "sections": [
            {"topic": s.topic, "heading": s.heading, "lines": s.lines, "icon": ICONS[s.topic]}
            for s in SECTIONS[band]
            if s.topic in explained
        ],
        "band": band,
        "given_on": timezone.localtime(session.given_at).date(),
        "contacts": contacts,
    }


def render_sheet_html(
    *,
    session: InformationSession,
    language: str,
    include_contacts: bool,
    case_worker: Any,
    printed_on: date,
    band: str = Band.FROM_10,
) -> str:
    context = sheet_context(
        session=session, include_contacts=include_contacts, case_worker=case_worker, band=band
    )
    # A text no native speaker has reviewed says so, in its language and in the worker's
    # (CC-11): nothing pretends it was checked.
    worker_language = translation.get_language()
    awaiting = None
    if awaits_review(language):
        awaiting = {"worker": "", "worker_language": worker_language}
        if worker_language != language:
            awaiting["worker"] = str(AWAITING_REVIEW)
        with translation.override(language):
            awaiting["sheet"] = str(AWAITING_REVIEW)
    context["awaiting_review"] = awaiting
    with translation.override(language):
        context["language"] = language
        context["bidi"] = translation.get_language_bidi()
        context["printed_on"] = printed_on
        return render_to_string("consent/sheet.html", context)
