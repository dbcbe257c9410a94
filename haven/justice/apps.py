from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    """Children as victim-witnesses (VW-1 … VW-8): proceedings, participation, support,
    child-friendly measures, statements, updates, reprisal risk, compensation. Beside
    placements; above consent and decisions, whose sessions and determinations it reads."""

    name = "haven.justice"
    verbose_name = _("Justice")

    def ready(self) -> None:
        from haven.justice import due, labels, rules  # noqa: F401  (registers the rules, labels and what is due)
