from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentificationConfig(AppConfig):
    name = "haven.identification"
    verbose_name = _("Identification")

    def ready(self) -> None:
        from haven.identification import due, labels, page, rules  # noqa: F401  (registers the rules, labels, what is due and its part of the case page)
