from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "haven.voice"
    verbose_name = _("Children's feedback and complaints")

    def ready(self) -> None:
        from haven.voice import labels  # noqa: F401  (registers the area's audit labels)
