"""The safeguard rule of best-interests decisions: the child's views heard (CC-2). Registered by
DecisionsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from haven.core.errors import SafeguardViolation
from haven.safeguards.registry import BlockRule, Severity, register


def check_child_views(*, child_views: str, not_obtained_reason: str) -> None:
    """CC-2: no decision without the child's views, or the reason they could not be had."""
    if not child_views.strip() and len(not_obtained_reason.strip()) < 10:
        raise SafeguardViolation(CHILD_VIEWS_HEARD.measure_id, CHILD_VIEWS_HEARD.message)


CHILD_VIEWS_HEARD = register(
    BlockRule(
        code="cc2.child_views_heard",
        measure_id="CC-2",
        severity=Severity.BLOCK,
        title=_("The child's views are missing"),
        message=_(
            "A decision about a child needs the child's views, in their words, and how they "
            "were weighed. If they could not be obtained (a baby, a child too unwell to take "
            "part), write why."
        ),
        check=check_child_views,
    )
)
