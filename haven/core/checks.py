from django.conf import settings
from django.core.checks import Error, register

from haven.core.retention import problems


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
def retention_schedule_is_complete(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """DP-8: a schedule for every class of data, or the erasure job cannot run."""
    return [
        Error(
            text,
            hint="See docs/deployment.md, 'Retention and erasure'.",
            id="haven.E002",
        )
        for text in problems(getattr(settings, "HAVEN_RETENTION", None))
    ]
