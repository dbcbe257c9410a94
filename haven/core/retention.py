"""The retention schedule (DP-8): how long each class of a child's data is kept.

settings.HAVEN_RETENTION maps every sensitivity class but BASIC to {"years": n} and, optionally,
"until_age": a. A class expires `years` after the closing of the child's last case (nothing is
erased while any case of the child is open) and, with "until_age", not before the child would
be that old when a birth date is recorded. BASIC — the reference, stages, dates and the coded
facts the statistics count — is never erased. The schedule is read here and checked at start-up
(haven.core.checks); haven.cases.retention applies it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings

from haven.core.sensitivity import Sensitivity

# Every class with a schedule: all but the case basics, which statistics and the case's
# existence rest on (DP-10).
SCHEDULED = tuple(s for s in Sensitivity if s != Sensitivity.BASIC)
OLDEST_AGE = 120


@dataclass(frozen=True)
class Retention:
    years: int
    until_age: int | None = None

    def describe(self) -> str:
        """Plain words for the job's output and the docs (not shown to practitioners)."""
        text = f"{self.years} year(s) after the child's last case closed"
        return text + (f", not before age {self.until_age}" if self.until_age else "")


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes the 28th in a year without it."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def problems(raw: Any) -> list[str]:
    """What is wrong with a schedule, in words; empty when it can be applied."""
    if not isinstance(raw, Mapping):
        return ["HAVEN_RETENTION must be a dict of sensitivity class to {'years': n}."]
    found: list[str] = []
    known = {str(s) for s in SCHEDULED}
    for key in raw:
        if key == Sensitivity.BASIC:
            found.append(
                "HAVEN_RETENTION names 'basic': case basics are kept for the statistics "
                "(DP-10); remove it."
            )
        elif key not in known:
            found.append(f"HAVEN_RETENTION names an unknown class {key!r}.")
    for cls in SCHEDULED:
        if cls not in raw:
            found.append(f"HAVEN_RETENTION has no schedule for '{cls}' (DP-8: one per class).")
            continue
        entry = raw[cls]
        if not isinstance(entry, Mapping) or set(entry) - {"years", "until_age"}:
            found.append(f"HAVEN_RETENTION['{cls}'] must be {{'years': n, 'until_age': a}}.")
            continue
        years, age = entry.get("years"), entry.get("until_age")
        if type(years) is not int or years < 1:
            found.append(f"HAVEN_RETENTION['{cls}']['years'] must be a whole number, 1 or more.")
        if age is not None and (type(age) is not int or not 18 <= age <= OLDEST_AGE):
            found.append(
                f"HAVEN_RETENTION['{cls}']['until_age'] must be a whole number from 18 to "
                f"{OLDEST_AGE}, or left out."
            )
    if found:
        return found
    # Names go last: while anything else of a child is kept, the person can still find their
    # record and ask for it, and once the names go what is left is an anonymous statistic.
    identity = raw[Sensitivity.IDENTITY]
    for cls in SCHEDULED:
        entry = raw[cls]
        if entry["years"] > identity["years"] or (entry.get("until_age") or 0) > (
            identity.get("until_age") or 0
        ):
            found.append(
                f"HAVEN_RETENTION keeps '{cls}' longer than 'identity': identity must be kept "
                "at least as long as every other class."
            )
    return found


def schedule() -> dict[Sensitivity, Retention]:
    """The schedule in force. The system check refuses a malformed one at start-up."""
    raw = settings.HAVEN_RETENTION
    wrong = problems(raw)
    if wrong:
        raise ValueError(" ".join(wrong))
    return {
        Sensitivity(cls): Retention(years=raw[cls]["years"], until_age=raw[cls].get("until_age"))
        for cls in SCHEDULED
    }
