"""What the areas above cases check, and keep, when an interview is recorded.

`interview_record` runs every registered check after the interview's own fields are valid and
before it is saved, in its transaction. A check refuses the interview by raising
(SafeguardViolation, ValidationError), so nothing is written; or it returns a function that
`interview_record` calls with the saved interview, which keeps what the check needs kept and
returns the models it wrote (for `reevaluate`). Identification registers the interpreter check
(CC-10) at start-up, as placements register what keeps a case open (cases.closing)."""

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model

Keep = Callable[[Any], Iterable[type[Model]]]
Check = Callable[..., Keep | None]

_CHECKS: list[Check] = []


def interview_check(check: Check) -> Check:
    """Register `check(*, case, actor, interview, interpreter_reason)` (once, at start-up)."""
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def check_interview(**facts: Any) -> list[Keep]:
    """Run every check on an interview about to be saved; what to keep once it is."""
    keeps = [check(**facts) for check in _CHECKS]
    return [keep for keep in keeps if keep is not None]
