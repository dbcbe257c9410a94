"""System checks of the consent area (`manage.py check`)."""

from django.core.checks import Warning, register

from haven.core.pdf import pdf_unavailable


@register()
def pdf_libraries(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The children's written sheets (PS-5) are PDFs: WeasyPrint needs Pango from the system."""
    reason = pdf_unavailable()
    if reason:
        return [
            Warning(
                "WeasyPrint cannot load its system libraries: written sheets cannot be printed.",
                hint="Install Pango and the Noto fonts (Debian: apt-get install libpango-1.0-0 "
                f"libpangoft2-1.0-0 fonts-noto-core). {reason}",
                id="haven.W001",
            )
        ]
    return []
