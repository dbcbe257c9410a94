"""Forms of the Recovery pages; every rule is the services' (haven.reintegration.services). A
form checks only what a browser can send wrong (a date that is not a date, a code not on the
list); the service decides the rest and its refusal lands on the form."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.forms import LINE_MAX_LENGTH, NAME_MAX_LENGTH, VersionedForm, date_input
from haven.decisions.models import Decision
from haven.identification.codes import Exploitation
from haven.justice.forms import RecordChoiceField, _checkboxes, _DecisionField, _radios
from haven.protection.forms import _text
from haven.reintegration.models import (
    Capacity,
    ContactMethod,
    Finding,
    Level,
    PathwayKind,
    PlanKind,
    Relationship,
    RiskSource,
    ServiceStatus,
)


def _date(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=date_input(), **kwargs)


class _Today:
    """Date fields that start at today."""

    TODAY: tuple[str, ...] = ()

    def _start_today(self) -> None:
        for name in self.TODAY:
            self.fields[name].initial = timezone.localdate()  # type: ignore[attr-defined]


class FamilyMemberForm(VersionedForm):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    relationship = forms.ChoiceField(
        label=_("Who they are to the child"), choices=Relationship.choices
    )
    contact = _text(_("How to reach them"), 2)
    implicated = forms.BooleanField(
        label=_("Implicated in the trafficking (known or suspected)"),
        required=False,
        help_text=_(
            "The child does not go back to a family member implicated unless a best-interests "
            "determination deals with it (RR-3)."
        ),
    )
    safe_contact = forms.BooleanField(
        label=_("Contact with them is safe for the child"), required=False, initial=True
    )
    notes = _text(_("What is known"), 2)


class AssessmentForm(_Today, forms.Form):
    TODAY = ("assessed_on",)

    assessed_on = _date(_("Assessed on"))
    safety = _radios(_("Risk to the child's safety in the family"), Level.choices)
    abuse = _radios(_("Abuse or neglect in the family"), Finding.choices)
    complicity = _radios(_("Complicity in the trafficking"), Finding.choices)
    capacity = _radios(_("The family's capacity to care"), Capacity.choices)
    needs = _text(_("What the family needs (work, money, care for a sibling…)"))
    child_views = _text(_("What the child says about their family, in their words"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class PathwayForm(_Today, forms.Form):
    TODAY = ("decided_on",)

    kind = _radios(
        _("Pathway"),
        PathwayKind.choices,
        help_text=_("Family-based care first; residential care only as the last resort."),
    )
    decided_on = _date(_("Decided on"))
    decision: forms.ModelChoiceField = _DecisionField(
        label=_("Best-interests determination"),
        queryset=Decision.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_(
            "About the pathway, or about the return to the family (with the family) or where "
            "the child lives (any other)."
        ),
    )
    reasons = _text(_("The needs, wishes and risks that point to this pathway"))
    child_views = _text(_("The child's views, in their words"))
    implicated_addressed = _text(
        _("How the determination deals with a family member implicated in the trafficking"),
        help_text=_("Needed to go back to a family where someone is recorded as implicated."),
    )
    last_resort_reason = _text(
        _("Why no family-based care serves the child now"),
        help_text=_("Needed for residential care."),
    )

    def __init__(self, *args: Any, decisions: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        if decisions is not None:
            field.queryset = decisions
        self._start_today()


class CarriedOutForm(_Today, forms.Form):
    TODAY = ("carried_out_on",)

    carried_out_on = _date(_("Carried out on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class SafetyPlanForm(_Today, forms.Form):
    TODAY = ("agreed_on",)

    agreed_on = _date(_("Agreed with the child on"))
    sources = _checkboxes(_("Where the risks come from"), RiskSource.choices)
    risks = _text(_("The risks"))
    measures = _text(_("What keeps the child safe: who to call, where to go, what to avoid"))
    child_words = _text(_("The child's own words"))
    review_on = _date(_("Review by"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class PlanForm(_Today, forms.Form):
    TODAY = ("agreed_on",)

    kind = _radios(_("Kind of plan"), PlanKind.choices)
    agreed_on = _date(_("Agreed on"))
    goals = _text(_("The goals, in the child's words"))
    responsible = _text(_("Who is responsible for what"))
    review_on = _date(_("First review by"))
    first_visit_on = _date(_("First follow-up visit by"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class PlanServiceForm(forms.Form):
    description = forms.CharField(label=_("The service"), max_length=LINE_MAX_LENGTH)
    provider = forms.CharField(label=_("Who provides it"), max_length=LINE_MAX_LENGTH)
    family_member = RecordChoiceField(
        label=_("For a family member"), help_text=_("Leave empty for a service for the child.")
    )
    in_community = forms.BooleanField(
        label=_("In the community (not in a shelter)"), required=False, initial=True
    )
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)

    def __init__(self, *args: Any, members: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["family_member"]
        assert isinstance(field, RecordChoiceField)
        field.set_records(members, lambda m: f"{m.name} ({m.get_relationship_display()})")


class ReviewForm(_Today, forms.Form):
    TODAY = ("reviewed_on",)

    reviewed_on = _date(_("Reviewed on"))
    progress = _text(_("Progress towards the goals"))
    child_views = _text(_("The child's view, in their words"))
    next_review_on = _date(_("Next review by"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class VisitForm(_Today, forms.Form):
    TODAY = ("visited_on",)

    visited_on = _date(_("Visited on"))
    visited_by = forms.CharField(label=_("Visited by"), max_length=LINE_MAX_LENGTH)
    observations = _text(_("What you observed"))
    child_views = _text(_("The child's view, in their words"))
    next_visit_on = _date(_("Next visit by"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class RetraffickingForm(_Today, forms.Form):
    TODAY = ("occurred_on",)

    occurred_on = _date(_("Found back in exploitation on"))
    forms = _checkboxes(_("Forms of exploitation"), Exploitation.choices)
    notes = _text(_("What is known: where, by whom, in what situation"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()


class ContactAttemptForm(_Today, forms.Form):
    TODAY = ("attempted_on",)

    attempted_on = _date(_("Tried on"))
    method = _radios(_("How"), ContactMethod.choices)
    notes = _text(_("What was done, and what was learnt"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_today()
