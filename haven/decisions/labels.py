"""The timeline's words for best-interests decisions (registered at DecisionsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import coded, register
from haven.decisions.models import Decision

register(
    {"decision.record": _("Best-interests decision recorded")},
    {"decision.record": coded("kind", Decision.Kind.choices)},
)
