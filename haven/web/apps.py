from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The pages around the areas: each role's home page, the menu, the error pages and the
    template tags every page uses."""

    name = "haven.web"
    verbose_name = _("Pages")
