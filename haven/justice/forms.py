"""Forms of the Justice pages; every rule is the services' (haven.justice.services). A form
checks only what a browser can send wrong (a date that is not a date, a code not on the list);
the service decides the rest and its refusal lands on the form (haven.core.forms.run_service)."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import User
from haven.cases.forms import InterviewForm
from haven.cases.models import Interview
from haven.children.forms import language_field
from haven.core.codes import languages
from haven.core.forms import (
    LINE_MAX_LENGTH,
    EventDateTimeField,
    VersionedForm,
    at_most,
    date_input,
    datetime_input,
)
from haven.decisions.models import Decision
from haven.justice.models import (
    ChildRole,
    Choice,
    EventKind,
    Form,
    Measure,
    Proceeding,
    ProceedingKind,
    ProtectionMeasure,
    Risk,
    Stage,
)
from haven.justice.rules import FORM_OF_KIND
from haven.protection.forms import _text


def _checkboxes(label: Any, choices: Any, **kwargs: Any) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        validators=at_most(),
        **kwargs,
    )


def _radios(label: Any, choices: Any, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **kwargs)


class RecordChoiceField(forms.ChoiceField):
    """A choice among records given as a list (a selector that filters in Python), by public
    ID; cleans to the record itself, or None when nothing was chosen."""

    def __init__(self, *, records: Sequence[Any] = (), label_of: Any = str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.set_records(records, label_of)

    def set_records(self, records: Sequence[Any], label_of: Any) -> None:
        self.records = {str(r.public_id): r for r in records}
        self.choices = [("", "—"), *((key, label_of(r)) for key, r in self.records.items())]

    def clean(self, value: Any) -> Any:
        key = super().clean(value)
        return self.records.get(key) if key else None


class _DecisionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.decided_on:%Y-%m-%d} · {obj.get_subject_display()}"


class _PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class _ProceedingField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return " · ".join(
            part
            for part in (
                str(obj),
                obj.get_kind_display(),
                obj.get_stage_display(),
                f"{obj.opened_on:%Y-%m-%d}",
            )
            if part
        )


# --- proceedings ----------------------------------------------------------------------------------


class ProceedingForm(forms.Form):
    """A proceeding and the child's part in it (open and change)."""

    kind = forms.ChoiceField(label=_("Kind of proceeding"), choices=ProceedingKind.choices)
    authority = forms.CharField(
        label=_("Authority or court"),
        max_length=200,
        help_text=_("The police unit, prosecutor's office or court in charge now."),
    )
    reference = forms.CharField(label=_("Its reference"), max_length=100, required=False)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    opened_on = forms.DateField(label=_("Opened on"), widget=date_input())
    closed_on = forms.DateField(
        label=_("Closed on"),
        required=False,
        widget=date_input(),
        help_text=_("Only when the stage is “Closed”."),
    )
    role = _radios(_("The child's role"), ChildRole.choices)
    child_lawyer = forms.CharField(label=_("The child's lawyer"), max_length=200, required=False)
    prosecutor = forms.CharField(label=_("Prosecutor"), max_length=200, required=False)
    accused = _text(
        _("The accused, one per line"),
        2,
        help_text=_("Nobody named here or below may be the child's support person (VW-3)."),
    )
    defence = _text(_("Their lawyers or representatives, one per line"), 2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = timezone.localdate()


class ProceedingEditForm(ProceedingForm, VersionedForm):
    """A change of the proceeding, with the version the person opened: the proceeding is shared
    by every child in it, and two people changing it from two cases never silently overwrite
    each other."""


class JoinForm(forms.Form):
    """This child in a proceeding already recorded for another child."""

    proceeding: forms.ModelChoiceField = _ProceedingField(
        label=_("Proceeding"),
        queryset=Proceeding.objects.none(),
        to_field_name="public_id",
        help_text=_(
            "Proceedings recorded on other cases of your agency that you may read: one "
            "trafficker, several children. Nothing about the other child is shown here."
        ),
    )
    role = _radios(_("The child's role"), ChildRole.choices)
    child_lawyer = forms.CharField(label=_("The child's lawyer"), max_length=200, required=False)

    def __init__(self, *args: Any, proceedings: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["proceeding"]
        assert isinstance(field, forms.ModelChoiceField)
        if proceedings is not None:
            field.queryset = proceedings


class HearingForm(forms.Form):
    held_on = forms.DateField(label=_("Date of the hearing"), widget=date_input())
    purpose = forms.CharField(label=_("What it is for"), max_length=200, required=False)


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=EventKind.choices)
    occurred_on = forms.DateField(label=_("On"), widget=date_input())
    summary = _text(_("What it means for the child"), 2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].initial = timezone.localdate()


# --- taking part (VW-1, VW-2, VW-8) ---------------------------------------------------------------


def _session_label(session: Any) -> str:
    when = timezone.localtime(session.given_at)
    language = dict(languages()).get(session.language, session.language)
    return f"{when:%Y-%m-%d %H:%M} · {session.given_by} · {language}"


class ParticipationForm(forms.Form):
    form = _radios(_("Taking part by"), Form.choices)
    choice = _radios(
        _("The child's choice"),
        Choice.choices,
        help_text=_("Declining changes nothing in the child's help (VW-8)."),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=date_input())
    information_session = RecordChoiceField(
        label=_("Information session on the legal process and the right to decline"),
        help_text=_("The child is told first, in their language, that they may say no (VW-2)."),
    )
    decision: forms.ModelChoiceField = _DecisionField(
        label=_("Best-interests determination about taking part in legal proceedings"),
        queryset=Decision.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Needed when the child agrees (VW-1)."),
    )
    retraumatisation_risk = _radios(_("Risk of re-traumatisation"), Risk.choices)
    intimidation_risk = _radios(_("Risk of intimidation"), Risk.choices)
    reprisal_risk = _radios(_("Risk of reprisal"), Risk.choices)
    child_views = _text(_("The child's views, in their words"))

    def __init__(
        self,
        *args: Any,
        sessions: Sequence[Any] = (),
        decisions: QuerySet[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["information_session"]
        assert isinstance(field, RecordChoiceField)
        field.set_records(sessions, _session_label)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ModelChoiceField)
        if decisions is not None:
            decision.queryset = decisions
        self.fields["decided_on"].initial = timezone.localdate()


# --- a hearing: support and measures (VW-3, VW-4) -------------------------------------------------


class AttendanceForm(forms.Form):
    testifies = forms.BooleanField(
        label=_("The child testifies at this hearing"),
        required=False,
        help_text=_("Only when the child agreed to testify (VW-1)."),
    )
    support_user: forms.ModelChoiceField = _PersonField(
        label=_("Support person (assigned to the case)"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    support_name = forms.CharField(
        label=_("Or: another support person, by name"),
        max_length=200,
        required=False,
        help_text=_("Someone the child trusts — never anyone on the accused's side (VW-3)."),
    )
    support_relation = forms.CharField(
        label=_("Who they are to the child"), max_length=200, required=False
    )
    requested = _checkboxes(_("Measures requested"), Measure.choices)
    granted = _checkboxes(_("Measures granted by the court"), Measure.choices)
    applied = _checkboxes(_("Measures applied on the day"), Measure.choices)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["support_user"]
        assert isinstance(field, forms.ModelChoiceField)
        if people is not None:
            field.queryset = people


# --- statements (VW-4, VW-5, CC-6) ----------------------------------------------------------------


class StatementForm(InterviewForm):
    """An interview (as on the interview page) given for this proceeding."""

    kind = forms.ChoiceField(
        label=_("What the child gives"),
        choices=[(k, label) for k, label in Interview.Kind.choices if k in FORM_OF_KIND],
        widget=forms.RadioSelect,
    )
    video_recorded = forms.BooleanField(
        label=_("Video-recorded, to be reused"),
        required=False,
        help_text=_("The recording is used instead of asking the child again (VW-4)."),
    )
    why_not_reused = _text(
        _("Why the recorded statement does not serve"),
        2,
        help_text=_("Needed when a video-recorded statement already exists for this proceeding."),
    )

    field_order = [
        "kind",
        "conducted_at",
        "interviewer",
        "interviewer_agency",
        "duration_minutes",
        "location",
        "support_person",
        "interpreter",
        "interpreter_reason",
        "child_told_story",
        "video_recorded",
        "why_not_reused",
        "notes",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["support_person"].help_text = _(
            "Required: nobody gives a statement or testimony without one, and never someone "
            "on the accused's side (VW-3)."
        )


# --- updates to the child (VW-6) ------------------------------------------------------------------


class UpdateForm(forms.Form):
    given_at = EventDateTimeField(label=_("When"), widget=datetime_input())
    given_by = forms.CharField(label=_("Given by"), max_length=LINE_MAX_LENGTH)
    language = language_field(_("Language"))
    explained = _text(_("What was explained to the child"))
    support_person_told = forms.BooleanField(
        label=_("The support person was told too"), required=False, initial=True
    )


# --- reprisal risk (VW-7) -------------------------------------------------------------------------


class RiskForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=date_input())
    level = _radios(_("Risk of reprisal"), Risk.choices)
    threats = forms.BooleanField(label=_("Threats received"), required=False)
    contact_attempts = forms.BooleanField(
        label=_("Contact attempts by the accused or associates"), required=False
    )
    family_at_risk = forms.BooleanField(label=_("The family is at risk"), required=False)
    online_harassment = forms.BooleanField(label=_("Online harassment"), required=False)
    accused_release_on = forms.DateField(
        label=_("The accused's release date"), required=False, widget=date_input()
    )
    measures = _checkboxes(
        _("Protection measures in place"),
        ProtectionMeasure.choices,
        help_text=_("A high risk with no measure raises an alert until one is recorded."),
    )
    notes = _text(_("Notes"), 2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()


# --- compensation ---------------------------------------------------------------------------------


def _amount(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, **kwargs)


class ClaimForm(forms.Form):
    claimed_on = forms.DateField(label=_("Claimed on"), widget=date_input())
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        help_text=_("Its three-letter code: THB, IDR, USD."),
    )
    amount_claimed = _amount(_("Amount claimed"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claimed_on"].initial = timezone.localdate()


class ClaimUpdateForm(ClaimForm, VersionedForm):
    amount_awarded = _amount(_("Amount awarded"), required=False)
    awarded_on = forms.DateField(label=_("Awarded on"), required=False, widget=date_input())
    amount_paid = _amount(_("Amount paid"), required=False)
    held_for_child = _amount(
        _("Held for the child"),
        required=False,
        help_text=_("The part of what was paid that is kept for the child."),
    )
    held_by = forms.CharField(label=_("Held by"), max_length=200, required=False)
