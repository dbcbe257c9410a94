"""Checks of the settings the presumption of minority (ID-2) rests on."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from haven.children.age import ADULT_AGE


@register()
def presumption_limit_is_not_below_adulthood(app_configs: Any, **kwargs: Any) -> list[Error]:
    """An estimated age under the limit starts the presumption; a limit below 18 would let an
    estimated 17-year-old be screened as an adult. Haven reads it as 18 at least, and says so."""
    limit = settings.HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER
    if limit < ADULT_AGE:
        return [
            Error(
                f"HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER is {limit}, below {ADULT_AGE}.",
                hint="Set it to 18 or more (21 by default): an estimate can be years out.",
                id="haven.children.E001",
            )
        ]
    return []
