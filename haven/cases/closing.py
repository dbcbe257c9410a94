"""What must hold before a case closes. The areas above cases know what keeps a case open (a
child held in a closed place, ND-2): each registers a check at start-up, and
`case_change_stage` runs them all before it closes a case. A check raises SafeguardViolation."""

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], None]

_CHECKS: list[Check] = []


def closing_check(check: Check) -> Check:
    """Register `check(case)` (once, at start-up)."""
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def check_may_close(case: Any) -> None:
    for check in _CHECKS:
        check(case)
