from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    """Recovery and reintegration (RR-1 … RR-5, RR-8): family, family assessment, pathway,
    safety plan, reintegration and transition plans with services, reviews and follow-up visits.
    Above placements and justice: it reads where the child lives."""

    name = "haven.reintegration"
    verbose_name = _("Recovery and reintegration")

    def ready(self) -> None:
        from haven.reintegration import due, labels, rules  # noqa: F401  (registers the rules, labels and what is due)
