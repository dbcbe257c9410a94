from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "haven.directory"
    verbose_name = _("Service directory and referrals")

    def ready(self) -> None:
        from haven.directory import labels, rules  # noqa: F401  (registers the area's rules and audit labels)
