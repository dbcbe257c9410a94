"""The case page's parts from the areas above cases (cases/detail.html). The page stays in
cases and imports no area: each area registers, at its AppConfig.ready(), a function that
returns its part of the page's context for a person and a case it has already loaded through
haven.cases.access (identification: screenings, first steps, the victim-status form;
placements: where the child lives). A new area adds its part the same way.

Each part is given the classes the person may read on the case (haven.cases.access.readable)
and shows nothing of another class (DP-1, DP-9): a referral recipient agreed to health alone
sees no guardian's name and no placement. tests/cases/test_page_classes.py renders the page
for every class left out and looks for what it must not show."""

from collections.abc import Callable
from typing import Any

Part = Callable[[Any, Any, frozenset[Any]], dict[str, Any]]

_PARTS: list[Part] = []


def case_page_part(build: Part) -> Part:
    """Register `build(request, case, classes) -> context` (once, at start-up)."""
    if build not in _PARTS:
        _PARTS.append(build)
    return build


def parts(request: Any, case: Any, classes: frozenset[Any]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for build in _PARTS:
        context.update(build(request, case, classes))
    return context
