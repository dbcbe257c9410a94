"""A case worker photographs a child's document on a 360×640 phone and prints the case summary
for a case conference (DP-13, CC-9): the photo's GPS position is gone when it is downloaded; the
summary is a PDF with "Confidential" and her name on every page."""

import io
import os
import subprocess
from pathlib import Path

import pypdf
from PIL import Image
from playwright.sync_api import expect

from tests.documents.test_documents import GPS_TAG, photo_with_gps
from tests.e2e.journey import open_case, sign_in_with_cookie


def test_dp13_cc9_a_case_worker_attaches_a_photo_without_its_location_and_prints_the_summary(
    journey, context, office, kanya
):
    # Given a girl's case, and a phone photo of her school card that carries its GPS position
    case = open_case(kanya, office, "ฝน", "ใจดี", "Fon Jaidee", age=14, sex="female")
    sign_in_with_cookie(context, kanya, journey.base_url)
    page = journey.page
    journey.goto(f"/cases/{case.public_id}/")

    # When Kanya attaches it from the case page
    page.get_by_role("link", name="Attach a document or photo").click()
    page.get_by_label("File or photo").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps(600, 400)}
    )
    page.get_by_label("What kind of document").select_option("identity")
    page.get_by_label("What it is, in a few words").fill("School card (fictional)")
    page.get_by_label("Identity (names, age, sex, nationality, languages)").check()
    page.get_by_role("button", name="Attach", exact=True).click()

    # Then it is listed with its preview, and what she downloads has no position in it
    expect(page.get_by_text("The document is attached.")).to_be_visible()
    expect(page.get_by_role("img", name="School card (fictional)")).to_be_visible()
    journey.check("documents")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download").first.click()
    photo = Image.open(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert not photo.getexif().get_ifd(GPS_TAG) and GPS_TAG not in photo.getexif()
    assert "Fon" not in download.value.suggested_filename

    # And she prints the case summary for the case conference
    journey.goto(f"/cases/{case.public_id}/")
    with page.expect_download() as printed:
        page.get_by_role("link", name="Print the case summary").click()
    path = printed.value.path()
    pages = [p.extract_text() for p in pypdf.PdfReader(path).pages]
    for text in pages:
        assert "CONFIDENTIAL" in text and kanya.get_full_name() in text
    assert "School card (fictional)" in "\n".join(pages)
    folder = os.environ.get("HAVEN_SCREENSHOTS", "")
    if folder:
        # The PDF Haven just served, drawn by Debian's poppler-utils for the user guide.
        subprocess.run(  # noqa: S603
            [
                "/usr/bin/pdftoppm",
                "-png",
                "-r",
                "60",
                "-singlefile",
                "-l",
                "1",
                path,
                str(Path(folder) / "case-summary-pdf"),
            ],
            check=True,
        )
