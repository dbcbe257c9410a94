from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.children.forms import _country_choices
from haven.children.models import Sex
from haven.core.forms import (
    PLACE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    EventDateTimeField,
    at_most,
    datetime_input,
)
from haven.identification.codes import (
    Act,
    Exploitation,
    IndicatorDimension,
    Industry,
    Means,
    MethodOfControl,
    Movement,
    OtherExploitationType,
    SexualExploitationType,
)
from haven.identification.models import Indicator, NotNeededReason
from haven.identification.services import LABOUR_FORMS, NONE

_NONE_OBSERVED = (NONE, _("None observed"))


def _checkboxes(**kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, validators=at_most(), **kwargs
    )


class ScreeningForm(forms.Form):
    screened_at = EventDateTimeField(label=_("When"), widget=datetime_input())
    acts = _checkboxes(
        label=_("What was done to the child?"),
        choices=[*Act.choices, _NONE_OBSERVED],
        required=False,
        help_text=_(
            "Any one is enough. Moving the child is not required: harbouring or receiving counts."
        ),
    )
    forms_of_exploitation = _checkboxes(
        label=_("For what purpose?"),
        choices=[*Exploitation.choices, _NONE_OBSERVED],
        required=False,
        help_text=_(
            "Think of every form: work on boats, farms, factories, building sites and in homes; "
            "begging; petty crime and online scams; sexual exploitation, of boys as of girls."
        ),
    )
    sexual_types = _checkboxes(
        label=_("Kind of sexual exploitation"),
        choices=SexualExploitationType.choices,
        required=False,
    )
    industries = _checkboxes(
        label=_("Where the child worked"), choices=Industry.choices, required=False
    )
    other_types = _checkboxes(
        label=_("Other exploitation"), choices=OtherExploitationType.choices, required=False
    )
    means = _checkboxes(
        label=_("Means used (recorded; not needed for a child)"),
        choices=[*Means.choices, _NONE_OBSERVED],
        required=False,
        help_text=_("For a child these never change the outcome. They matter for prosecution."),
    )
    movement = forms.ChoiceField(
        label=_("Movement (recorded; not required)"),
        choices=Movement.choices,
        initial=Movement.UNKNOWN,
    )
    methods_of_control = _checkboxes(
        label=_("How the child was controlled"), choices=MethodOfControl.choices, required=False
    )
    indicators = forms.MultipleChoiceField(
        label=_("Signs observed"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
    )
    protection_concerns = forms.BooleanField(
        label=_("The child is in a precarious situation or at risk"),
        required=False,
        help_text=_("Whatever the outcome, such a child is referred to child protection."),
    )
    # Not ticked by default: a screening from records alone must not count as the child
    # telling their story again (PS-2's retelling count).
    child_interviewed = forms.BooleanField(
        label=_("The child was interviewed for this screening"),
        required=False,
        help_text=_(
            "Tick only if you talked with the child: each interview counts as a retelling."
        ),
    )
    duration_minutes = forms.IntegerField(
        label=_("Interview length (minutes)"), min_value=1, max_value=600, required=False
    )
    location = forms.CharField(label=_("Where"), required=False, max_length=PLACE_MAX_LENGTH)
    interpreter = forms.CharField(label=_("Interpreter"), required=False, max_length=200)
    interpreter_reason = forms.CharField(
        label=_("Why no one interpreted, or someone new did"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed when you do not speak the child's language and no interpreter is named, "
            "or when the interpreter is not the one of the child's last interview."
        ),
    )
    support_person = forms.CharField(
        label=_("Support person present"), required=False, max_length=200
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator_rows = list(Indicator.objects.filter(is_active=True))
        field = self.fields["indicators"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(i.code, i.text) for i in self.indicator_rows]
        if not self.is_bound:
            self.initial.setdefault(
                "screened_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        forms_ticked = set(data.get("forms_of_exploitation", []))
        # A kind ticked without its form would be lost: say so instead.
        for field, form in (
            ("sexual_types", Exploitation.SEXUAL),
            ("other_types", Exploitation.OTHER),
        ):
            if data.get(field) and form not in forms_ticked:
                self.add_error(field, _("Tick “%(form)s” above as well.") % {"form": form.label})
        if data.get("industries") and not forms_ticked & set(LABOUR_FORMS):
            self.add_error(
                "industries", _("Tick forced labour, child labour or servitude above as well.")
            )
        return data

    def indicator_groups(self) -> list[tuple[str, list[Any]]]:
        """Checkboxes grouped by dimension, for the template."""
        by_code = {str(w.data["value"]): w for w in self["indicators"]}
        groups: dict[str, list[Any]] = {}
        labels: dict[str, str] = {}
        for indicator in self.indicator_rows:
            labels[indicator.dimension] = str(indicator.get_dimension_display())
            groups.setdefault(indicator.dimension, []).append((indicator, by_code[indicator.code]))
        # General signs first, then the ILO-EC dimensions in the source's order.
        order = {d: n for n, d in enumerate(IndicatorDimension.values)}
        return [(labels[d], groups[d]) for d in sorted(groups, key=lambda d: order.get(d, 99))]

    def form_rows(self) -> list[dict[str, str]]:
        """One row per form of exploitation, with its kind or industry (HTCDS)."""
        data = self.cleaned_data
        rows: list[dict[str, str]] = []
        for form in data["forms_of_exploitation"]:
            if form == NONE:
                rows.append({"form": NONE})
            elif form == Exploitation.SEXUAL and data["sexual_types"]:
                rows += [{"form": form, "sub_type": t} for t in data["sexual_types"]]
            elif form == Exploitation.OTHER and data["other_types"]:
                rows += [{"form": form, "sub_type": t} for t in data["other_types"]]
            elif form in LABOUR_FORMS and data["industries"]:
                rows += [{"form": form, "industry": i} for i in data["industries"]]
            else:
                rows.append({"form": form})
        return rows

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "screened_at": data["screened_at"],
            "acts": data["acts"],
            "forms": self.form_rows(),
            "means": data["means"],
            "methods_of_control": data["methods_of_control"],
            "movement": data["movement"],
            "indicator_codes": data["indicators"],
            "protection_concerns": data["protection_concerns"],
            "child_interviewed": data["child_interviewed"],
            "duration_minutes": data["duration_minutes"],
            "location": data["location"],
            "interpreter": data["interpreter"],
            "interpreter_reason": data["interpreter_reason"],
            "support_person": data["support_person"],
            "notes": data["notes"],
        }


class StepDoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False, max_length=1000)


class StepNotNeededForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Why it is not needed"), choices=NotNeededReason.choices
    )
    reason = forms.CharField(label=_("In a sentence"), max_length=1000)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Case.TraffickingStatus.choices)
    decided_by = forms.ChoiceField(label=_("Decided by"), choices=Case.StatusDecidedBy.choices)


class FindChildForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("In any script or spelling; other names too."),
    )
    born_from = forms.IntegerField(
        label=_("Born from (year)"), required=False, min_value=1990, max_value=2100
    )
    born_to = forms.IntegerField(
        label=_("Born up to (year)"), required=False, min_value=1990, max_value=2100
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    nationality = forms.ChoiceField(label=_("Nationality"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        sex = self.fields["sex"]
        nationality = self.fields["nationality"]
        assert isinstance(sex, forms.ChoiceField) and isinstance(nationality, forms.ChoiceField)
        sex.choices = [("", "—"), *Sex.choices]
        nationality.choices = _country_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("born_from"), data.get("born_to")
        if low and high and low > high:
            self.add_error("born_to", _("The second year must not be before the first."))
        return data
