"""The first step a placement meets (ID-4): a current placement the child is free to leave
meets "Arrange safe accommodation" (registered at ready()). A closed shelter or any place of
custody never does: a child is not made safe by being locked in (ND-2, ND-3)."""

from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from haven.core.dates import format_date
from haven.identification.models import FirstStep
from haven.identification.selectors import met_by
from haven.placements.models import Liberty, Placement


def _safe_places() -> Any:
    return Placement.objects.current().filter(liberty=Liberty.FREE)


def _current_safe_place() -> Any:
    return Exists(_safe_places().filter(case_id=OuterRef("case_id")))


def _describe(case: Any) -> str | None:
    placement = _safe_places().filter(case=case).first()
    if placement is None:
        return None
    return _("%(place)s since %(day)s") % {
        "place": placement.get_type_display(),
        "day": format_date(placement.start_on, "SHORT_DATE_FORMAT"),
    }


met_by(
    FirstStep.Kind.SAFE_ACCOMMODATION,
    exists=_current_safe_place,
    describe=_describe,
    shows=Placement.ROW_SENSITIVITY,
)
