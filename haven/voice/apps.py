from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "haven.voice"
    verbose_name = _("Children's feedback and complaints")
