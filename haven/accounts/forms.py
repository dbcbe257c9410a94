from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Agency, OrganisationType
from haven.core.codes import countries, languages
from haven.core.forms import LANGUAGES_MAX_COUNT, VersionedForm, at_most, date_input


class StaffForm(forms.Form):
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=None,
        to_field_name="public_id",
        empty_label=None,  # type: ignore[arg-type]
    )
    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("Given name"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"))
    languages = forms.MultipleChoiceField(
        label=_("Languages they can work in with a child"),
        choices=languages,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        validators=at_most(LANGUAGES_MAX_COUNT),
        help_text=_(
            "Haven compares them with the child's languages at every handover and interview, "
            "and asks for an interpreter where they differ (CC-10)."
        ),
    )

    def __init__(self, *args: Any, agencies: Any, roles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = agencies
        role = self.fields["role"]
        assert isinstance(role, forms.ChoiceField)
        role.choices = roles


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("6-digit code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=20,
        error_messages={"invalid": _("Enter the 6 digits shown in your app.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "").strip()


class LanguageReviewForm(forms.Form):
    """A native-speaking practitioner's review of one of Haven's languages (CC-11)."""

    language = forms.ChoiceField(label=_("Language"))
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Agency.objects.none(), empty_label=None
    )
    reviewer = forms.CharField(label=_("Reviewed by (name and role)"), max_length=200)
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=date_input())
    notes = forms.CharField(
        label=_("What was reviewed, and what was changed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the kiosk and every sheet for the three age bands."),
    )

    def __init__(self, *args: Any, agencies: Any, languages: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["language"].choices = languages  # type: ignore[attr-defined]


class ContactFields(forms.Form):
    """How other agencies reach an agency."""

    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    hotline = forms.CharField(
        label=_("Emergency line"),
        max_length=40,
        required=False,
        help_text=_("A number answered day and night, for a child in danger."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class AgencyContactsForm(VersionedForm, ContactFields):
    """An agency's contact details, edited: carries the version opened (lost updates)."""


def _country_choices() -> list[tuple[str, str]]:
    return [("", "—"), *countries()]


class AgencyForm(ContactFields):
    """A new agency, as a system administrator adds it."""

    name = forms.CharField(label=_("Name"), max_length=200)
    organisation_type = forms.ChoiceField(
        label=_("Organisation type"), choices=OrganisationType.choices
    )
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Asia/Bangkok",
        help_text=_("Dates and times are shown and entered in this zone, e.g. Asia/Jakarta."),
    )
    is_child_protection_authority = forms.BooleanField(
        label=_("This agency is the child-protection authority"), required=False
    )

    field_order = [
        "name",
        "organisation_type",
        "country",
        "is_child_protection_authority",
        "time_zone",
        "phone",
        "hotline",
        "email",
        "address",
    ]

    def service_kwargs(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
