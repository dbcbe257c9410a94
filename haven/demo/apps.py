from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`manage.py seed_demo` and every area's fictional demo data: above every area, used by
    nothing but the command."""

    name = "haven.demo"
    verbose_name = _("Demo")
