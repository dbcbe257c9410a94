"""The child's written sheets in every language Haven speaks, for three age bands (CC-11, PS-5,
VW-2, CC-12), with their review status shown honestly: every topic has a text in every band;
the band follows the child's (presumed) age and the worker may choose another; a sheet in a
language no native-speaking practitioner has reviewed says so, in its language and the
worker's; every language × band prints to a PDF whose embedded fonts hold a glyph for every
character, in which Thai, Khmer, Lao and Burmese lines never start inside a character cluster."""

import functools
import io
import re
import unicodedata
from collections import Counter
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation
from fontTools.ttLib import TTFont

from haven.accounts.languages import statuses
from haven.accounts.models import LanguageReview
from haven.accounts.services import language_review_record
from haven.audit.models import AuditEvent
from haven.consent.models import Topic
from haven.consent.services import information_session_record, information_sheet
from haven.consent.sheets import (
    AWAITING_REVIEW,
    SECTIONS,
    Band,
    band_for,
    closest_sheet_language,
    render_sheet_html,
)
from haven.core.pdf import render_pdf
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
COMPLEX_SCRIPTS = {"th", "km", "lo", "my"}
REORDERED = {"km", "my"}
# Signs that stack the next consonant below (Khmer COENG, Myanmar VIRAMA, Lao and Thai
# PHINTHU): shaping draws them as part of the stacked glyph, so no font maps them on their own.
STACKERS = {"\u17d2", "\u1039", "\u0e3a", "\u0eba"}


def _session(case: Any, actor: Any, topics: list[str] | None = None) -> Any:
    return information_session_record(
        case=case,
        actor=actor,
        given_at=timezone.now() - timedelta(minutes=10),
        topics=topics or list(Topic.values),
        language="id",
        formats=["verbal"],
        given_by="Fictional Case Worker",
        written_copy_left=True,
    )


def _html(session: Any, language: str, band: str, *, worker_language: str = "en") -> str:
    with translation.override(worker_language):
        return render_sheet_html(
            session=session,
            language=language,
            include_contacts=False,
            case_worker=None,
            printed_on=date(2026, 12, 6),
            band=band,
        )


def _text(html: str) -> str:
    body = html.split("<body", 1)[1]
    return unescape(re.sub(r"<[^>]+>", " ", body.split(">", 1)[1]))


def _skeleton(text: str) -> str:
    """The letters of a text without marks, spaces and format characters: what survives a PDF's
    text extraction in any order of combining and pre-base vowel signs."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFKD", text)
        if not ch.isspace() and unicodedata.category(ch) not in ("Mn", "Mc", "Cf")
    )


def _covered(ch: str, codepoints: set[int]) -> bool:
    """A character has its glyph when the fonts map it, or every part of its decomposition (Thai
    SARA AM is drawn as NIKHAHIT and SARA AA)."""
    return ord(ch) in codepoints or all(
        ord(part) in codepoints for part in unicodedata.normalize("NFKD", ch)
    )


def _layout_lines(html: str) -> list[str]:
    """The text of each line WeasyPrint laid out, in the order it was written."""
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    lines: list[str] = []

    def walk(box: Any) -> None:
        if isinstance(box, LineBox):
            lines.append("".join(t.text for t in box.descendants() if isinstance(t, TextBox)))
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in HTML(string=html).render().pages:
        walk(page._page_box)
    return [line for line in lines if line.strip()]


NOTO = Path("/usr/share/fonts/truetype/noto")
SHEET_FONTS = ("NotoSans", "NotoSansThai", "NotoSansKhmer", "NotoSansLao", "NotoSansMyanmar")


@functools.cache
def _sheet_font_codepoints() -> frozenset[int]:
    """Every character the sheet's font list (consent/sheet.html) holds a glyph for. A PDF
    subset keeps in its cmap only the characters drawn alone; one drawn inside a shaped cluster
    (a Khmer vowel around its consonant) is checked here."""
    found: set[int] = set()
    for name in SHEET_FONTS:
        found |= set(TTFont(NOTO / f"{name}-Regular.ttf").getBestCmap())
    return frozenset(found)


def _embedded_codepoints(pdf: bytes) -> set[int]:
    """Every character the fonts embedded in the PDF hold a glyph for (their cmaps)."""
    found: set[int] = set()
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if "/DescendantFonts" in font:
                font = font["/DescendantFonts"][0].get_object()
            descriptor = font["/FontDescriptor"].get_object()
            stream = next(descriptor[k] for k in ("/FontFile2", "/FontFile3") if k in descriptor)
            cmap = TTFont(io.BytesIO(stream.get_object().get_data())).getBestCmap() or {}
            found |= set(cmap)
    return found


# --- the texts ------------------------------------------------------------------------------------


def test_cc11_every_band_has_a_text_for_every_topic_in_the_same_order() -> None:
    for band in Band.values:
        assert [s.topic for s in SECTIONS[band]] == list(Topic.values), band
        assert all(s.lines for s in SECTIONS[band]), band


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (None, "10_14"),
        (6, "under_10"),
        (9, "under_10"),
        (10, "10_14"),
        (14, "10_14"),
        (15, "15_17"),
        (17, "15_17"),
        (19, "15_17"),
    ],
)
def test_cc11_the_band_follows_the_childs_age(age: int | None, band: str) -> None:
    assert band_for(age) == band


def test_cc11_a_sheet_for_a_child_under_10_says_one_short_idea_a_line_with_a_picture(
    case: Any, case_worker: Any
) -> None:
    html = _html(_session(case, case_worker), "en", Band.UNDER_10)

    assert html.count('<svg class="icon"') == len(Topic.values)
    for section in SECTIONS[Band.UNDER_10]:
        for line in section.lines:
            for sentence in re.split(r"(?<=[.!?])\s+", str(line)):
                assert len(sentence.split()) <= 14, sentence
    assert '<svg class="icon"' not in _html(_session(case, case_worker), "en", Band.FROM_15)


@pytest.mark.parametrize("band", Band.values)
def test_vw2_every_band_tells_the_child_they_may_say_no_to_the_legal_process(
    case: Any, case_worker: Any, band: str
) -> None:
    html = _html(_session(case, case_worker, ["legal_process"]), "en", band)

    assert re.search(r"You can say no|Taking part is your choice", html)
    assert "help" in html


# --- review status, shown honestly ----------------------------------------------------------------


def test_cc11_a_sheet_not_yet_reviewed_says_so_in_its_language_and_the_workers(
    case: Any, case_worker: Any
) -> None:
    html = _html(_session(case, case_worker), "id", Band.FROM_10, worker_language="en")

    with translation.override("id"):
        in_indonesian = str(AWAITING_REVIEW)
    assert in_indonesian != str(AWAITING_REVIEW)
    assert unescape(html).count(in_indonesian) == 1
    assert unescape(html).count(str(AWAITING_REVIEW)) == 1
    # English is the language Haven is written in: nothing awaits review.
    assert str(AWAITING_REVIEW) not in unescape(_html(_session(case, case_worker), "en", "10_14"))


def test_cc11_once_a_practitioner_reviewed_the_language_the_line_goes(
    case: Any, case_worker: Any, admin: Any, agency: Any
) -> None:
    language_review_record(
        actor=admin,
        agency=agency,
        language="id",
        reviewer="Fictional Ibu Sari, social worker",
        reviewed_on=timezone.localdate(),
        notes="Fictional: the kiosk and the sheets for the three age bands.",
    )

    html = _html(_session(case, case_worker), "id", Band.FROM_10)

    assert "awaits" not in html and str(AWAITING_REVIEW) not in unescape(html)
    row = next(r for r in statuses() if r.code == "id")
    assert (row.status, row.review.reviewer) == ("reviewed", "Fictional Ibu Sari, social worker")
    event = AuditEvent.objects.get(action="language.review")
    assert event.changes["language"] == [None, "id"]


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("reviewer", {"reviewer": " "}),
        ("notes", {"notes": ""}),
        ("reviewed_on", {"reviewed_on": date(2999, 1, 1)}),
        ("language", {"language": "en"}),
        ("language", {"language": "xx"}),
    ],
)
def test_cc11_a_review_without_who_when_and_what_is_refused_and_nothing_is_saved(
    admin: Any, agency: Any, field: str, fields: dict[str, Any]
) -> None:
    values = {
        "language": "id",
        "reviewer": "Fictional reviewer",
        "reviewed_on": timezone.localdate(),
        "notes": "Fictional notes.",
        **fields,
    }

    with pytest.raises(ValidationError) as refused:
        language_review_record(actor=admin, agency=agency, **values)

    assert field in refused.value.message_dict
    assert not LanguageReview.objects.exists()


def test_cc11_only_an_administrator_of_the_agency_records_a_review(
    case_worker: Any, other_admin: Any, agency: Any
) -> None:
    for someone in (case_worker, other_admin):
        with pytest.raises(PermissionDenied):
            language_review_record(
                actor=someone,
                agency=agency,
                language="id",
                reviewer="Fictional reviewer",
                reviewed_on=timezone.localdate(),
                notes="Fictional notes.",
            )
    assert not LanguageReview.objects.exists()


def test_cc11_the_languages_page_lists_each_status_and_records_a_review(
    client: Client, admin: Any, agency: Any, case_worker: Any
) -> None:
    browser = signed_in(client, admin)
    page = browser.get("/accounts/languages/").content.decode()
    assert "Written; awaits review by a native-speaking practitioner" in page
    assert "Bahasa Indonesia" in page

    response = browser.post(
        "/accounts/languages/",
        {
            "language": "id",
            "agency": agency.pk,
            "reviewer": "Fictional Ibu Sari, social worker",
            "reviewed_on": timezone.localdate().isoformat(),
            "notes": "Fictional: the kiosk and every sheet.",
        },
        follow=True,
    )

    assert "The review is recorded." in response.content.decode()
    assert LanguageReview.objects.get().agency == agency
    assert signed_in(Client(), case_worker).get("/accounts/languages/").status_code == 403


# --- printing every language and band -------------------------------------------------------------


@pytest.mark.parametrize("band", Band.values)
@pytest.mark.parametrize("language", LANGUAGES)
def test_cc11_ps5_every_language_and_band_prints_with_a_glyph_for_every_character(
    case: Any, case_worker: Any, language: str, band: str
) -> None:
    html = _html(_session(case, case_worker), language, band)
    pdf = render_pdf(html)

    with translation.override(language):
        heading = str(SECTIONS[band][3].heading)  # the legal process (VW-2)
    extracted = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert f'<html lang="{language}"' in html
    # The heading is in the PDF's text, compared by its letters (extraction may reorder marks).
    # Khmer and Burmese come out of any PDF text extractor (pypdf, pdftotext) reordered around
    # their stacked consonants: there, every letter of the heading must be in the page's text.
    if language in REORDERED:
        assert not Counter(_skeleton(heading)) - Counter(_skeleton(extracted)), heading
    else:
        assert _skeleton(heading) in _skeleton(extracted), heading
    covered = _embedded_codepoints(pdf) | _sheet_font_codepoints()
    missing = {
        ch
        for ch in _text(html)
        if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Zs")
        if ch not in STACKERS and not _covered(ch, covered)
    }
    assert missing == set(), f"no glyph for {sorted(missing)}"


@pytest.mark.parametrize("language", sorted(COMPLEX_SCRIPTS & set(LANGUAGES)))
def test_cc11_a_long_line_in_a_complex_script_breaks_between_clusters_not_inside(
    case: Any, case_worker: Any, language: str
) -> None:
    with translation.override(language):
        line = " ".join(str(s) for s in SECTIONS[Band.FROM_15][3].lines)
    html = (
        f'<html lang="{language}"><body style="width: 40mm; font-family: \'Noto Sans\', '
        "'Noto Sans Thai', 'Noto Sans Khmer', 'Noto Sans Lao', 'Noto Sans Myanmar'\">"
        f"<p>{line}</p></body></html>"
    )

    render_pdf(html)  # it prints

    lines = _layout_lines(html)
    assert len(lines) > 3  # it did wrap
    for text_line in lines:
        assert unicodedata.category(text_line.strip()[0]) not in ("Mn", "Mc"), text_line


# --- bad input: a language Haven has no sheet in -----------------------------------------------


@pytest.mark.parametrize(
    ("spoken", "closest"), [("hmn", "lo"), ("shn", "my"), ("tl", "fil"), ("zh", "en"), ("xx", "en")]
)
def test_cc10_a_language_with_no_sheet_offers_the_closest_one(spoken: str, closest: str) -> None:
    assert closest_sheet_language(spoken) == closest


def test_cc11_the_worker_chooses_another_band_and_the_print_is_audited_with_it(
    case: Any, case_worker: Any
) -> None:
    session = _session(case, case_worker, ["legal_process"])

    information_sheet(
        session=session, actor=case_worker, language="en", include_contacts=False, band="15_17"
    )
    with pytest.raises(ValidationError) as refused:
        information_sheet(
            session=session, actor=case_worker, language="en", include_contacts=False, band="9"
        )

    events = AuditEvent.objects.filter(action="information.sheet")
    assert [e.changes["band"] for e in events] == [[None, "15_17"]]
    assert "band" in refused.value.message_dict


def test_cc11_a_nine_year_olds_sheet_is_written_for_under_10_by_default(
    case_worker: Any, agency: Any
) -> None:
    from haven.cases.services import case_register
    from tests.factories import child_fields

    young = case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(birth_date=timezone.localdate() - timedelta(days=9 * 365 + 30)),
        languages=["km"],
    )
    session = _session(young, case_worker, ["legal_process"])

    information_sheet(session=session, actor=case_worker, language="en", include_contacts=False)

    assert AuditEvent.objects.get(action="information.sheet").changes["band"] == [
        None,
        "under_10",
    ]


def test_cc11_the_glyph_check_would_find_a_character_no_sheet_font_draws() -> None:
    fonts = _sheet_font_codepoints()
    assert _covered("ក", fonts) and _covered("ำ", fonts)
    assert not _covered("\U0001d800", fonts)  # Sutton SignWriting: no Noto font of the sheet
