"""ISO code lists: ISO 3166-1 countries and ISO 639 languages, from pycountry."""

from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@cache
def countries() -> tuple[tuple[str, str], ...]:
    return tuple(sorted(((c.alpha_2, c.name) for c in pycountry.countries), key=lambda c: c[1]))


@cache
def languages() -> tuple[tuple[str, str], ...]:
    """Living languages with a two-letter code, plus a few three-letter ones the region needs."""
    chosen = [(lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    for code in ("shn", "kac", "hmn", "tet", "ceb", "jav", "sun", "mnw", "kjp", "rhg"):
        lang = pycountry.languages.get(alpha_3=code)
        if lang is not None:
            chosen.append((code, lang.name))
    return tuple(sorted(chosen, key=lambda c: c[1]))


def validate_country(code: str) -> None:
    if code not in dict(countries()):
        raise ValidationError(
            _("“%(code)s” is not an ISO 3166 country code."), code="country", params={"code": code}
        )


def validate_language(code: str) -> None:
    if code not in dict(languages()):
        raise ValidationError(
            _("“%(code)s” is not an ISO 639 language code."), code="language", params={"code": code}
        )
