"""The `date` filter of every Haven template (a builtin library: settings.TEMPLATES), in the
active language's era: Django's own filter, with Buddhist Era years in Thai (haven.core.dates)."""

from datetime import date as date_type
from typing import Any

from django import template

from haven.core.dates import format_date

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    if value in (None, "") or not isinstance(value, date_type):
        return ""
    try:
        return format_date(value, arg)
    except AttributeError:
        return ""
