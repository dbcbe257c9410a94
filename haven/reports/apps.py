from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "haven.reports"
    verbose_name = _("Reports and statistics")

    def ready(self) -> None:
        from haven.reports import labels  # noqa: F401  (registers the area's audit labels)
