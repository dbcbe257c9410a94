from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Agency
from haven.children.forms import _country_choices, _language_choices
from haven.children.models import Gender
from haven.core.codes import countries, languages
from haven.core.forms import TEXT_MAX_LENGTH, VersionedForm, at_most
from haven.core.sensitivity import Sensitivity
from haven.directory.models import (
    OFFER_FIELDS,
    DeclineReason,
    LegalBasis,
    ReferralEndReason,
    TransferKind,
)
from haven.identification.codes import Exploitation
from haven.protection.models import ServiceType

_ANY = [("", _("Any"))]


class SearchForm(forms.Form):
    """The directory's filters. There is no nationality filter, and none can be added through
    the address: unknown parameters are ignored (CC-4)."""

    service_type = forms.ChoiceField(
        label=_("Type of service"), choices=_ANY + list(ServiceType.choices), required=False
    )
    age = forms.IntegerField(label=_("Child's age"), min_value=0, max_value=25, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=_ANY + list(Gender.choices), required=False
    )
    form = forms.ChoiceField(
        label=_("Form of exploitation"), choices=_ANY + list(Exploitation.choices), required=False
    )
    country = forms.ChoiceField(label=_("Country"), choices=_country_choices, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices, required=False)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", None)}


class OfferForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Type of service"), choices=ServiceType.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    min_age = forms.IntegerField(label=_("From age"), min_value=0, max_value=25, required=False)
    max_age = forms.IntegerField(label=_("To age"), min_value=0, max_value=25, required=False)
    genders = forms.MultipleChoiceField(
        label=_("Genders"),
        choices=Gender.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
        help_text=_("Leave all unticked if the service is for every child."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages the service works in"),
        choices=languages,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        required=False,
        validators=at_most(),
    )
    area = forms.CharField(label=_("Area or location"), max_length=200, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=countries)
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("Taking referrals"), required=False, initial=True)
    # Last in the class body: from here on `forms` names this field, not the module.
    forms = forms.MultipleChoiceField(
        label=_("Forms of exploitation"),
        choices=Exploitation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
        help_text=_("Leave all unticked if the service is for every child."),
    )

    field_order = [*OFFER_FIELDS, "is_active"]


class OfferEditForm(VersionedForm, OfferForm):
    """An offer of the directory, edited: with the version opened (lost updates)."""


class AssessmentForm(forms.Form):
    to_agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Sharing with"),
        queryset=Agency.objects.none(),
        to_field_name="public_id",
    )
    risks = forms.CharField(
        label=_("Risks"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What could go wrong for a child if their data is shared with this agency."),
    )
    safeguards = forms.CharField(
        label=_("Safeguards"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What reduces those risks: agreements, training, access limits."),
    )
    approved = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Sharing is approved")), ("no", _("Sharing is not approved"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies  # type: ignore[attr-defined]


SHAREABLE = [c for c in Sensitivity.choices if c[0] != Sensitivity.BASIC]


class SharingBasisForm(forms.Form):
    """The consent to share, or a legal basis with its reason (DP-5): a referral's and a
    transfer's. `consents` are the case's consents to share information in force."""

    consent = forms.ChoiceField(label=_("The child's consent to share information"), required=False)
    legal_basis = forms.ChoiceField(
        label=_("Or, without consent: legal basis"),
        choices=[("", "—"), *LegalBasis.choices],
        required=False,
    )
    legal_basis_justification = forms.CharField(
        label=_("Why sharing cannot wait for consent"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args: Any, consents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consents = {str(c.public_id): c for c in consents}
        self.fields["consent"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (
                key,
                _("Given on %(date)s, to: %(to)s")
                % {"date": c.given_on.isoformat(), "to": c.recipients_label},
            )
            for key, c in self.consents.items()
        ]

    def basis_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "data_points": data["data_points"],
            "consent": self.consents.get(data["consent"]),
            "legal_basis": data["legal_basis"],
            "legal_basis_justification": data["legal_basis_justification"],
        }


class ReferralForm(SharingBasisForm):
    offer = forms.ChoiceField(label=_("Service"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("What the child needs from this service"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The receiving agency reads this before it accepts. Do not write the child's name."
        ),
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    data_points = forms.MultipleChoiceField(
        label=_("Information the receiving agency may read once it accepts"),
        choices=SHAREABLE,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
        help_text=_(
            "Case basics (reference, stage, dates) are always shared. "
            "Tick only what the service needs (DP-9)."
        ),
    )
    field_order = ["offer", "reason", "urgent", "data_points"]

    def __init__(self, *args: Any, offers: list[Any], consents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, consents=consents, **kwargs)
        self.offers = {str(o.public_id): o for o in offers}
        self.fields["offer"].choices = [  # type: ignore[attr-defined]
            (key, f"{o.name} — {o.agency.name} ({o.get_service_type_display()})")
            for key, o in self.offers.items()
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "offer": self.offers[data["offer"]],
            "reason": data["reason"],
            "urgent": data["urgent"],
            **self.basis_kwargs(),
        }


class DeclineForm(forms.Form):
    reason_code = forms.ChoiceField(
        label=_("Why the referral is declined"), choices=DeclineReason.choices
    )
    reason = forms.CharField(
        label=_("Details"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralEndForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("Why"), choices=ReferralEndReason.choices)
    reason = forms.CharField(label=_("Details"), required=False, max_length=500)


class TransferForm(SharingBasisForm):
    """Handing the case over to another agency (RR-7), or returning the child across a border."""

    to_agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Receiving agency"), queryset=Agency.objects.none(), to_field_name="public_id"
    )
    kind = forms.ChoiceField(
        label=_("Kind of transfer"), choices=TransferKind.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Why the case is handed over"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The receiving agency reads this before it accepts. Do not write the name."),
    )
    data_points = forms.MultipleChoiceField(
        label=_("Information that goes along"),
        choices=[c for c in SHAREABLE if c[0] != Sensitivity.IDENTITY],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
        help_text=_(
            "The child's record (name, birth date, languages) always goes along. Tick only "
            "what the receiving agency needs to take over (DP-9)."
        ),
    )
    destination_risks = forms.CharField(
        label=_("For a return: risks at the destination, and how they are met"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Family, traffickers, community, the services there."),
    )
    child_views = forms.CharField(
        label=_("For a return: what the child says about going back"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    decision = forms.ChoiceField(
        label=_("For a return: the best-interests determination about it"), required=False
    )

    def __init__(
        self, *args: Any, agencies: Any, consents: list[Any], decisions: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, consents=consents, **kwargs)
        self.fields["to_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.decisions = {str(d.public_id): d for d in decisions}
        self.fields["decision"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (key, f"{d.get_subject_display()} · {d.decided_on.isoformat()}")
            for key, d in self.decisions.items()
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "to_agency": data["to_agency"],
            "kind": data["kind"],
            "reason": data["reason"],
            "destination_risks": data["destination_risks"],
            "child_views": data["child_views"],
            "decision": self.decisions.get(data["decision"]),
            **self.basis_kwargs(),
        }


class TransferNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Why, for the other agency"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
