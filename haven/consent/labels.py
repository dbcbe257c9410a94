"""The timeline's words for consent and information (registered at ConsentConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.consent.models import Purpose

register(
    {
        "consent.record": _("Consent or refusal recorded"),
        "consent.withdraw": _("Consent withdrawn"),
        "consent.override": _("Refusal overridden by a determination"),
        "information.record": _("Information given to the child"),
        "information.sheet": _("Written information sheet printed for the child"),
    },
    {"consent.record": coded("purpose", Purpose.choices)},
)
