from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "haven.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.conf import settings
        from django.conf.locale import LANG_INFO

        from haven.core import checks  # noqa: F401  (registers the system checks)

        # Django lacks Filipino and Lao and names Khmer in English (settings.EXTRA_LANG_INFO).
        LANG_INFO.update(settings.EXTRA_LANG_INFO)
