from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "haven.consent"
    verbose_name = _("Consent and information")

    def ready(self) -> None:
        from haven.consent import checks, labels, rules, steps  # noqa: F401  (registers the rules, labels and first steps it meets)
