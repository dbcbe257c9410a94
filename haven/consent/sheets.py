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
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from haven.consent.models import InformationSession, Topic


def sheet_languages() -> list[tuple[str, str]]:
    """Languages a sheet can be printed in: those Haven is translated into, each named in its
    own language so the child can point to theirs."""
    return [
        (code, translation.get_language_info(code)["name_local"]) for code, _ in settings.LANGUAGES
    ]


def sheet_language_for(language: str) -> str | None:
    """The session's language when a sheet can be printed in it, else None (the practitioner
    chooses, and an interpreter reads it aloud)."""
    return language if language in dict(sheet_languages()) else None


@dataclass(frozen=True)
class Section:
    topic: str
    heading: Any
    lines: tuple[Any, ...]


# What each topic says, in words a child can follow (PS-5, CC-11). Gettext-lazy: they are
# translated when the sheet is rendered in the chosen language.
SECTIONS: tuple[Section, ...] = (
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


def sheet_context(
    *, session: InformationSession, include_contacts: bool, case_worker: Any
) -> dict[str, Any]:
    """What the sheet shows: the sections for the topics explained in the session, in the
    catalogue's order, and (when safe) who to ask."""
    explained = set(session.topics)
    contacts = None
    if include_contacts:
        contacts = {
            "case_worker": case_worker.first_name if case_worker else "",
            "agency": session.case.lead_agency.name,
        }
    return {
        "sections": [s for s in SECTIONS if s.topic in explained],
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
) -> str:
    context = sheet_context(
        session=session, include_contacts=include_contacts, case_worker=case_worker
    )
    with translation.override(language):
        context["language"] = language
        context["bidi"] = translation.get_language_bidi()
        context["printed_on"] = printed_on
        return render_to_string("consent/sheet.html", context)


def pdf_unavailable() -> str:
    """Why this server cannot print PDFs ("" when it can): WeasyPrint needs the system's Pango
    library, which pip does not install (docs/deployment.md)."""
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:
        return str(exc)
    return ""


def render_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only this path needs.
    if pdf_unavailable():
        raise ValidationError(
            _(
                "This server cannot print sheets yet: ask the system administrator to install "
                "the PDF libraries (see the deployment guide)."
            )
        )
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())
