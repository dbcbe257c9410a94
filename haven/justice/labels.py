"""The timeline's words for the justice area (registered at JusticeConfig.ready()). Every entry
is a legal matter: a reader without that class does not see it."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.core.sensitivity import Sensitivity
from haven.justice.models import EventKind, Form, ProceedingKind, Risk

LABELS = {
    "justice.proceeding_open": _("Proceeding recorded"),
    "justice.proceeding_join": _("Child added to a proceeding"),
    "justice.proceeding_update": _("Proceeding changed"),
    "justice.hearing_record": _("Hearing date recorded"),
    "justice.event_record": _("Verdict, release or appeal recorded"),
    "justice.participation_record": _("Taking part in a proceeding decided"),
    "justice.attendance_record": _("Support and measures at a hearing recorded"),
    "justice.update_record": _("Child told about the proceeding"),
    "justice.risk_record": _("Risk of reprisal assessed"),
    "justice.compensation_record": _("Compensation claimed"),
    "justice.compensation_update": _("Compensation claim updated"),
}

register(
    LABELS,
    {
        "justice.proceeding_open": coded("kind", ProceedingKind.choices),
        "justice.event_record": coded("kind", EventKind.choices),
        "justice.participation_record": coded("form", Form.choices),
        "justice.risk_record": coded("level", Risk.choices),
    },
    classes=dict.fromkeys(LABELS, Sensitivity.LEGAL),
)
