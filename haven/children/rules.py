"""The safeguard rules of the child's record: the presumption of minority (ID-2). Registered by
ChildrenConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from haven.core.errors import SafeguardViolation
from haven.safeguards.registry import BlockRule, Severity, register


def check_presumption_not_ended(*, was_child: bool, child_now: bool) -> None:
    """ID-2: a change to the age fields must not end the presumption of minority. Only a
    completed age assessment (children.services.age_assessment_record) can."""
    if was_child and not child_now:
        raise SafeguardViolation(
            PRESUMPTION_OF_MINORITY.measure_id, PRESUMPTION_OF_MINORITY.message
        )


PRESUMPTION_OF_MINORITY = register(
    BlockRule(
        code="id2.presumption_of_minority",
        measure_id="ID-2",
        severity=Severity.BLOCK,
        title=_("Presumed to be a child"),
        message=_(
            "This person is presumed to be a child. Changing the age details cannot end that: "
            "record a completed age assessment (method, evidence, who decided) instead. Until "
            "then every child measure applies."
        ),
        check=check_presumption_not_ended,
    )
)
