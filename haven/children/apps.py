from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChildrenConfig(AppConfig):
    name = "haven.children"
    verbose_name = _("Children")

    def ready(self) -> None:
        from haven.children import (  # noqa: F401  (registers the area's rules, audit labels, checks)
            checks,
            labels,
            rules,
        )
