"""Forms of the placement pages; every rule is the services'."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.forms import PLACE_MAX_LENGTH, VersionedForm, date_input
from haven.decisions.models import Decision
from haven.placements.models import (
    Charge,
    FamilyContact,
    Liberty,
    LibertyChallenge,
    PlacementEndReason,
    PlacementType,
    Restriction,
)
from haven.protection.forms import _text


class PlacementForm(forms.Form):
    type = forms.ChoiceField(label=_("Where the child lives"), choices=PlacementType.choices)
    facility = forms.CharField(
        label=_("Facility or household"),
        max_length=PLACE_MAX_LENGTH,
        help_text=_("Name and place, as precise as needed to find the child."),
    )
    can_leave = forms.ChoiceField(
        label=_("Can the child leave when they want?"),
        choices=Liberty.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Answer for the place as it is, whatever it is called: locked doors, guards or not "
            "being allowed out mean the child cannot leave."
        ),
    )
    start_on = forms.DateField(label=_("Since"), widget=date_input())
    review_on = forms.DateField(
        label=_("Review by"),
        required=False,
        widget=date_input(),
        help_text=_(
            "Needed for a shelter and for any place the child cannot leave: the shortest "
            "possible stay, reviewed with the child."
        ),
    )
    decision: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Best-interests determination that decided it"),
        queryset=Decision.objects.none(),
        to_field_name="public_id",
        required=False,
    )
    urgent_reason = _text(
        _("Or: why it could not wait for a determination"),
        2,
        help_text=_("The determination then follows; an alert reminds you."),
    )

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = decisions
        self.fields["start_on"].initial = timezone.localdate()


class PlacementEndForm(forms.Form):
    end_on = forms.DateField(label=_("Until"), widget=date_input())
    reason_code = forms.ChoiceField(label=_("Why it ended"), choices=PlacementEndReason.choices)
    reason = forms.CharField(label=_("Details"), max_length=300)


class PlacementDecisionForm(forms.Form):
    decision: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Best-interests determination"),
        queryset=Decision.objects.none(),
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = decisions


class PlacementReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=date_input())
    child_views = _text(_("The child's views, in their words"))
    child_views_not_obtained = _text(_("Or: why the child's views could not be obtained"), 2)
    still_in_best_interests = forms.TypedChoiceField(
        label=_("Is the placement still in the child's best interests?"),
        choices=[("yes", _("Yes")), ("no", _("No: the child should move"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    notes = _text(_("What was considered"), 2)
    next_review_on = forms.DateField(label=_("Next review by"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()


class RestrictionForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is restricted"), choices=Restriction.Kind.choices)
    description = _text(_("The restriction"), 2)
    justification = _text(
        _("Why it is in the child's best interests"),
        2,
        help_text=_("Without a reason the restriction is recorded, and an alert stays open."),
    )
    decided_by = forms.CharField(label=_("Decided by"), max_length=200)
    start_on = forms.DateField(label=_("Since"), widget=date_input())
    review_on = forms.DateField(label=_("Review by"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_on"].initial = timezone.localdate()


class RestrictionReviewForm(VersionedForm):
    KEEPS_INPUT = False  # posted from the placements page, which is shown again

    lift = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Lift it")), ("no", _("Keep it, with a reason"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Date"), widget=date_input())
    justification = _text(_("Why it is still in the child's best interests"), 2)
    review_on = forms.DateField(label=_("Next review by"), required=False, widget=date_input())


class FamilyContactForm(forms.Form):
    with_whom = forms.CharField(label=_("With whom"), max_length=200)
    means = forms.ChoiceField(label=_("How"), choices=FamilyContact.Means.choices)
    frequency = forms.CharField(label=_("How often"), max_length=100)
    supervised = forms.BooleanField(label=_("Supervised"), required=False)
    child_views = _text(_("What the child wants"), 2)
    start_on = forms.DateField(label=_("Since"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_on"].initial = timezone.localdate()


class ChargeForm(forms.Form):
    offence = forms.ChoiceField(label=_("Offence"), choices=Charge.Offence.choices)
    description = _text(_("Details"), 2)
    authority = forms.CharField(label=_("Authority"), max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=Charge.Status.choices)
    recorded_on = forms.DateField(label=_("Date"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recorded_on"].initial = timezone.localdate()


class ChargeUpdateForm(VersionedForm):
    KEEPS_INPUT = False  # posted from the placements page, which is shown again

    status = forms.ChoiceField(label=_("Status"), choices=Charge.Status.choices)
    non_punishment_raised_on = forms.DateField(
        label=_("Non-punishment principle raised on"), required=False, widget=date_input()
    )
    non_punishment_raised_with = forms.CharField(
        label=_("Raised with"), max_length=200, required=False
    )


class ChallengeForm(forms.Form):
    lodged_on = forms.DateField(label=_("Lodged on"), widget=date_input())
    lodged_with = forms.CharField(label=_("Court or authority"), max_length=200)
    lodged_by = forms.CharField(label=_("Lodged by (lawyer)"), max_length=200)


class ChallengeDecisionForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided on"), widget=date_input())
    outcome = forms.ChoiceField(label=_("Decision"), choices=LibertyChallenge.Outcome.choices)
