from django import template

from haven.core.codes import countries, languages

register = template.Library()


@register.filter
def country_name(code: str) -> str:
    return dict(countries()).get(code, code)


@register.filter
def language_name(code: str) -> str:
    return dict(languages()).get(code, code)
