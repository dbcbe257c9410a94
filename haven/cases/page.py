"""The case page's parts from the areas above cases (cases/detail.html). The page stays in
cases and imports no area: each area registers, at its AppConfig.ready(), a function that
returns its part of the page's context for a person and a case it has already loaded through
haven.cases.access (identification: screenings, first steps, the victim-status form;
protection: where the child lives). A new area adds its part the same way."""

from collections.abc import Callable
from typing import Any

Part = Callable[[Any, Any], dict[str, Any]]

_PARTS: list[Part] = []


def case_page_part(build: Part) -> Part:
    """Register `build(request, case) -> context` (once, at start-up)."""
    if build not in _PARTS:
        _PARTS.append(build)
    return build


def parts(request: Any, case: Any) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for build in _PARTS:
        context.update(build(request, case))
    return context
