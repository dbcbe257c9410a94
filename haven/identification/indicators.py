"""The ILO–European Commission dimension rule and the guidance it gives for a child (ID-3).

Pure functions: nothing here reads or writes the database. The indicator library itself is data
(fixtures/indicators.json, the `Indicator` model); this module only counts the grades of the
indicators ticked in a screening.

Guidance only. Whether a child is a presumed victim is computed from the act and the purpose of
exploitation (ID-1, haven.identification.outcome), never from these grades: a child with no
positive dimension may still be a victim, and the means dimensions are never needed for a child.
Observed signs other than the means dimensions only decide whether a child who is not a presumed
victim is in a precarious situation, and so referred to child protection (ID-5).

The rule (ILO–EC, Operational indicators of trafficking in human beings, 2009), as read here,
with every count "at least", over the distinct indicators ticked in one dimension:

    positive  ⇔  S ≥ 2
              or (S ≥ 1 and M + W ≥ 1)
              or M ≥ 3
              or (M ≥ 2 and W ≥ 1)

So weak indicators alone are never enough, nor is one medium with any number of weak ones, nor
one strong indicator alone. Every clause only asks for "at least", so ticking one more indicator
never turns a positive dimension negative, and neither does replacing a ticked indicator by a
stronger one.
"""

from collections import Counter
from collections.abc import Iterable
from typing import Protocol, TypedDict

from django.utils.translation import gettext as _

from haven.identification.codes import IndicatorDimension, IndicatorGrade

# The means element: how the child was recruited or is held. Recorded, never needed (ID-1).
MEANS_DIMENSIONS: tuple[str, ...] = (
    IndicatorDimension.DECEPTIVE_RECRUITMENT.value,
    IndicatorDimension.COERCIVE_RECRUITMENT.value,
    IndicatorDimension.RECRUITMENT_VULNERABILITY.value,
    IndicatorDimension.VULNERABILITY_AT_DESTINATION.value,
)
# The exploitation itself: for a child, one of these positive is the signal.
EXPLOITATION_DIMENSIONS: tuple[str, ...] = (
    IndicatorDimension.EXPLOITATIVE_CONDITIONS.value,
    IndicatorDimension.COERCION_AT_DESTINATION.value,
)
# The six ILO–EC dimensions in the order of the source.
ILO_DIMENSIONS: tuple[str, ...] = (
    IndicatorDimension.DECEPTIVE_RECRUITMENT.value,
    IndicatorDimension.COERCIVE_RECRUITMENT.value,
    IndicatorDimension.RECRUITMENT_VULNERABILITY.value,
    IndicatorDimension.EXPLOITATIVE_CONDITIONS.value,
    IndicatorDimension.COERCION_AT_DESTINATION.value,
    IndicatorDimension.VULNERABILITY_AT_DESTINATION.value,
)

STRONG = IndicatorGrade.STRONG.value
MEDIUM = IndicatorGrade.MEDIUM.value
WEAK = IndicatorGrade.WEAK.value
UNGRADED = IndicatorGrade.UNGRADED.value
GRADES: tuple[str, ...] = (STRONG, MEDIUM, WEAK)


class GradedIndicator(Protocol):
    """Anything with a dimension and a grade: an `Indicator` row, or a stand-in in tests."""

    @property
    def dimension(self) -> str: ...

    @property
    def grade(self) -> str: ...


class DimensionResult(TypedDict):
    S: int
    M: int
    W: int
    positive: bool
    means: bool


class Guidance(TypedDict):
    dimensions: dict[str, DimensionResult]
    positive_dimensions: list[str]
    exploitation_positive: list[str]
    means_positive: list[str]
    general_signs: int
    child_guidance: bool
    text: str


def _counts(grades: Iterable[str]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for grade in grades:
        if grade == UNGRADED:
            continue  # an ungraded indicator is a sign to note, not a count
        if grade not in GRADES:
            raise ValueError(f"unknown indicator grade {grade!r}")
        counts[grade] += 1
    return counts


def _positive(strong: int, medium: int, weak: int) -> bool:
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def dimension_positive(grades: Iterable[str]) -> bool:
    """The ILO–EC rule for one dimension, given the grades ("S", "M", "W") of the distinct
    indicators ticked in it: positive with at least 2 S, or at least 1 S and at least 1 more
    indicator graded M or W, or at least 3 M, or at least 2 M and at least 1 W. Ungraded ("")
    entries are ignored; any other value is an error."""
    counts = _counts(grades)
    return _positive(counts[STRONG], counts[MEDIUM], counts[WEAK])


def ilo_guidance(indicators: Iterable[GradedIndicator]) -> Guidance:
    """Apply the rule to every ILO–EC dimension of the indicators ticked for a child.

    `child_guidance` is True when exploitative conditions or coercion at destination is
    positive: for a child the means dimensions are not needed, and a child whose only positive
    dimensions are means dimensions gets False. Indicators of the "general" dimension (the UNODC
    signs) are counted in `general_signs` and never graded. Pass each ticked indicator once."""
    grades: dict[str, list[str]] = {dimension: [] for dimension in ILO_DIMENSIONS}
    general = 0
    for indicator in indicators:
        if indicator.dimension in grades:
            grades[indicator.dimension].append(indicator.grade)
        elif indicator.dimension == IndicatorDimension.GENERAL:
            general += 1
        else:
            raise ValueError(f"unknown indicator dimension {indicator.dimension!r}")

    dimensions: dict[str, DimensionResult] = {}
    for dimension, ticked in grades.items():
        counts = _counts(ticked)
        dimensions[dimension] = DimensionResult(
            S=counts[STRONG],
            M=counts[MEDIUM],
            W=counts[WEAK],
            positive=_positive(counts[STRONG], counts[MEDIUM], counts[WEAK]),
            means=dimension in MEANS_DIMENSIONS,
        )
    positive = [d for d in ILO_DIMENSIONS if dimensions[d]["positive"]]
    exploitation = [d for d in positive if d in EXPLOITATION_DIMENSIONS]
    means = [d for d in positive if d in MEANS_DIMENSIONS]
    child_guidance = bool(exploitation)
    return Guidance(
        dimensions=dimensions,
        positive_dimensions=positive,
        exploitation_positive=exploitation,
        means_positive=means,
        general_signs=general,
        child_guidance=child_guidance,
        text=guidance_text(
            child_guidance=child_guidance, means_only=bool(means) and not exploitation
        ),
    )


def guidance_text(*, child_guidance: bool, means_only: bool = False) -> str:
    """What the screening page says under the indicators. Always says it is guidance only."""
    if child_guidance:
        lead = _(
            "The indicators ticked point to exploitation: exploitative conditions or coercion "
            "at destination is positive under the ILO–European Commission rule. For a child "
            "the means are not needed."
        )
    elif means_only:
        lead = _(
            "Only recruitment or vulnerability dimensions (the means) are positive. For a "
            "child the means are not needed and do not decide anything; look at the "
            "exploitation itself."
        )
    else:
        lead = _(
            "No exploitation dimension is positive under the ILO–European Commission rule. "
            "That does not mean the child is not a victim: disclosure often comes later."
        )
    return " ".join(
        (
            lead,
            _(
                "This is guidance only: the screening outcome is computed from the act and the "
                "purpose of exploitation (ID-1), never from these indicators."
            ),
        )
    )
