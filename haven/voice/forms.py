from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
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


# What the kiosk says when something is missing or wrong: short and kind, for a child of 8
# (CC-12, CC-14), never Django's "This field is required." A message no field explains.
KIOSK_CHOOSE_ONE = _("Please choose one.")
KIOSK_CHOOSE_FACE = _("Please choose one of the faces.")
KIOSK_TOO_LONG = _("That is a lot of words! Please make it shorter.")
KIOSK_SAY_MORE = _("Please tell us a little more. Choose a face or write something.")
KIOSK_TRY_AGAIN = _(
    "Something did not work. Please try again, or ask the adult who gave you the tablet."
)
_CHOICE = {"required": KIOSK_CHOOSE_ONE, "invalid_choice": KIOSK_CHOOSE_ONE}
_TEXT = {"max_length": KIOSK_TOO_LONG}


class KioskForm(forms.Form):
    """What a child leaves at the kiosk. Every error it can show is one of the messages above,
    also those the service raises (`add_service_error`)."""

    mood = forms.ChoiceField(
        label=_("How do you feel?"),
        choices=Mood.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": KIOSK_CHOOSE_FACE},
    )
    message = forms.CharField(
        label=_("What do you want to tell us?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off"}),
        help_text=_("You do not have to write your name."),
        error_messages=_TEXT,
    )
    kind = forms.ChoiceField(
        label=_("Is it about…"),
        choices=KIOSK_KINDS,
        initial=Kind.FEEDBACK,
        widget=forms.RadioSelect,
        error_messages=_CHOICE,
    )
    wants_contact = forms.BooleanField(label=_("Yes, I want someone to talk to me"), required=False)
    contact_hint = forms.CharField(
        label=_("Your name, or a word so we can find you (only if you want)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("For example: “ask for me at the shelter”."),
        error_messages=_TEXT,
    )

    # The service's checks, each with the child's words (haven.voice.services._clean_entry).
    _SERVICE_MESSAGES = {"kind": KIOSK_CHOOSE_ONE, "mood": KIOSK_CHOOSE_FACE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # As the service refuses it, before it does: a face, words, or another kind of message.
        if (
            not self.errors
            and not data.get("message", "").strip()
            and not data.get("mood")
            and data.get("kind") == Kind.FEEDBACK
        ):
            self.add_error("message", KIOSK_SAY_MORE)
        return data

    def add_service_error(self, exc: ValidationError) -> None:
        """A refusal by the service, in the child's words: too long for a text, "choose one"
        for a choice, and for anything else "try again, or ask the adult"."""
        fields = getattr(exc, "error_dict", {}) or {None: exc.error_list}
        for field in fields:
            if field == "message" and not self.cleaned_data.get("message", "").strip():
                self.add_error(field, KIOSK_SAY_MORE)
            elif field in ("message", "contact_hint"):
                self.add_error(field, KIOSK_TOO_LONG)
            elif field in self._SERVICE_MESSAGES:
                self.add_error(field, self._SERVICE_MESSAGES[field])
            else:
                self.add_error(None, KIOSK_TRY_AGAIN)


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
