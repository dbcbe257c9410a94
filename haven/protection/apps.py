from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "haven.protection"
    verbose_name = _("Protection and support")

    def ready(self) -> None:
        from haven.protection import labels, rules, steps  # noqa: F401  (registers the rules, labels and first steps it meets)
