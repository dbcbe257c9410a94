from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "haven.consent"
    verbose_name = _("Consent and information")

    def ready(self) -> None:
        from haven.consent import rules  # noqa: F401  (registers the area's safeguard rules)
