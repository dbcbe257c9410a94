from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "haven.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings
        from django.conf.locale import LANG_INFO

        from haven.core import checks  # noqa: F401  (registers the system checks)

        # Django lacks Filipino and Lao; declare them so their catalogues can be added.
        for code, info in settings.EXTRA_LANG_INFO.items():
            LANG_INFO.setdefault(code, info)
