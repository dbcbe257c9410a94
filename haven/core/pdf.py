"""Printing HTML to PDF with WeasyPrint: the child's written information sheets
(haven.consent.sheets) and the case summary (haven.web.summary)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
