"""Haven's form renderer writes a select's options in one loop instead of one included template
per option (haven.core.renderers): the HTML must be exactly what Django's own templates write."""

import re
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation

from haven.children.forms import _country_choices
from haven.core.renderers import FormRenderer


class _Tagged(forms.Select):
    """A select whose options carry attributes of their own, as a widget may give them."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"] |= {"data-code": option["value"], "disabled": option["value"] == "b"}
        return option


class _Form(forms.Form):
    country = forms.ChoiceField(choices=_country_choices)
    several = forms.MultipleChoiceField(choices=[("a", "A & <b>"), ("b", "B's"), ("c", "C")])
    tagged = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=_Tagged)
    maybe = forms.NullBooleanField()
    empty = forms.ChoiceField(choices=[], required=False)


def _between_tags(html: str) -> str:
    """The HTML without the line breaks and indents between tags, which the two templates lay
    out differently (a browser ignores them)."""
    return re.sub(r">\s+<", "><", html)


@pytest.mark.parametrize("language", ["en", "th"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"country": "TH", "several": ["a", "c"], "tagged": "a", "maybe": "true"},
        {"country": "ZZ", "several": ["x"], "tagged": "<script>"},
    ],
)
def test_a_select_is_written_as_djangos_own_templates_write_it(
    data: dict[str, Any], language: str
) -> None:
    with translation.override(language):
        for name in ("country", "several", "tagged", "maybe", "empty"):
            ours = _Form(data or None, renderer=FormRenderer())[name].as_widget()
            django_own = _Form(data or None, renderer=DjangoTemplates())[name].as_widget()
            assert _between_tags(ours) == _between_tags(django_own), name
            assert "<option" in ours or name == "empty"


def test_every_form_is_drawn_by_havens_renderer() -> None:
    assert isinstance(get_default_renderer(), FormRenderer)
    assert '<option value="b" data-code="b" disabled>' in str(_Form()["tagged"])
