"""The presumption of minority (ID-2).

Where there are reasons to believe a person is a child, they are presumed to be one, and every
child measure applies, until a completed age assessment decides otherwise. Without a document
establishing the age, each of these is such a reason: an age that is uncertain or disputed, an
estimated age under HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER (21: an estimate can be years out, and
older teenagers are often told to say they are adults), the person saying they are under 18,
and signs of minority. A claim to be 18 or older removes none of them. A documented adult age
stands unless there are signs of minority or the person says they are a child (documents can be
forged or borrowed). This module is pure: it reads the child's age fields and their latest
completed assessment and says whether the person is presumed a child, and why.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.children.models import AgeStatus

ADULT_AGE = 18


@dataclass(frozen=True)
class Presumption:
    is_child: bool
    is_presumed: bool  # True when the person is treated as a child without a confirmed age
    reason: Any  # a translated sentence (lazy, or made in the active language)


def estimated_age_limit() -> int:
    """Without a document, an estimated age under this starts the presumption (never below
    18, whatever the setting says)."""
    return max(ADULT_AGE, settings.HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER)


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
        if child.claims_child:
            return Presumption(
                True,
                True,
                _("Documents say 18 or older, but the person says they are under 18."),
            )
        return Presumption(False, False, _("Documented birth date: 18 or older."))
    if status in (AgeStatus.UNCERTAIN, AgeStatus.DISPUTED, AgeStatus.DETERMINED) or age is None:
        return Presumption(
            True,
            True,
            _("The age is uncertain or disputed, and no age assessment is completed."),
        )
    # An estimated age, and no document establishing it. A claim to be 18 or older changes
    # nothing here: older teenagers are often told to say they are adults.
    if age < ADULT_AGE:
        return Presumption(True, True, _("The estimated age is under 18."))
    if child.minority_indicators:
        return Presumption(
            True,
            True,
            _("There are signs the person is under 18, and no age assessment is completed."),
        )
    if child.claims_child:
        return Presumption(
            True,
            True,
            _("The person says they are under 18, and no age assessment is completed."),
        )
    limit = estimated_age_limit()
    if age < limit:
        return Presumption(
            True,
            True,
            _(
                "The estimated age is under %(limit)d and no document establishes it: an "
                "estimate can be years out, so the person may be under 18."
            )
            % {"limit": limit},
        )
    return Presumption(
        False,
        False,
        _(
            "Estimated %(limit)d or older, with no document, no signs of being under 18 and no "
            "claim to be under 18."
        )
        % {"limit": limit},
    )
