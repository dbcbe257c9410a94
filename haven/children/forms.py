from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.children.models import (
    AGE_STATUS_INPUT_CHOICES,
    AgeAssessment,
    AgeStatus,
    Gender,
    ParentalCare,
    Sex,
)
from haven.core.codes import countries, languages
from haven.core.forms import (
    ALIASES_MAX_COUNT,
    LANGUAGES_MAX_COUNT,
    TEXT_MAX_LENGTH,
    VersionedForm,
    at_most,
    date_input,
)

# Shown first in the pickers: the countries and languages practitioners in the region meet most.
REGION_COUNTRIES = ("TH", "MM", "KH", "LA", "VN", "MY", "ID", "PH", "SG", "BN", "TL", "CN", "BD")
REGION_LANGUAGES = (
    "th", "my", "km", "lo", "vi", "ms", "id", "tl", "ceb", "tet", "zh", "bn",
    "shn", "kac", "mnw", "kjp", "hmn", "rhg", "jav", "sun", "en",
)  # fmt: skip


def _grouped(rows: tuple[tuple[str, str], ...], first: tuple[str, ...]) -> list[Any]:
    names = dict(rows)
    region = [(code, names[code]) for code in first if code in names]
    return [("", "—"), (_("In the region"), region), (_("All"), list(rows))]


def _country_choices() -> list[Any]:
    return _grouped(countries(), REGION_COUNTRIES)


def _language_choices() -> list[Any]:
    return _grouped(languages(), REGION_LANGUAGES)


def language_field(label: Any, **kwargs: Any) -> forms.ChoiceField:
    """A language picker with the region's languages first (used wherever a form asks which
    language something was said in)."""
    return forms.ChoiceField(label=label, choices=_language_choices, **kwargs)


def preferred_language(child: Any) -> str:
    row = child.languages.order_by("-is_preferred", "language").values_list("language", flat=True)
    return row.first() or ""


def _other_language_choices() -> list[Any]:
    return _language_choices()[1:]


class ChildForm(forms.Form):
    """The child's record, as entered at registration and edited later."""

    given_name = forms.CharField(
        label=_("Given name"),
        max_length=120,
        help_text=_("As the child says it, in their own script."),
    )
    family_name = forms.CharField(label=_("Family name"), max_length=120, required=False)
    family_name_first = forms.BooleanField(
        label=_("The family name comes first"),
        required=False,
        help_text=_("As in Khmer, Vietnamese or Chinese names."),
    )
    name_romanised = forms.CharField(
        label=_("Name in Latin letters"), max_length=250, required=False
    )
    aliases = forms.CharField(
        label=_("Other names"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Nicknames or other names the child has used, one per line."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNKNOWN)
    gender = forms.ChoiceField(
        label=_("Gender identity"), choices=Gender.choices, initial=Gender.UNKNOWN
    )
    gender_self_described = forms.CharField(
        label=_("Gender in the child's words"), max_length=100, required=False
    )
    birth_date = forms.DateField(
        label=_("Birth date"),
        required=False,
        widget=date_input(),
        help_text=_("Exact or estimated."),
    )
    age_status = forms.ChoiceField(
        label=_("How is the age known?"),
        choices=AGE_STATUS_INPUT_CHOICES,
        initial=AgeStatus.UNCERTAIN,
    )
    claims_adult = forms.BooleanField(label=_("Says they are 18 or older"), required=False)
    claims_child = forms.BooleanField(
        label=_("Says they are under 18"),
        required=False,
        help_text=_(
            "Even if they said something else before: the person is then treated as a child."
        ),
    )
    minority_indicators = forms.BooleanField(
        label=_("There are signs the person may be under 18"),
        required=False,
        help_text=_("When in doubt, tick it: the person is then treated as a child."),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), choices=_country_choices, required=False
    )
    second_nationality = forms.ChoiceField(
        label=_("Second nationality"), choices=_country_choices, required=False
    )
    language = forms.ChoiceField(
        label=_("Main language"), choices=_language_choices, required=False
    )
    other_languages = forms.MultipleChoiceField(
        label=_("Other languages"),
        choices=_other_language_choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        validators=at_most(LANGUAGES_MAX_COUNT - 1),  # with the main language
    )
    parental_care = forms.ChoiceField(
        label=_("Parental care"), choices=ParentalCare.choices, initial=ParentalCare.UNKNOWN
    )
    has_disability = forms.BooleanField(label=_("Has a disability"), required=False)
    special_needs = forms.CharField(
        label=_("Disability and special needs"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    CHILD_FIELDS = (
        "given_name",
        "family_name",
        "family_name_first",
        "name_romanised",
        "sex",
        "gender",
        "gender_self_described",
        "birth_date",
        "age_status",
        "claims_adult",
        "claims_child",
        "minority_indicators",
        "parental_care",
        "has_disability",
        "special_needs",
    )

    def lock_determined_age(self) -> None:
        """A completed age assessment set the age: it is shown, not edited here (a new
        assessment changes it)."""
        status = self.fields["age_status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = AgeStatus.choices
        for name in ("age_status", "birth_date"):
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Set by a completed age assessment.")

    def child_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.CHILD_FIELDS}

    def nationality_list(self) -> list[str]:
        return [
            c
            for c in (self.cleaned_data["nationality"], self.cleaned_data["second_nationality"])
            if c
        ]

    def language_list(self) -> list[str]:
        main = self.cleaned_data["language"]
        return [c for c in [main, *self.cleaned_data["other_languages"]] if c]

    def clean_aliases(self) -> str:
        value: str = self.cleaned_data["aliases"]
        if len([line for line in value.splitlines() if line.strip()]) > ALIASES_MAX_COUNT:
            raise forms.ValidationError(
                _("Give at most %(count)d other names, one per line.")
                % {"count": ALIASES_MAX_COUNT}
            )
        return value

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]

    @classmethod
    def initial_for(cls, child: Any) -> dict[str, Any]:
        initial = {name: getattr(child, name) for name in cls.CHILD_FIELDS}
        nats = list(child.nationalities.values_list("country", flat=True))
        langs = list(
            child.languages.order_by("-is_preferred", "language").values_list("language", flat=True)
        )
        initial.update(
            nationality=nats[0] if nats else "",
            second_nationality=nats[1] if len(nats) > 1 else "",
            language=langs[0] if langs else "",
            other_languages=langs[1:],
            aliases="\n".join(child.aliases.values_list("name", flat=True)),
        )
        return initial


class ChildEditForm(VersionedForm, ChildForm):
    """The child's record edited through a case: with the version opened (lost updates)."""

    @classmethod
    def initial_for(cls, child: Any) -> dict[str, Any]:
        return {**super().initial_for(child), "version": child.version}


class AgeAssessmentForm(forms.Form):
    method = forms.CharField(
        label=_("Method"),
        max_length=200,
        help_text=_("For example: documents, interview, a multidisciplinary assessment."),
    )
    evidence = forms.CharField(
        label=_("Evidence considered"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_by = forms.CharField(label=_("Decided by"), max_length=200)
    completed = forms.BooleanField(label=_("The assessment is completed"), required=False)
    result = forms.ChoiceField(
        label=_("Result"), choices=[("", "—"), *AgeAssessment.Result.choices], required=False
    )
    assessed_birth_date = forms.DateField(
        label=_("Assessed birth date"), required=False, widget=date_input()
    )
