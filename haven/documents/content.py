"""What an uploaded file is, judged by its content, never by its name (DP-13), and images made
safe to keep: re-encoded from their pixels alone, so no EXIF, GPS position, camera serial or
thumbnail survives (a photo's location is where the child is).

Pillow reads and writes the images and pypdfium2 (pdfium, Chromium's PDF engine) opens PDFs and
draws a page for the preview; this module only decides what is accepted."""

import io
import warnings
from dataclasses import dataclass

import pypdfium2 as pdfium
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Photos from phones are 2–8 MB; a scanned court file of a few pages fits in the same.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# The longest side an image keeps: enough to read a document photographed by a phone, and a
# bound on what a decoded image costs in memory.
MAX_SIDE = 4000
PREVIEW_WIDTH = 800


@dataclass(frozen=True)
class Accepted:
    data: bytes
    content_type: str
    pages: int | None = None


def max_bytes() -> int:
    return int(getattr(settings, "HAVEN_DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large() -> str:
    return _(
        "The file is larger than %(mb)d MB. Take the photo again at a lower resolution, or "
        "scan fewer pages into one file."
    ) % {"mb": max_bytes() // (1024 * 1024)}


def accept(data: bytes) -> Accepted:
    """The content to store, or a ValidationError on "content" saying what is wrong."""
    if not data:
        raise ValidationError({"content": _("The file is empty. Choose the file again.")})
    if len(data) > max_bytes():
        raise ValidationError({"content": too_large()})
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return _pdf(data)
    return _image(data)


def _pdf(data: bytes) -> Accepted:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ValidationError(
            {
                "content": _(
                    "This PDF cannot be opened: it may be damaged or protected by a password."
                )
            }
        ) from exc
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        raise ValidationError({"content": _("This PDF has no pages.")})
    return Accepted(data=data, content_type="application/pdf", pages=pages)


def _image(data: bytes) -> Accepted:
    refused = ValidationError(
        {"content": _("Haven keeps photos (JPEG, PNG) and PDFs. This file is neither.")}
    )
    try:
        with warnings.catch_warnings():
            # A decompression bomb is refused, not decoded (Pillow warns, then raises).
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.format not in {"JPEG", "PNG", "WEBP", "GIF", "MPO"}:
                    raise refused
                # Turn the image upright before its EXIF (which says how) is dropped.
                image = ImageOps.exif_transpose(opened)
                image.load()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise refused from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            {"content": _("This image cannot be read: it may be damaged. Take the photo again.")}
        ) from exc
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    keeps_alpha = image.mode in {"RGBA", "LA", "P"} and opened.format != "JPEG"
    # A new image from the pixels alone: nothing of the original's metadata comes along.
    clean = Image.new("RGBA" if keeps_alpha else "RGB", image.size)
    clean.paste(image.convert("RGBA" if keeps_alpha else "RGB"))
    out = io.BytesIO()
    if keeps_alpha or opened.format == "PNG":
        clean.save(out, "PNG", optimize=True)
        return Accepted(data=out.getvalue(), content_type="image/png")
    clean.save(out, "JPEG", quality=88, optimize=True)
    return Accepted(data=out.getvalue(), content_type="image/jpeg")


def pdf_preview(data: bytes, page: int = 0) -> bytes:
    """A page of a PDF drawn as a PNG, for the preview on a phone that shows no PDF inline."""
    pdf = pdfium.PdfDocument(data)
    try:
        first = pdf[page]
        scale = PREVIEW_WIDTH / first.get_width()
        bitmap = first.render(scale=scale)
        out = io.BytesIO()
        bitmap.to_pil().convert("RGB").save(out, "PNG", optimize=True)
        return out.getvalue()
    finally:
        pdf.close()
