from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafeguardsConfig(AppConfig):
    name = "haven.safeguards"
    verbose_name = _("Safeguards")
