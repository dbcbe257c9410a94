"""The presumption of minority (ID-2).

When a person's age is uncertain or disputed they are presumed to be a child, and every child
measure applies, until a completed age assessment decides otherwise. A claim to be 18 or older
does not end the presumption while there are signs of minority. This module is pure: it reads
the child's age fields and their latest completed assessment and says whether the person is
presumed a child, and why.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.children.models import AgeStatus

ADULT_AGE = 18


@dataclass(frozen=True)
class Presumption:
    is_child: bool
    is_presumed: bool  # True when the person is treated as a child without a confirmed age
    reason: Any  # a lazily translated sentence


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (28 February for a 29 February without a leap year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: date, today: date) -> int:
    years = today.year - birth_date.year
    return years - ((today.month, today.day) < (birth_date.month, birth_date.day))


def presumption_of_minority(
    child: Any,
    completed_assessment: Any,
    today: date | None = None,
    *,
    standing: bool | None = None,
) -> Presumption:
    """Whether the person is (presumed) a child. `standing` is whether the presumption already
    applied to them (Child.presumed_minor, by default): once it applies it does not end by
    itself — not on an estimated 18th birthday, not by a new document — only through a
    completed age assessment."""
    today = today or timezone.localdate()
    if completed_assessment is not None:
        if completed_assessment.result == "child":
            born = getattr(completed_assessment, "assessed_birth_date", None)
            if born and age_on(born, today) >= ADULT_AGE:
                return Presumption(
                    False,
                    False,
                    _(
                        "Found under 18 by an age assessment; 18 or older now by the "
                        "assessed birth date."
                    ),
                )
            return Presumption(
                True, False, _("A completed age assessment found the person under 18.")
            )
        return Presumption(
            False, False, _("A completed age assessment found the person 18 or older.")
        )
    found = _from_details(child, today)
    standing = child.presumed_minor if standing is None else standing
    if standing and not found.is_child:
        return Presumption(
            True,
            True,
            _("The presumption applied earlier; it ends only with a completed age assessment."),
        )
    return found


def _from_details(child: Any, today: date) -> Presumption:
    status = child.age_status
    age = age_on(child.birth_date, today) if child.birth_date else None
    if status == AgeStatus.KNOWN and age is not None:
        if age < ADULT_AGE:
            return Presumption(True, False, _("Documented birth date: under 18."))
        if child.minority_indicators:
            # Documents can be forged or borrowed; signs of minority outweigh them.
            return Presumption(
                True,
                True,
                _("Documents say 18 or older, but there are signs the person is under 18."),
            )
        return Presumption(False, False, _("Documented birth date: 18 or older."))
    if status in (AgeStatus.UNCERTAIN, AgeStatus.DISPUTED, AgeStatus.DETERMINED) or age is None:
        return Presumption(
            True,
            True,
            _("The age is uncertain or disputed, and no age assessment is completed."),
        )
    # An estimated age.
    if age < ADULT_AGE:
        return Presumption(True, True, _("The estimated age is under 18."))
    if child.minority_indicators:
        return Presumption(
            True,
            True,
            _("There are signs the person is under 18, and no age assessment is completed."),
        )
    return Presumption(False, False, _("Estimated 18 or older, with no signs of being under 18."))
