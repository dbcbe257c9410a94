"""Placements' part of the case page: where the child lives now (registered at ready())."""

from typing import Any

from haven.cases.page import case_page_part
from haven.placements.selectors import current_placement


@case_page_part
def placement_part(request: Any, case: Any) -> dict[str, Any]:
    return {"placement": current_placement(case)}
