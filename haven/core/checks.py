from django.conf import settings
from django.core.checks import Error, Warning, register


@register("security")
def demo_mode_is_local_only(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The demo's simplified second factor must never reach a real deployment."""
    if settings.DEMO_MODE and not settings.DEV:
        return [
            Error(
                "HAVEN_DEMO_MODE is on outside HAVEN_DEV.",
                hint="Demo mode shows second-factor codes on screen; unset HAVEN_DEMO_MODE.",
                id="haven.E001",
            )
        ]
    return []


@register()
def pdf_libraries(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """The children's written sheets (PS-5) are PDFs: WeasyPrint needs Pango from the system."""
    from haven.consent.sheets import pdf_unavailable

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
