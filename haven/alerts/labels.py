"""The timeline's words for alerts (registered at SafeguardsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import register

register({"alert.resolve": _("Alert resolved")})
