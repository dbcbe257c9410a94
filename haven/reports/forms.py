from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.forms import at_most
from haven.reports.models import ReleaseFormat, Table

ALL_TIME = "all"
YEARS_LISTED = 10


def period_choices() -> list[tuple[str, Any]]:
    this_year = timezone.localdate().year
    years = [(str(y), str(y)) for y in range(this_year, this_year - YEARS_LISTED, -1)]
    return [*years, (ALL_TIME, _("All time"))]


def period_year(value: str) -> int | None:
    return None if value in ("", ALL_TIME) else int(value)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=period_choices)


class ReleaseRequestForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=period_choices)
    tables = forms.MultipleChoiceField(
        label=_("Tables to release"),
        choices=Table.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(Table.values),
        validators=at_most(),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        help_text=_(
            "What the figures are for and who will receive them. The supervisors who authorise "
            "the release read this (DP-12, DP-16)."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    format = forms.ChoiceField(
        label=_("File format"),
        choices=ReleaseFormat.choices,
        initial=ReleaseFormat.CSV,
        widget=forms.RadioSelect,
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "year": period_year(data["period"]),
            "tables": data["tables"],
            "purpose": data["purpose"],
            "format": data["format"],
        }


class AuthoriseForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
