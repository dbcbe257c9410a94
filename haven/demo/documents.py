"""Fictional documents and photos for the demo (DP-13), attached through the page's service: a
child's drawing, a photographed identity card (its GPS position is removed on upload, like any
photo's) and a scanned hospital letter. Every picture is drawn here; nothing is real."""

import io
from typing import Any

from PIL import Image, ImageDraw

from haven.documents.services import document_attach

GPS_TAG = 0x8825


def _drawing() -> bytes:
    """A child's drawing of a house, a sun and two people."""
    image = Image.new("RGB", (480, 360), (255, 253, 240))
    pen = ImageDraw.Draw(image)
    pen.rectangle((150, 170, 330, 310), outline=(180, 60, 40), width=6)
    pen.polygon([(140, 175), (240, 90), (340, 175)], outline=(200, 80, 30), width=6)
    pen.rectangle((215, 240, 265, 310), fill=(120, 80, 40))
    pen.ellipse((380, 30, 450, 100), fill=(250, 200, 40))
    for x in (60, 100):
        pen.ellipse((x, 220, x + 24, 244), outline=(40, 40, 160), width=4)
        pen.line((x + 12, 244, x + 12, 290), fill=(40, 40, 160), width=4)
    pen.line((0, 312, 480, 312), fill=(60, 150, 60), width=8)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _card_photo() -> bytes:
    """A phone photo of a fictional identity card, with the GPS position a phone adds."""
    image = Image.new("RGB", (640, 420), (90, 90, 90))
    pen = ImageDraw.Draw(image)
    pen.rounded_rectangle((60, 60, 580, 360), radius=18, fill=(235, 240, 250))
    pen.rectangle((90, 110, 230, 290), fill=(190, 200, 215))
    for row in range(5):
        pen.rectangle((260, 120 + row * 36, 540 - row * 30, 134 + row * 36), fill=(120, 130, 150))
    pen.text((260, 310), "FICTIONAL - DEMO ONLY", fill=(180, 30, 30))
    exif = Image.Exif()
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=80)
    return out.getvalue()


def _letter() -> bytes:
    """A one-page scanned letter, as a PDF."""
    image = Image.new("RGB", (595, 842), (255, 255, 255))
    pen = ImageDraw.Draw(image)
    pen.text((60, 60), "Fictional District Hospital - DEMO ONLY", fill=(0, 0, 0))
    for row in range(14):
        pen.rectangle((60, 120 + row * 28, 535 - (row % 4) * 60, 128 + row * 28), fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72)
    return out.getvalue()


def seed(seeder: Any) -> None:
    """Called once by seed_demo's Seeder.run: documents on the first open cases with a case
    worker."""
    cases = [dc for dc in seeder.cases if dc.is_open and dc.case_worker is not None][:3]
    documents = [
        ("drawing", "narrative", "Drawing of a house and the family (fictional)", _drawing),
        (
            "identity",
            "identity",
            "Identity card, photographed at the shelter (fictional)",
            _card_photo,
        ),
        ("medical", "health", "Letter from the district hospital (fictional)", _letter),
    ]
    for dc in cases:
        for kind, sensitivity, title, make in documents:
            document_attach(
                case=dc.case,
                actor=dc.case_worker,
                kind=kind,
                sensitivity=sensitivity,
                title=title,
                data=make(),
            )
