"""The timeline's words for screening, first steps and victim status (registered at
IdentificationConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.identification.models import InterpreterReason

register(
    {
        "screening.record": _("Screening recorded"),
        "first_step.create": _("First step added to the checklist"),
        "first_step.close": _("First step recorded"),
        "first_step.measure": _("Referral now part of the first steps"),
        "case.status": _("Victim status recorded"),
        "interview.interpreter_reason": _("Reason about the interpreter recorded"),
    },
    {"interview.interpreter_reason": coded("kind", InterpreterReason.Kind.choices)},
)
