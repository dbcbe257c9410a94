from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.forms import LINE_MAX_LENGTH, TEXT_MAX_LENGTH, VersionedForm, date_input
from haven.decisions.models import Decision
from haven.protection.models import (
    Domain,
    Guardian,
    GuardianshipEndReason,
    HealthProcedure,
    NeedsFinding,
    NotDeliveredReason,
    Recipient,
    ServiceStatus,
    ServiceType,
    SpecialNeed,
)

PARTICIPANT_ROWS = 5


def _text(label: Any, rows: int = 3, **kwargs: Any) -> forms.CharField:
    """Long text, optional (the service says when it is needed)."""
    kwargs.setdefault("max_length", TEXT_MAX_LENGTH)
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Decision.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "An assessment is made by the case worker; a determination is the formal decision "
            "of a panel, for placement, return, legal participation or medical care without "
            "consent."
        ),
    )
    subject = forms.ChoiceField(label=_("What it decides"), choices=Decision.Subject.choices)
    decided_on = forms.DateField(label=_("Date"), widget=date_input())
    question = _text(_("The question"), 2)
    options = _text(_("The options considered"))
    child_views = _text(
        _("The child's views, in their words"),
        help_text=_("What the child wants, and why. Ask in their language, with support."),
    )
    child_views_weight = _text(
        _("How the child's views were weighed, given their age and maturity"), 2
    )
    child_views_not_obtained = _text(
        _("Or: why the child's views could not be obtained"),
        2,
        help_text=_("Only if the child could not express a view, e.g. a baby."),
    )
    family_views = _text(_("The views of the family or guardian"), 2)
    risks = _text(_("Risks"), 2)
    outcome = _text(_("The decision"), 2)
    justification = _text(_("Why it is in the child's best interests"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate()
        for i in range(1, PARTICIPANT_ROWS + 1):
            self.fields[f"participant_{i}_name"] = forms.CharField(
                label=_("Name"), required=False, max_length=200
            )
            self.fields[f"participant_{i}_role"] = forms.CharField(
                label=_("Role or organisation"), required=False, max_length=200
            )

    @property
    def participant_rows(self) -> list[tuple[Any, Any]]:
        return [
            (self[f"participant_{i}_name"], self[f"participant_{i}_role"])
            for i in range(1, PARTICIPANT_ROWS + 1)
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        participants = [
            {"name": data.pop(f"participant_{i}_name"), "role": data.pop(f"participant_{i}_role")}
            for i in range(1, PARTICIPANT_ROWS + 1)
        ]
        return {**data, "participants": participants}

    @property
    def main_fields(self) -> list[Any]:
        return [f for f in self if not f.name.startswith("participant_")]


class GuardianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        load = getattr(obj, "caseload", None)
        if load is None:
            return str(obj)
        return str(
            _("%(name)s — %(load)d of %(ceiling)d children")
            % {"name": obj, "load": load, "ceiling": obj.ceiling}
        )


class GuardianAppointForm(forms.Form):
    guardian: forms.ModelChoiceField = GuardianChoiceField(
        label=_("Guardian"), queryset=Guardian.objects.none(), to_field_name="public_id"
    )
    appointed_on = forms.DateField(label=_("Appointed on"), widget=date_input())
    appointed_by = forms.CharField(
        label=_("Appointed by"),
        max_length=200,
        help_text=_("The court or authority that appointed the guardian."),
    )
    reason = _text(
        _("Why the child needs a guardian"),
        2,
        help_text=_("Needed when the child's record says they live with their parents."),
    )
    over_ceiling_reason = _text(
        _("Supervisor's approval beyond the caseload ceiling: the reason"),
        2,
        help_text=_("Only when the guardian already has as many children as allowed."),
    )

    def __init__(self, *args: Any, guardians: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["guardian"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = guardians
        self.fields["appointed_on"].initial = timezone.localdate()


class GuardianEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=date_input())
    reason_code = forms.ChoiceField(label=_("Why it ends"), choices=GuardianshipEndReason.choices)
    reason = forms.CharField(label=_("Details"), max_length=500)


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    contact = forms.CharField(
        label=_("How to reach them"), required=False, max_length=LINE_MAX_LENGTH
    )
    caseload_ceiling = forms.IntegerField(
        label=_("Most children at once"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Leave empty for the agency's usual ceiling."),
    )


class NeedsForm(forms.Form):
    assessed_on = forms.DateField(label=_("Date"), widget=date_input())
    child_views = _text(_("What the child says they need and want"))
    severe_harm = forms.BooleanField(
        label=_("The child suffered severe exploitation or abuse"), required=False
    )
    next_review_on = forms.DateField(
        label=_("Assess again by"), required=False, widget=date_input()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for domain in Domain:
            self.fields[f"{domain}_level"] = forms.ChoiceField(
                label=_("Level of need"),
                choices=NeedsFinding.Level.choices,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{domain}_needs"] = _text(_("Needs and vulnerabilities"), 2)
            self.fields[f"{domain}_strengths"] = _text(_("Strengths and resilience"), 2)

    @property
    def domain_rows(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (
                domain.label,
                self[f"{domain}_level"],
                self[f"{domain}_needs"],
                self[f"{domain}_strengths"],
            )
            for domain in Domain
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        findings = [
            {
                "domain": domain.value,
                "level": data[f"{domain}_level"],
                "needs": data[f"{domain}_needs"],
                "strengths": data[f"{domain}_strengths"],
            }
            for domain in Domain
        ]
        return {
            "assessed_on": data["assessed_on"],
            "child_views": data["child_views"],
            "severe_harm": data["severe_harm"],
            "next_review_on": data["next_review_on"],
            "findings": findings,
        }


class ServiceForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=ServiceType.choices)
    health_procedure = forms.ChoiceField(
        label=_("Health care"),
        choices=[("", "—"), *HealthProcedure.choices],
        required=False,
        help_text=_("Examination, testing and treatment need the child's consent."),
    )
    recipient = forms.ChoiceField(
        label=_("For whom"), choices=Recipient.choices, initial=Recipient.CHILD
    )
    family_member = forms.CharField(
        label=_("Family member (relationship)"), max_length=200, required=False
    )
    provider = forms.CharField(label=_("Provider"), max_length=200)
    description = _text(_("Details"), 2)
    start_on = forms.DateField(label=_("Starts"), widget=date_input())
    end_on = forms.DateField(label=_("Ends"), required=False, widget=date_input())
    status = forms.ChoiceField(
        label=_("Status"), choices=ServiceStatus.choices, initial=ServiceStatus.PLANNED
    )
    not_delivered_reason = forms.ChoiceField(
        label=_("Why not delivered"),
        choices=[("", "—"), *NotDeliveredReason.choices],
        required=False,
    )
    reason_detail = forms.CharField(label=_("More about why"), max_length=500, required=False)
    special_need = forms.ChoiceField(
        label=_("Special need it addresses"),
        choices=[("", "—"), *SpecialNeed.choices],
        required=False,
    )
    urgent_reason = _text(
        _("Emergency without consent: why it could not wait"),
        2,
        help_text=_(
            "Only for urgent care to protect the child's life or health. A best-interests "
            "determination must follow."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_on"].initial = timezone.localdate()


class ServiceUpdateForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=ServiceStatus.choices)
    end_on = forms.DateField(label=_("Ends"), required=False, widget=date_input())
    not_delivered_reason = forms.ChoiceField(
        label=_("Why not delivered"),
        choices=[("", "—"), *NotDeliveredReason.choices],
        required=False,
    )
    reason_detail = forms.CharField(label=_("More about why"), max_length=500, required=False)
    decision: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Best-interests determination"),
        queryset=Decision.objects.none(),
        to_field_name="public_id",
        required=False,
    )

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = decisions
