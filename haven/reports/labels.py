"""The timeline's words for releases of statistics outside the system (DP-10, DP-12, DP-16;
registered at ReportsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import register

register(
    {
        "release.request": _("Release of statistics requested"),
        "release.authorise": _("Release of statistics authorised"),
        "release.download": _("Release of statistics downloaded"),
    }
)
