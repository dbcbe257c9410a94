"""The screening outcome (ID-1), computed, never chosen.

For a child — including a person presumed to be a child (ID-2) — trafficking is an act
(recruitment, transportation, transfer, harbouring or receipt) for the purpose of exploitation.
The means are not required and movement is not required. So `child_outcome` does not take means
or movement at all: no code path can let them change a child's outcome. `adult_outcome` exists
for the rare person whose completed age assessment found them adult; it needs the means too.
"""

from collections.abc import Collection

from haven.identification.codes import Outcome


def child_outcome(
    *, acts: Collection[str], forms: Collection[str], concerns: bool, indicators: int
) -> Outcome:
    if acts and forms:
        return Outcome.PRESUMED_VICTIM
    if concerns or acts or forms or indicators:
        # Part of the picture, or a child at risk: still referred to child protection (ID-5).
        return Outcome.PRECARIOUS
    return Outcome.NO_CONCERN


def adult_outcome(
    *,
    acts: Collection[str],
    forms: Collection[str],
    means: Collection[str],
    concerns: bool,
    indicators: int,
) -> Outcome:
    if acts and forms and means:
        return Outcome.PRESUMED_VICTIM
    if concerns or acts or forms or means or indicators:
        return Outcome.PRECARIOUS
    return Outcome.NO_CONCERN
