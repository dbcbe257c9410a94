from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardsConfig(AppConfig):
    name = "haven.safeguards"
    verbose_name = _("Safeguards")

    def ready(self) -> None:
        from haven.safeguards import labels  # noqa: F401  (registers the area's audit labels)
