"""How audit action codes read on a case's timeline. Codes are namespaced by what they touch."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "child.register": _("Child registered"),
    "child.update": _("Child's record updated"),
    "child.age_assessment": _("Age assessment recorded"),
    "case.open": _("Case opened"),
    "case.stage": _("Stage changed"),
    "assignment.start": _("Person assigned to the case"),
    "assignment.end": _("Assignment ended"),
    "interview.record": _("Interview recorded"),
    "note.add": _("Note added"),
    "alert.resolve": _("Alert resolved"),
}


def label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
