from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "haven.children"
    verbose_name = _("Children")

    def ready(self) -> None:
        from haven.children import labels, rules  # noqa: F401  (registers the area's rules and audit labels)
