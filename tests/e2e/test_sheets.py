"""The legal process and the right to say no, in writing, for two children (VW-2, PS-5, CC-10,
CC-11): a new case worker explains it to a 9-year-old Khmer-speaking girl and to a 16-year-old
Vietnamese-speaking boy, records each session and prints each child's sheet. The sheet comes
in the child's language and age band without being chosen, says that the text awaits a native
speaker's review, in the child's language and the worker's, and the session is on the case.
With HAVEN_SCREENSHOTS set, the first page of each PDF is saved beside the pages' pictures."""

import io
import os
import subprocess
from collections import Counter
from pathlib import Path

import pypdf
from django.utils import translation
from playwright.sync_api import expect

from haven.consent.models import InformationSession, Topic
from haven.consent.sheets import AWAITING_REVIEW, SECTIONS, Band
from tests.consent.test_sheet_bands import _skeleton
from tests.e2e.journey import open_case, sign_in_with_cookie

LEGAL = "The legal process, and the right to decline to take part"


def _letters_in(text: str, pdf_text: str) -> bool:
    """Every letter of `text` is in the page's text (Khmer comes out of text extraction
    reordered around its stacked consonants; see tests/consent/test_sheet_bands.py)."""
    return not Counter(_skeleton(text)) - Counter(_skeleton(pdf_text))


def _print_sheet(journey, case, language: str, band: str, picture: str) -> str:  # type: ignore[no-untyped-def]
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/protection/")
    page.get_by_role("link", name="Record an information session").click()
    page.get_by_label(LEGAL).check()
    page.get_by_label("The child's questions, and the answers").fill(
        "Fictional: asked whether the police will come to the shelter. No, not without us."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The information session is recorded.")).to_be_visible()

    # The sheet is in the child's language and age band without being chosen
    expect(page.get_by_label("Language of the sheet")).to_have_value(language)
    expect(page.get_by_label(str(Band(band).label), exact=True)).to_be_checked()
    journey.check(picture)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the sheet (PDF)").click()
    path = download.value.path()
    folder = os.environ.get("HAVEN_SCREENSHOTS", "")
    if folder:
        out = str(Path(folder) / f"{picture}-pdf")
        # The PDF Haven just served, drawn by Debian's poppler-utils for the user guide.
        subprocess.run(  # noqa: S603
            ["/usr/bin/pdftoppm", "-png", "-r", "60", "-singlefile", "-l", "1", path, out],
            check=True,
        )
    reader = pypdf.PdfReader(io.BytesIO(Path(path).read_bytes()))
    return "".join(p.extract_text() for p in reader.pages)


def test_vw2_cc11_a_new_case_worker_prints_the_legal_process_for_a_khmer_girl_and_a_vietnamese_boy(
    journey, context, office, kanya
):
    # Given a 9-year-old girl who speaks Khmer and a 16-year-old boy who speaks Vietnamese
    sophea = open_case(
        kanya,
        office,
        "សុភា",
        "ចាន់",
        "Sophea Chan",
        age=9,
        sex="female",
        age_status="known",
        languages=("km",),
        nationality="KH",
    )
    minh = open_case(
        kanya,
        office,
        "Minh",
        "Trần",
        "Minh Tran",
        age=16,
        sex="male",
        age_status="known",
        languages=("vi",),
        nationality="VN",
    )
    sign_in_with_cookie(context, kanya, journey.base_url)

    # When Kanya explains the legal process to each and prints the sheet
    khmer = _print_sheet(journey, sophea, "km", Band.UNDER_10, "sheet-khmer-under-10")
    vietnamese = _print_sheet(journey, minh, "vi", Band.FROM_15, "sheet-vietnamese-15-17")

    # Then each sheet speaks of the legal process in the child's language and band, and says
    # that the text awaits review, in that language and in Kanya's
    for text, language, band in ((khmer, "km", Band.UNDER_10), (vietnamese, "vi", Band.FROM_15)):
        with translation.override(language):
            heading = str(next(s.heading for s in SECTIONS[band] if s.topic == Topic.LEGAL_PROCESS))
            review = str(AWAITING_REVIEW)
        assert _letters_in(heading, text), language
        # The review line comes first, in the child's language, then in Kanya's (English).
        # Extraction drops letters drawn inside Khmer's stacked clusters, so for Khmer the
        # first line is checked to be that line in Khmer script; the HTML's exact words are
        # tested in tests/consent/test_sheet_bands.py.
        assert _skeleton(str(AWAITING_REVIEW)) in _skeleton(text)
        first = text[: text.index("This text was written for Haven")]
        if language == "km":
            assert "Haven" in first
            assert sum("\u1780" <= ch <= "\u17ff" for ch in first) > 60
        else:
            assert _skeleton(first) == _skeleton(review)

    # And each session is on the child's case, with the legal process among its topics
    for case in (sophea, minh):
        session = InformationSession.objects.get(case=case)
        assert session.topics == [Topic.LEGAL_PROCESS]
        journey.goto(f"/cases/{case.public_id}/protection/")
        expect(journey.page.locator("#information")).to_contain_text(LEGAL)
