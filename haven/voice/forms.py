from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from haven.children.forms import language_field
from haven.core.forms import EventDateTimeField, at_most, datetime_input
from haven.voice.models import Channel, Kind, Mood


class KioskOpenForm(forms.Form):
    place = forms.CharField(
        label=_("Where is this device?"),
        max_length=120,
        help_text=_("Children and staff see this name, e.g. “Shelter common room”."),
    )
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages to show first"),
        help_text=_(
            "Ticked for you: the languages of the children in your agency's care. Children can "
            "still choose any other."
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        validators=at_most(),
    )
    confirm = forms.BooleanField(
        label=_("I understand that I will be signed out on this device."),
    )

    def __init__(
        self, *args: Any, agencies: list[Any], languages: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["languages"]
        assert isinstance(field, forms.MultipleChoiceField)
        # Each name in its own script, as the kiosk shows it to the child.
        field.choices = [
            (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
        ]
        field.initial = languages
        self.agencies = {str(a.public_id): a for a in agencies}
        if len(agencies) > 1:
            field = self.fields["agency"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(k, str(a)) for k, a in self.agencies.items()]
            field.required = True
        else:
            del self.fields["agency"]

    def service_kwargs(self) -> dict[str, Any]:
        chosen = self.cleaned_data.get("agency")
        return {
            "place": self.cleaned_data["place"],
            "agency": self.agencies.get(chosen) if chosen else None,
            "languages": self.cleaned_data["languages"],
        }


# The kiosk speaks to children: short words, one question at a time (CC-12).
KIOSK_KINDS = [
    (Kind.FEEDBACK, _("I just want to tell you something")),
    (Kind.COMPLAINT, _("Something is wrong / I want to complain")),
    (Kind.CONCERN, _("Someone who works here hurt me or made me feel unsafe")),
]


class KioskForm(forms.Form):
    mood = forms.ChoiceField(
        label=_("How do you feel?"),
        choices=Mood.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("What do you want to tell us?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        help_text=_("You do not have to write your name."),
    )
    kind = forms.ChoiceField(
        label=_("Is it about…"),
        choices=KIOSK_KINDS,
        initial=Kind.FEEDBACK,
        widget=forms.RadioSelect,
    )
    wants_contact = forms.BooleanField(label=_("Yes, I want someone to talk to me"), required=False)
    contact_hint = forms.CharField(
        label=_("Your name, or a word so we can find you (only if you want)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("For example: “ask for me at the shelter”."),
    )


class FeedbackRecordForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How did the child tell you?"),
        choices=[c for c in Channel.choices if c[0] != Channel.KIOSK],
        initial=Channel.IN_PERSON,
    )
    kind = forms.ChoiceField(label=_("What is it?"), choices=Kind.choices, widget=forms.RadioSelect)
    language = language_field(_("Language the child used"))
    mood = forms.ChoiceField(
        label=_("How the child felt"),
        choices=[("", _("Not said")), *Mood.choices],
        required=False,
    )
    message = forms.CharField(
        label=_("What the child said"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("In the child's words as far as you can."),
    )
    case_reference = forms.CharField(
        label=_("Case reference (optional)"),
        required=False,
        max_length=20,
        help_text=_("Only for a child whose case you can open, e.g. HV-ACD3479."),
    )
    anonymous = forms.BooleanField(
        label=_("The child wants to stay anonymous"),
        required=False,
        initial=True,
        help_text=_("Leave the case reference empty then."),
    )
    wants_contact = forms.BooleanField(
        label=_("The child wants someone to talk to them"), required=False
    )
    contact_hint = forms.CharField(label=_("How to find the child"), required=False, max_length=200)
    received_at = EventDateTimeField(
        label=_("When the child said it"),
        required=False,
        widget=datetime_input(),
        help_text=_("Leave empty for now."),
    )
    agency = forms.ChoiceField(label=_("Agency that should handle it"), required=False)
    subject = forms.ChoiceField(
        label=_("Who is the concern about?"),
        required=False,
        help_text=_(
            "Only for a concern about someone who works with children. Name them if you can: "
            "the concern will never reach them (CC-13)."
        ),
    )

    def __init__(
        self,
        *args: Any,
        agencies: list[Any],
        case: Any = None,
        people: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        # `people`: memberships of the agencies the practitioner records for (selectors).
        several = len(agencies) > 1
        self.people: dict[str, Any] = {}
        choices: list[tuple[str, Any]] = [("", _("No one with a Haven account, or I do not know"))]
        for m in people or []:
            key = str(m.user.public_id)
            if key not in self.people:
                self.people[key] = m.user
                name = m.user.get_full_name() or m.user.username
                choices.append((key, f"{name} ({m.agency})" if several else name))
        subject_field = self.fields["subject"]
        assert isinstance(subject_field, forms.ChoiceField)
        subject_field.choices = choices
        self.agencies = {str(a.public_id): a for a in agencies}
        if len(agencies) > 1:
            field = self.fields["agency"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(k, str(a)) for k, a in self.agencies.items()]
            field.required = True
        else:
            del self.fields["agency"]
        if case is not None:
            del self.fields["case_reference"]
            self.fields["anonymous"].initial = False

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("case_reference", None)
        chosen = data.pop("agency", None)
        data["agency"] = self.agencies.get(chosen) if chosen else None
        subject = data.pop("subject", None)
        data["subject"] = self.people.get(subject) if subject else None
        return data


class AcknowledgeForm(forms.Form):
    pass


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("What was done, and what the child was told"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
        help_text=_(
            "Needed to close it (CC-12). For a concern about a practitioner, say whether it was "
            "referred to the police (CC-13)."
        ),
    )
