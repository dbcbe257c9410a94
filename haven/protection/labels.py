"""The timeline's words for guardians, needs and services (registered at ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import register
from haven.core.sensitivity import Sensitivity

register(
    {
        "guardian.appoint": _("Guardian appointed"),
        "guardian.end": _("Guardianship ended"),
        "needs.record": _("Needs and strengths assessed"),
        "service.record": _("Service recorded"),
        "service.update": _("Service updated"),
    },
    classes={
        "guardian.appoint": Sensitivity.FAMILY,
        "guardian.end": Sensitivity.FAMILY,
        "needs.record": Sensitivity.NARRATIVE,
    },
)
