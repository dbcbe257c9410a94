"""Placements' part of the case page: where the child lives now, for a reader who may read
it (a placement is whereabouts, and a legal matter when the child cannot leave; DP-9).
Registered at ready()."""

from typing import Any

from haven.cases.page import case_page_part
from haven.placements.selectors import current_placement


@case_page_part
def placement_part(request: Any, case: Any, classes: frozenset[Any]) -> dict[str, Any]:
    placement = current_placement(case)
    if placement is not None and not placement.readable_with(classes):
        placement = None
    return {"placement": placement}
