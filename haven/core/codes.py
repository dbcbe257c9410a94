"""ISO code lists: ISO 3166-1 countries and ISO 639 languages, from pycountry, with names in
the user's language where pycountry ships a translation (its iso3166-1 / iso639-3 catalogues)."""

import gettext as gettext_module
from functools import cache

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Three-letter codes for languages of the region that have no two-letter code.
_EXTRA_LANGUAGES = ("shn", "kac", "hmn", "tet", "ceb", "jav", "sun", "mnw", "kjp", "rhg")


@cache
def _catalogue(domain: str, language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        domain, pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def countries() -> tuple[tuple[str, str], ...]:
    return _countries(get_language() or "en")


def languages() -> tuple[tuple[str, str], ...]:
    """Languages with a two-letter code, plus a few three-letter ones the region needs."""
    return _languages(get_language() or "en")


@cache
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    names = _catalogue("iso3166-1", language)
    rows = ((c.alpha_2, names.gettext(c.name)) for c in pycountry.countries)
    return tuple(sorted(rows, key=lambda c: c[1]))


@cache
def _languages(language: str) -> tuple[tuple[str, str], ...]:
    names = _catalogue("iso639-3", language)
    chosen = [(lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")]
    for code in _EXTRA_LANGUAGES:
        lang = pycountry.languages.get(alpha_3=code)
        if lang is not None:
            chosen.append((code, lang.name))
    return tuple(sorted(((code, names.gettext(name)) for code, name in chosen), key=lambda c: c[1]))


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
