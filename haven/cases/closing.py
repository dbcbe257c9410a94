"""What must hold before a case closes. The areas above cases know what keeps a case open (a
child held in a closed place, ND-2; a return home not yet followed up, RR-5): each registers a
check at start-up, and `case_change_stage` runs them all before it closes a case, with the
reason from the closed list. A check raises SafeguardViolation. The check that no critical
alert is open (RR-6, haven.cases.rules) runs last, after the areas' more precise ones."""

from collections.abc import Callable
from typing import Any

# check(case, closed_reason)
Check = Callable[[Any, str], None]

_CHECKS: list[Check] = []
_LAST: list[Check] = []


def closing_check(check: Check, *, last: bool = False) -> Check:
    """Register `check(case, closed_reason)` (once, at start-up)."""
    checks = _LAST if last else _CHECKS
    if check not in checks:
        checks.append(check)
    return check


def check_may_close(case: Any, closed_reason: str) -> None:
    for check in (*_CHECKS, *_LAST):
        check(case, closed_reason)
