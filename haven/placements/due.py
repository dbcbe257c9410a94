"""Reviews on the list of what is due (ND-3, ND-4, ND-5): a current placement's review date
and a restriction's (registered at ready())."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.cases.due import Due, due_source, with_cases
from haven.placements.models import Placement, Restriction
from haven.placements.selectors import current_placements


@due_source
def reviews(cases: Any, until: date) -> Iterable[Due]:
    if isinstance(cases, dict):
        # The case page's one case: its current placements, which its part reads too.
        placements: Iterable[Placement] = [
            p
            for case in cases.values()
            for p in current_placements(case)
            if p.review_on is not None and p.review_on <= until
        ]
    else:
        placements = with_cases(Placement.objects.current().filter(review_on__lte=until), cases)
    for p in placements:
        assert p.review_on is not None  # filtered on it
        yield Due(
            case=p.case,
            on=p.review_on,
            what=_("Review the placement: %(place)s") % {"place": p.get_type_display()},
            url=reverse("placements:placements", args=[p.case.public_id]),
            shows=Placement.ROW_SENSITIVITY,
        )
    restrictions = with_cases(
        Restriction.objects.filter(review_on__lte=until, ended_on__isnull=True), cases
    )
    for r in restrictions:
        yield Due(
            case=r.case,
            on=r.review_on,
            what=_("Review the restriction: %(kind)s") % {"kind": r.get_kind_display()},
            url=reverse("placements:placements", args=[r.case.public_id]),
            shows=Restriction.ROW_SENSITIVITY,
        )
