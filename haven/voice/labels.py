"""The timeline's words for children's feedback, complaints and concerns, and the kiosk (CC-12,
CC-13; registered at VoiceConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import register

register(
    {
        "kiosk.open": _("Children's kiosk opened"),
        "kiosk.close": _("Children's kiosk closed"),
        "feedback.submit": _("Child's feedback left at the kiosk"),
        "feedback.record": _("Child's feedback recorded"),
        "feedback.read": _("Child's feedback read"),
        "feedback.acknowledge": _("Child's feedback acknowledged"),
        "feedback.resolve": _("Child's feedback resolved"),
        "concern.route": _("Concern about a practitioner sent to who must hear it"),
    }
)
