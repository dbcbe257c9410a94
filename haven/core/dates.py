"""Dates as each language's readers expect them.

Thai readers count years in the Buddhist Era (พุทธศักราช, the Gregorian year + 543): official
letters, school reports and the dates a Thai practitioner writes all use it, and a Gregorian
year beside a Thai month reads as a mistake. Haven shows B.E. years wherever a date is displayed
in Thai (pages and PDFs, through the `date` filter); what is stored, typed into a date input
and exchanged through the API stays ISO 8601. Django's date formatting has no calendar hook,
so the year letters of its DateFormat are the one place this is changed.
"""

from datetime import date, datetime

from django.utils import dateformat, formats, translation

BUDDHIST_ERA_OFFSET = 543
BUDDHIST_ERA_LANGUAGES = frozenset({"th"})


class BuddhistEraFormat(dateformat.DateFormat):
    """Django's DateFormat with the year in the Buddhist Era (the letters Y, y and o)."""

    def _buddhist_year(self) -> int:
        assert isinstance(self.data, date)  # a DateFormat formats dates and datetimes
        return self.data.year + BUDDHIST_ERA_OFFSET

    def Y(self) -> int:
        return self._buddhist_year()

    def y(self) -> str:
        return f"{self._buddhist_year() % 100:02d}"

    def o(self) -> int:
        return int(super().o()) + BUDDHIST_ERA_OFFSET


def uses_buddhist_era(language: str | None = None) -> bool:
    language = (language or translation.get_language() or "").split("-")[0]
    return language in BUDDHIST_ERA_LANGUAGES


def format_date(value: date | datetime, format_name: str | None = None) -> str:
    """`value` in the format named (a setting such as SHORT_DATE_FORMAT, or format letters) of
    the active language, with that language's era. Aware datetimes are converted by the caller
    (the template filter does it; see haven.core.templatetags.locale_dates)."""
    fmt = formats.get_format(format_name or "DATE_FORMAT")
    if uses_buddhist_era():
        return BuddhistEraFormat(value).format(fmt)
    return dateformat.format(value, fmt)
