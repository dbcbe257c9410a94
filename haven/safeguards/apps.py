from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardsConfig(AppConfig):
    """The registry of safeguard rules, the engine that evaluates them, and the Alert and
    Notification records. It knows no area: the areas register their rules, haven.alerts the
    escalation and the pages."""

    name = "haven.safeguards"
    verbose_name = _("Safeguards")

    def ready(self) -> None:
        from haven.safeguards import ending  # noqa: F401  (registers the CC-8 rule every help-ending write meets)
