from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import Role
from haven.cases.access import assignable_people
from haven.cases.emergency import DEFAULT_MINUTES, MINUTES_CHOICES
from haven.cases.languages import language_names
from haven.cases.models import (
    ASSIGNED_BY_HAND,
    Case,
    ClosingReason,
    EmergencyAccess,
    EmergencyReason,
    HandoverReason,
    HandoverRequest,
    Interview,
)
from haven.children.forms import ChildForm
from haven.core.forms import (
    PLACE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    EventDateTimeField,
    datetime_input,
)


class NewCaseForm(forms.Form):
    """The agency a case opens in (hidden when the person works for one) and a few words on
    what brought the child."""

    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), empty_label=None
    )
    summary = forms.CharField(
        label=_("What brought the child to us"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "A few words are enough. Do not ask the child to tell their story for this form."
        ),
    )

    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Agency.objects.filter(pk__in=[a.pk for a in agencies])
        if len(agencies) == 1:
            field.initial = agencies[0].pk
            field.widget = forms.HiddenInput()


class CaseRegisterForm(NewCaseForm, ChildForm):
    pass


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move to"))
    closed_reason = forms.ChoiceField(
        label=_("Why the case closes (when closing)"),
        choices=[("", "—"), *ClosingReason.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        case: Case,
        approves: bool = True,
        closing_asked: bool = False,
        **kwargs: Any,
    ) -> None:
        """`approves`: the user may close the case; otherwise choosing "closed" asks a
        supervisor to approve (RR-6). `closing_asked`: a request waits, so "closed" is not
        offered again."""
        super().__init__(*args, **kwargs)
        field = self.fields["to_stage"]
        assert isinstance(field, forms.ChoiceField)
        closing = _("Closed (a supervisor approves)") if not approves else Case.Stage.CLOSED.label
        field.choices = [
            (s, closing if s == Case.Stage.CLOSED else Case.Stage(s).label)
            for s in case.allowed_stages()
            if not (closing_asked and s == Case.Stage.CLOSED)
        ]


class ClosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve: close the case")),
            ("decline", _("Decline: keep it open")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the case worker (needed when declining)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffChoiceField(forms.ModelChoiceField):
    """Shows each person with their agency and role, so the right interpreter or lawyer is
    picked among colleagues of several agencies."""

    @cached_property
    def _role_names(self) -> dict[str, str]:
        """The roles' names in the reader's language, looked up once per form: Django's
        get_role_display hashed every role's translated name on each call (a third of the
        supervisor's person picker's time)."""
        return {value: str(label) for value, label in Role.choices}

    def label_from_instance(self, obj: Any) -> str:
        roles = "; ".join(
            f"{m.agency.name}, {self._role_names.get(m.role, m.role)}"
            for m in obj.memberships.all()
            if m.is_active
        )
        name = f"{obj.get_full_name() or obj.username} ({roles})"
        if obj.languages:
            # Who speaks the child's language is seen while choosing (CC-10).
            return _("%(name)s — works in %(languages)s") % {
                "name": name,
                "languages": language_names(obj.languages),
            }
        return name


# How many people the person picker shows at once; the others are found by typing their name.
PICKER_SIZE = 20

_BY_HAND = dict(ASSIGNED_BY_HAND)


# The picker's order within each part (the case's lead agency's people, then the others), read
# by the index on names (accounts.User, user_name_order_idx).
PICKER_ORDER = ("first_name", "last_name", "username", "pk")


def first_to_offer(
    case: Case, people: QuerySet[User], size: int = PICKER_SIZE
) -> tuple[list[User], bool]:
    """The first `size` of `people` in the order the picker lists them, the case's lead agency's
    first and then the others, each by name; each with their active memberships (agency and
    role); and whether there are more. Read as two walks of the index on names, the lead
    agency's people and then the others, each stopping after `size` + 1 people: ordering every
    assignable person by "in the lead agency" first sorted the 47,504 staff of a million cases
    on every supervisor's case page (88 ms), and counting them all took 34 ms more. Three
    queries, however many people there are."""
    in_lead = Exists(
        Membership.objects.filter(
            user_id=OuterRef("pk"), agency_id=case.lead_agency_id, is_active=True
        )
    )
    found = [
        *people.filter(in_lead).order_by(*PICKER_ORDER)[: size + 1],
        *people.exclude(in_lead).order_by(*PICKER_ORDER)[: size + 1],
    ]
    shown = found[:size]
    prefetch_related_objects(
        shown,
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(is_active=True)
            .select_related("agency")
            .order_by("agency__name"),
        ),
    )
    return shown, len(found) > size


class AssignForm(forms.Form):
    """Who takes which part on the case. The person must be one of `access.assignable_people`
    for the role chosen, the same rule `case_assign` applies: the form never loads every staff
    member, and never accepts someone the service would refuse (DP-1, DP-2)."""

    user: forms.ModelChoiceField = StaffChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Choose the person to assign."),
            "invalid_choice": _(
                "This person cannot take this role on this case: choose someone from the list."
            ),
        },
    )
    role = forms.ChoiceField(
        label=_("Role on the case"),
        # A referral recipient is assigned only by accepting a referral (haven.directory),
        # emergency access only by taking it (haven.cases.emergency).
        choices=ASSIGNED_BY_HAND,
        error_messages={"required": _("Choose the role on the case.")},
    )
    handover_note = forms.CharField(
        label=_("Handover note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Needed when the case worker changes: what the new case worker must know "
            "so the child need not retell."
        ),
    )
    # Set by the page that asked to confirm a person who does not speak the child's language
    # (CC-10): a prompt, never a block.
    language_confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @classmethod
    def to_confirm(cls, data: dict[str, Any]) -> "AssignForm":
        """The same choice again, every field hidden, with the language prompt answered."""
        form = cls(initial={**data, "user": data["user"].pk, "language_confirmed": True})
        for field in form.fields.values():
            field.widget = forms.HiddenInput()
        return form

    @classmethod
    def for_case_page(cls, case: Case) -> "AssignForm":
        """The form of the case page's "Assign someone" block: the first PICKER_SIZE people who
        may take a part on the case, the lead agency's first, and a link to the assignment page
        to find the others by name."""
        form = cls(case=case)
        field = form.fields["user"]
        assert isinstance(field, StaffChoiceField) and field.queryset is not None
        shown, more = first_to_offer(case, field.queryset)
        field.widget.choices = [  # type: ignore[attr-defined]
            ("", field.empty_label),
            *((person.pk, field.label_from_instance(person)) for person in shown),
        ]
        if more:
            field.help_text = format_html(
                '{} <a href="{}">{}</a>',
                _("More people can be assigned."),
                reverse("cases:assign", args=[case.public_id]),
                _("Find them by name"),
            )
        return form

    def __init__(self, *args: Any, case: Case | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if case is None:
            # No one is offered without a case: the confirmation step carries its choice in
            # hidden fields, and the case's form checks it when it comes back.
            return
        role = self.data.get("role") if self.is_bound else self.initial.get("role")
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assignable_people(case, role if role in _BY_HAND else None)


class PersonSearchForm(forms.Form):
    """The person picker's search, sent by GET: the part on the case and words of a name.
    Staff names are not a child's data, so they may sit in an address."""

    role = forms.ChoiceField(
        label=_("Role on the case"),
        choices=[("", _("Choose the role first")), *ASSIGNED_BY_HAND],
        required=False,
    )
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("First name, last name or part of one, in any order."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class HandoverRequestForm(forms.Form):
    """A case worker asks for their case to be handed over (CC-9)."""

    reason = forms.ChoiceField(
        label=_("Why should the case go to someone else?"),
        choices=HandoverReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("In a sentence"),
        required=False,
        max_length=HandoverRequest.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed for “Other”, optional otherwise. Your supervisor reads it: leave the "
            "child's story out of it."
        ),
    )


class InterviewForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of interview"),
        choices=Interview.Kind.choices,
        help_text=_(
            "Statements, testimony and cross-examination are recorded under their proceeding, "
            "on the case's Justice page, where the child's choice about taking part is checked "
            "(VW-1)."
        ),
    )
    conducted_at = EventDateTimeField(label=_("When"), widget=datetime_input())
    interviewer = forms.CharField(label=_("Interviewed by"), max_length=200)
    interviewer_agency = forms.CharField(
        label=_("Interviewer's agency"), max_length=200, required=False
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=600)
    location = forms.CharField(label=_("Where"), required=False, max_length=PLACE_MAX_LENGTH)
    interpreter = forms.CharField(label=_("Interpreter"), max_length=200, required=False)
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
        label=_("Support person present"), max_length=200, required=False
    )
    child_told_story = forms.BooleanField(
        label=_("The child was asked about what happened to them"), required=False, initial=True
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_conducted_at(self) -> Any:
        value = self.cleaned_data["conducted_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("An interview cannot be recorded before it happens."))
        return value


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


# The furthest down My cases that "Show more" goes: past it, a filter finds a case sooner.
MAX_SHOWN = 10_000


class CaseFilterForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Show"),
        choices=[("mine", _("My cases")), ("all", _("All cases I can see"))],
        required=False,
    )
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[("", _("All stages (open cases)")), *Case.Stage.choices],
        required=False,
    )
    q = forms.CharField(label=_("Name or reference"), required=False, max_length=100)
    alerts = forms.BooleanField(label=_("Only cases with alerts"), required=False)
    # How many cases of the list are already shown: "Show more" asks for the next ones.
    shown = forms.IntegerField(
        min_value=0, max_value=MAX_SHOWN, required=False, widget=forms.HiddenInput
    )


class EmergencyOpenForm(forms.Form):
    """Emergency access (DP-4): which case, why, for how long."""

    reference = forms.CharField(
        label=_("Case reference"),
        max_length=20,
        help_text=_("As on the child's papers or the call: it looks like HV-ABC3DEF."),
    )
    reason = forms.ChoiceField(
        label=_("What is the emergency?"),
        choices=[("", "—"), *EmergencyReason.choices],
    )
    detail = forms.CharField(
        label=_("What is happening, and why it cannot wait"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A supervisor reads this when they review your access."),
    )
    minutes = forms.TypedChoiceField(
        label=_("For how long (minutes)"),
        coerce=int,
        choices=[(m, str(m)) for m in MINUTES_CHOICES],
        initial=DEFAULT_MINUTES,
    )


class EmergencyReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Was the emergency access justified?"),
        choices=EmergencyAccess.Outcome.choices,
        widget=forms.RadioSelect,
    )
    review_note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when it was not justified: why, and what you have done about it."),
    )


class MergeProposeForm(forms.Form):
    other_case = forms.CharField(
        label=_("Reference of the other case (HV-…)"),
        max_length=20,
        help_text=_("This case's record of the child is kept; the other case joins it."),
    )
    reason = forms.CharField(
        label=_("What shows it is the same child"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Documents, family members, photos, what the child said. A colleague confirms."
        ),
    )


class MergeDecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("confirm", _("Confirm: the same child, one record")),
            ("decline", _("Decline: two different children")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (needed when declining)"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MergeUndoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the records are not the same child"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
