from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Agency
from haven.children.forms import language_field
from haven.consent.models import (
    CHECKLIST,
    ChildAnswer,
    Format,
    Purpose,
    Representative,
    RepresentativeAnswer,
    Topic,
)
from haven.consent.sheets import Band, sheet_languages
from haven.core.forms import (
    TEXT_MAX_LENGTH,
    EventDateTimeField,
    at_most,
    date_input,
    datetime_input,
)


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("What is the consent for?"), choices=Purpose.choices)
    purpose_detail = forms.CharField(
        label=_("Details of the purpose"), required=False, max_length=300
    )
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        max_length=300,
        help_text=_("What exactly is agreed, e.g. 'a general check-up, not an HIV test'."),
    )
    # DP-5: a referral is compared with the agencies ticked here, never with the text below.
    recipient_agencies = forms.ModelMultipleChoiceField(
        label=_("Haven agencies that will receive the information"),
        queryset=Agency.objects.order_by("name"),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
        help_text=_(
            "For a consent to share information: tick each agency the child agreed to. "
            "A referral can go only to an agency ticked here."
        ),
    )
    recipients = forms.CharField(
        label=_("Others, outside Haven"),
        required=False,
        max_length=300,
        help_text=_(
            "People or organisations that do not use Haven, e.g. a school. "
            "Writing a Haven agency here does not let a referral go to it."
        ),
    )
    given_on = forms.DateField(label=_("Date of the conversation"), widget=date_input())
    expires_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=date_input(),
        help_text=_("Leave empty if it lasts until withdrawn."),
    )
    language = language_field(_("Language used"))
    formats = forms.MultipleChoiceField(
        label=_("How it was explained"),
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        validators=at_most(),
    )
    explained_by = forms.CharField(label=_("Explained by"), max_length=200)
    checklist = forms.MultipleChoiceField(
        label=_("What was explained to the child"),
        choices=CHECKLIST,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        validators=at_most(),
        help_text=_("Every point must be covered before the answer counts (DP-6)."),
    )
    child_answer = forms.ChoiceField(
        label=_("The child's answer"), choices=ChildAnswer.choices, widget=forms.RadioSelect
    )
    child_not_asked_reason = forms.CharField(
        label=_("Why the child could not be asked"), required=False, max_length=500
    )
    representative = forms.ChoiceField(
        label=_("Parent, guardian or legal representative asked"),
        choices=Representative.choices,
        initial=Representative.NONE,
        help_text=_(
            "Under %(age)s a child gives assent and a parent or guardian must also consent."
        ),
    )
    representative_name = forms.CharField(
        label=_("Representative's name"), required=False, max_length=200
    )
    representative_answer = forms.ChoiceField(
        label=_("The representative's answer"),
        choices=[("", "—"), *RepresentativeAnswer.choices],
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, consent_age: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["representative"]
        field.help_text = field.help_text % {"age": consent_age}
        self.fields["given_on"].initial = timezone.localdate()


class WithdrawForm(forms.Form):
    withdrawn_by = forms.CharField(label=_("Withdrawn by"), max_length=200)
    reason = forms.CharField(
        label=_("What was said"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InformationForm(forms.Form):
    given_at = EventDateTimeField(label=_("When"), widget=datetime_input())
    topics = forms.MultipleChoiceField(
        label=_("What was explained"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        validators=at_most(),
    )
    language = language_field(_("Language"))
    formats = forms.MultipleChoiceField(
        label=_("How"),
        choices=Format.choices,
        widget=forms.CheckboxSelectMultiple,
        validators=at_most(),
        help_text=_("Spoken and written, so the child can refer back to it."),
    )
    given_by = forms.CharField(label=_("Given by"), max_length=200)
    interpreter = forms.CharField(label=_("Interpreter"), max_length=200, required=False)
    child_questions = forms.CharField(
        label=_("The child's questions, and the answers"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    written_copy_left = forms.BooleanField(
        label=_("A written copy was left with the child"),
        required=False,
        help_text=_("So the child can read it again later, in their own language."),
    )


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.decided_on:%Y-%m-%d} · {obj.get_subject_display()}"


class OverrideForm(forms.Form):
    decision: forms.ModelChoiceField = DecisionChoiceField(
        label=_("Best-interests determination"),
        queryset=None,  # set per case
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = decisions


class SheetForm(forms.Form):
    """Which language to print the child's written sheet in, and whether names may be on it."""

    language = forms.ChoiceField(label=_("Language of the sheet"), choices=sheet_languages)
    band = forms.ChoiceField(
        label=_("Written for"),
        choices=Band.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Chosen from the child's age. Choose another to suit the child's maturity."),
    )
    include_contacts = forms.BooleanField(
        label=_("Put the case worker's first name and the agency on the sheet"),
        required=False,
        initial=True,
        help_text=_(
            "Leave this out if the sheet could fall into the wrong hands, e.g. where the child "
            "goes back to people who may have been involved."
        ),
    )
