from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    """Best-interests assessments and determinations, below every area that needs one."""

    name = "haven.decisions"
    verbose_name = _("Best-interests decisions")

    def ready(self) -> None:
        from haven.decisions import labels, rules  # noqa: F401  (registers the rules and audit labels)
