from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "haven.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from haven.cases import labels, rules  # noqa: F401  (registers the area's rules and audit labels)
