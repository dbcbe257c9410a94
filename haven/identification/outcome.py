"""The screening outcome (ID-1), computed, never chosen.

For a child — including a person presumed to be a child (ID-2) — trafficking is an act
(recruitment, transportation, transfer, harbouring or receipt) for the purpose of exploitation.
The means are not required and movement is not required. So `child_outcome` does not take means
or movement at all: no code path can let them change a child's outcome. Who is screened as a
child is `Child.is_presumed_child` (children.age): without a document, an estimated age under
HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER, a claim to be under 18 or signs of minority are enough,
whatever the person says about being an adult. `adult_outcome` is for the few people found 18
or older by a completed age assessment, or with a documented adult age or an estimate at or
above that limit and no reason to believe they are a child; it needs the means too.
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
