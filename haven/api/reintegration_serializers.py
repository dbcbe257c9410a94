"""API shapes for recovery and reintegration (RR-1 … RR-5, RR-8): the child's family and its
assessment, the pathway, the safety plan, and the plans with their services, reviews and
follow-up visits, with how long the child has waited.

Every record here is about the child's family and care as a whole (`ROW_SENSITIVITY = FAMILY`
on each model): as in haven.api.justice_serializers, a caller who may not read it is not sent
the record at all (the views answer 404 before any of these is used). Within a record each
field keeps the class it has on the model: what the child says, the reasons and the goals are
the child's narrative; the rest is family information.

Input shapes check types, codes and limits; the rules (what must be said, the dates, RR-3's
safeguard) are haven.reintegration.services', so the API and the pages answer alike."""

from datetime import date
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.api.protection_serializers import ReadableRowsListSerializer, RowClassMixin
from haven.api.serializers import SensitiveFieldsMixin, basic
from haven.core.forms import CHOICES_MAX_COUNT, LINE_MAX_LENGTH, NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from haven.core.sensitivity import Sensitivity as S
from haven.identification.codes import Exploitation
from haven.reintegration import selectors
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


def _codes(choices: Any) -> str:
    return "One of: " + ", ".join(choices.values) + "."


def _family(*names: str) -> dict[str, S]:
    return dict.fromkeys(names, S.FAMILY)


def _narrative(*names: str) -> dict[str, S]:
    return dict.fromkeys(names, S.NARRATIVE)


def _text(help_text: str = "", **kwargs: Any) -> serializers.CharField:
    """A long text input; the service says when it is needed."""
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", "")
    return serializers.CharField(
        max_length=TEXT_MAX_LENGTH, allow_blank=True, help_text=help_text, **kwargs
    )


# --- choice fields: named components, since "kind", "status", "relationship" and "safety" name
# other choices elsewhere in the API --------------------------------------------------------------


@extend_schema_field(
    serializers.ChoiceField(choices=Relationship.choices), component_name="FamilyRelationshipEnum"
)
class RelationshipField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Relationship.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Level.choices), component_name="FamilySafetyEnum"
)
class LevelField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Level.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Finding.choices), component_name="FamilyFindingEnum"
)
class FindingField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Finding.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Capacity.choices), component_name="FamilyCapacityEnum"
)
class CapacityField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Capacity.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=PathwayKind.choices), component_name="PathwayKindEnum"
)
class PathwayKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PathwayKind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=RiskSource.choices), component_name="RiskSourceEnum"
)
class RiskSourceField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RiskSource.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Exploitation.choices), component_name="RetraffickingFormEnum"
)
class ExploitationField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Exploitation.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=PlanKind.choices), component_name="ReintegrationPlanKindEnum"
)
class PlanKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PlanKind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=ServiceStatus.choices), component_name="PlanServiceStatusEnum"
)
class PlanServiceStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ServiceStatus.choices, **kwargs)


# --- the records ---------------------------------------------------------------------------------


class FamilyMemberSerializer(RowClassMixin, serializers.Serializer):
    """A member of the child's family, or another person close to them (RR-3)."""

    id = serializers.UUIDField(source="public_id", help_text="The member's ID: `member_id`.")
    name = serializers.CharField()
    relationship = serializers.CharField(help_text=_codes(Relationship))
    contact = serializers.CharField()
    implicated = serializers.BooleanField(help_text="Implicated in the trafficking (RR-3).")
    implicated_at = serializers.DateTimeField(
        allow_null=True, help_text="When Haven first learned they were implicated."
    )
    safe_contact = serializers.BooleanField(
        help_text="Never true for a member recorded as implicated."
    )
    notes = serializers.CharField()
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )

    SENSITIVITY = {
        **basic("id", "version"),
        **_family(
            "name",
            "relationship",
            "contact",
            "implicated",
            "implicated_at",
            "safe_contact",
            "notes",
        ),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class FamilyAssessmentSerializer(RowClassMixin, serializers.Serializer):
    """An assessment of the family: safety, abuse, complicity, capacity and needs (RR-3)."""

    id = serializers.UUIDField(source="public_id")
    assessed_on = serializers.DateField()
    safety = serializers.CharField(help_text=_codes(Level))
    abuse = serializers.CharField(help_text=_codes(Finding))
    complicity = serializers.CharField(help_text=_codes(Finding))
    capacity = serializers.CharField(help_text=_codes(Capacity))
    needs = serializers.CharField()
    child_views = serializers.CharField()

    SENSITIVITY = {
        **basic("id"),
        **_family("assessed_on", "safety", "abuse", "complicity", "capacity", "needs"),
        **_narrative("child_views"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class PathwaySerializer(RowClassMixin, serializers.Serializer):
    """A pathway decided by a best-interests determination (RR-1); the latest stands, and
    `carried_out_on` is when it happened (RR-2)."""

    id = serializers.UUIDField(source="public_id", help_text="The pathway's ID: `pathway_id`.")
    kind = serializers.CharField(help_text=_codes(PathwayKind))
    decided_on = serializers.DateField()
    decision = serializers.UUIDField(
        source="decision.public_id", help_text="The best-interests determination that decided it."
    )
    reasons = serializers.CharField()
    child_views = serializers.CharField()
    implicated_addressed = serializers.CharField(
        help_text="How the determination deals with a family member implicated (RR-3)."
    )
    last_resort_reason = serializers.CharField(
        help_text="Why no family-based care serves the child (residential care)."
    )
    carried_out_on = serializers.DateField(allow_null=True)

    SENSITIVITY = {
        **basic("id"),
        **_family("kind", "decided_on", "decision", "implicated_addressed", "carried_out_on"),
        **_narrative("reasons", "child_views", "last_resort_reason"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class SafetyPlanSerializer(RowClassMixin, serializers.Serializer):
    """The child's safety plan (RR-4); the latest stands."""

    id = serializers.UUIDField(source="public_id")
    agreed_on = serializers.DateField()
    sources = serializers.ListField(child=serializers.CharField(), help_text=_codes(RiskSource))
    risks = serializers.CharField()
    measures = serializers.CharField()
    child_words = serializers.CharField()
    review_on = serializers.DateField()

    SENSITIVITY = {
        **basic("id"),
        **_family("agreed_on", "sources", "review_on"),
        **_narrative("risks", "measures", "child_words"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class PlanServiceSerializer(RowClassMixin, serializers.Serializer):
    """A service of a plan, for the child or a member of the family (RR-3, RR-5)."""

    id = serializers.UUIDField(source="public_id")
    family_member = serializers.UUIDField(
        source="family_member.public_id",
        allow_null=True,
        default=None,
        help_text="The family member it is for; null for the child.",
    )
    description = serializers.CharField()
    provider = serializers.CharField()
    in_community = serializers.BooleanField()
    status = serializers.CharField(help_text=_codes(ServiceStatus))

    SENSITIVITY = {
        **basic("id"),
        **_family("family_member", "description", "provider", "in_community", "status"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class PlanReviewSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    reviewed_on = serializers.DateField()
    progress = serializers.CharField()
    child_views = serializers.CharField()
    next_review_on = serializers.DateField()

    SENSITIVITY = {
        **basic("id"),
        **_family("reviewed_on", "next_review_on"),
        **_narrative("progress", "child_views"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class FollowUpVisitSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    visited_on = serializers.DateField()
    visited_by = serializers.CharField()
    observations = serializers.CharField()
    child_views = serializers.CharField()
    next_visit_on = serializers.DateField()

    SENSITIVITY = {
        **basic("id"),
        **_family("visited_on", "visited_by", "next_visit_on"),
        **_narrative("observations", "child_views"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ReintegrationPlanSerializer(RowClassMixin, serializers.Serializer):
    """A reintegration plan (RR-5) or a transition plan to independent life (RR-8), with its
    services, reviews and visits (newest first), and when the next review and visit are due:
    the latest review's and visit's dates, else the plan's own."""

    id = serializers.UUIDField(source="public_id", help_text="The plan's ID: `plan_id`.")
    kind = serializers.CharField(help_text=_codes(PlanKind))
    agreed_on = serializers.DateField()
    goals = serializers.CharField()
    responsible = serializers.CharField()
    review_on = serializers.DateField(help_text="The first review.")
    first_visit_on = serializers.DateField()
    next_review_on = serializers.SerializerMethodField()
    next_visit_on = serializers.SerializerMethodField()
    review_overdue = serializers.SerializerMethodField()
    visit_overdue = serializers.SerializerMethodField()
    services = PlanServiceSerializer(many=True)
    reviews = PlanReviewSerializer(many=True)
    visits = FollowUpVisitSerializer(many=True)

    SENSITIVITY = {
        **basic("id"),
        **_family(
            "kind",
            "agreed_on",
            "review_on",
            "first_visit_on",
            "next_review_on",
            "next_visit_on",
            "review_overdue",
            "visit_overdue",
            "services",
            "reviews",
            "visits",
        ),
        **_narrative("goals", "responsible"),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer

    def get_next_review_on(self, plan: Any) -> date:
        return selectors.plan_view(plan).next_review_on

    def get_next_visit_on(self, plan: Any) -> date:
        return selectors.plan_view(plan).next_visit_on

    def get_review_overdue(self, plan: Any) -> bool:
        return selectors.plan_view(plan).review_overdue

    def get_visit_overdue(self, plan: Any) -> bool:
        return selectors.plan_view(plan).visit_overdue


class TimelineSerializer(SensitiveFieldsMixin, serializers.Serializer):
    """How long the child has waited (RR-2), and when they turn 18 (RR-8)."""

    identified_on = serializers.DateField(
        allow_null=True, help_text="When the child was found a presumed victim."
    )
    days_since_identification = serializers.IntegerField(allow_null=True)
    stage_since = serializers.DateField(help_text="When the case entered its current stage.")
    days_in_stage = serializers.IntegerField()
    pathway_decided_on = serializers.DateField(
        allow_null=True, help_text="When the standing pathway was decided, while not carried out."
    )
    days_since_pathway = serializers.IntegerField(allow_null=True)
    eighteen_on = serializers.DateField(
        allow_null=True, help_text="The child's 18th birthday, from the birth date recorded."
    )
    adult = serializers.BooleanField()

    SENSITIVITY = {
        **basic("identified_on", "days_since_identification", "stage_since", "days_in_stage"),
        **_family("pathway_decided_on", "days_since_pathway"),
        "eighteen_on": S.IDENTITY,
        "adult": S.IDENTITY,
    }


class RetraffickingSerializer(RowClassMixin, serializers.Serializer):
    """The child found back in exploitation (RR-6)."""

    id = serializers.UUIDField(source="public_id")
    occurred_on = serializers.DateField()
    forms = serializers.ListField(
        child=serializers.CharField(), help_text="HTCDS TypeOfExploitation codes."
    )
    notes = serializers.CharField(help_text="What is known.")

    SENSITIVITY = {**basic("id"), **_family("occurred_on", "forms"), **_narrative("notes")}

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ContactAttemptSerializer(RowClassMixin, serializers.Serializer):
    """An attempt to reach a child the case lost touch with (RR-6)."""

    id = serializers.UUIDField(source="public_id")
    attempted_on = serializers.DateField()
    method = serializers.CharField()
    notes = serializers.CharField(help_text="What was done, and what was learnt.")

    SENSITIVITY = {**basic("id"), **_family("attempted_on", "method"), **_narrative("notes")}

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class RecoverySerializer(SensitiveFieldsMixin, serializers.Serializer):
    """Everything of recovery and reintegration on the case, in one document."""

    family_members = FamilyMemberSerializer(many=True)
    assessments = FamilyAssessmentSerializer(many=True, help_text="Latest first.")
    pathways = PathwaySerializer(many=True, help_text="The one that stands first.")
    safety_plans = SafetyPlanSerializer(many=True, help_text="The one that stands first.")
    plans = ReintegrationPlanSerializer(
        many=True, help_text="Newest first: the first of each kind is the one in use."
    )
    timeline = TimelineSerializer()
    retrafficking = RetraffickingSerializer(
        many=True, help_text="Each time the child was found back in exploitation; latest first."
    )
    contact_attempts = ContactAttemptSerializer(
        many=True, help_text="Attempts to reach the child when contact was lost; latest first."
    )

    SENSITIVITY = _family(
        "family_members",
        "assessments",
        "pathways",
        "safety_plans",
        "plans",
        "timeline",
        "retrafficking",
        "contact_attempts",
    )


# --- input -------------------------------------------------------------------------------------


class FamilyMemberInputSerializer(serializers.Serializer):
    """A member of the child's family. In a PATCH, a field left out keeps its value."""

    name = serializers.CharField(
        max_length=NAME_MAX_LENGTH, allow_blank=True, help_text="The name they are known by."
    )
    relationship = RelationshipField(help_text="Who they are to the child.")
    contact = _text("How to reach them.")
    implicated = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Implicated in the trafficking, known or suspected: the child goes back to "
        "this family only if a best-interests determination deals with it (RR-3).",
    )
    safe_contact = serializers.BooleanField(
        required=False,
        default=True,
        help_text="Contact is safe for the child; never recorded for a member implicated.",
    )
    notes = _text("What is known of them.")


class FamilyAssessmentInputSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    safety = LevelField(help_text="The risk to the child's safety in the family.")
    abuse = FindingField(help_text="Abuse or neglect in the family.")
    complicity = FindingField(help_text="Complicity in the trafficking.")
    capacity = CapacityField(help_text="The family's capacity to care for the child.")
    needs = _text("What the family needs.")
    child_views = _text("What the child says about their family, in their words: needed.")


class PathwayInputSerializer(serializers.Serializer):
    kind = PathwayKindField(
        help_text="Family-based care first; residential care only as the last resort (RR-1)."
    )
    decided_on = serializers.DateField()
    decision = serializers.UUIDField(
        help_text="Public ID of the best-interests determination taken on this case that decides "
        "it: about reintegration, or about the return to the family (reunification, kinship) or "
        "where the child lives (any other)."
    )
    reasons = _text("The needs, wishes and risks that point to this pathway: needed.")
    child_views = _text("The child's views, in their words: needed (CC-2).")
    implicated_addressed = _text(
        "How the determination deals with a family member implicated in the trafficking: needed "
        "to go back to a family where someone is recorded as implicated (RR-3)."
    )
    last_resort_reason = _text(
        "Why no family-based care serves the child now: needed for residential care."
    )


class CarriedOutInputSerializer(serializers.Serializer):
    carried_out_on = serializers.DateField(help_text="Not before the pathway was decided.")


class SafetyPlanInputSerializer(serializers.Serializer):
    """The safety plan, written with the child; recording it again is its review (RR-4)."""

    agreed_on = serializers.DateField()
    sources = serializers.ListField(
        child=RiskSourceField(),
        max_length=CHOICES_MAX_COUNT,
        help_text="Where the risks come from: at least one.",
    )
    risks = _text("What could harm the child: needed.")
    measures = _text("What keeps the child safe (who to call, where to go): needed.")
    child_words = _text("The child's own words: needed.")
    review_on = serializers.DateField(help_text="After the plan is agreed.")


class PlanInputSerializer(serializers.Serializer):
    kind = PlanKindField(
        help_text="A reintegration plan (RR-5), or the transition to independent life (RR-8)."
    )
    agreed_on = serializers.DateField()
    goals = _text("The goals, in the child's words: needed.")
    responsible = _text("Who is responsible for what: needed.")
    review_on = serializers.DateField(help_text="The first review; not before the plan.")
    first_visit_on = serializers.DateField(help_text="The first follow-up visit; not before.")


class PlanServiceInputSerializer(serializers.Serializer):
    description = serializers.CharField(
        max_length=LINE_MAX_LENGTH, allow_blank=True, help_text="What the service is."
    )
    provider = serializers.CharField(
        max_length=LINE_MAX_LENGTH, allow_blank=True, help_text="Who provides it."
    )
    status = PlanServiceStatusField()
    family_member = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Public ID of the family member of this case it is for; null for the child.",
    )
    in_community = serializers.BooleanField(
        required=False, default=True, help_text="In the community, not in a shelter."
    )


class PlanReviewInputSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField(help_text="Not before the plan was agreed.")
    progress = _text("Progress towards the goals: needed.")
    child_views = _text("The child's view, in their words: needed.")
    next_review_on = serializers.DateField(help_text="After this review.")


class VisitInputSerializer(serializers.Serializer):
    visited_on = serializers.DateField(help_text="Not before the plan was agreed.")
    visited_by = serializers.CharField(max_length=LINE_MAX_LENGTH, allow_blank=True)
    observations = _text("What was observed: needed.")
    child_views = _text("The child's view, in their words: needed.")
    next_visit_on = serializers.DateField(help_text="After this visit.")


class RetraffickingInputSerializer(serializers.Serializer):
    """The child found back in exploitation (RR-6): recorded on their case, which reopens to
    protection if it was closed."""

    occurred_on = serializers.DateField(help_text="Not before the case was opened.")
    forms = serializers.ListField(
        child=ExploitationField(),
        max_length=CHOICES_MAX_COUNT,
        help_text="The forms of exploitation: at least one ('Other' when not known yet).",
    )
    notes = _text("What is known: where, by whom, in what situation. Needed.")


class ContactAttemptInputSerializer(serializers.Serializer):
    """An attempt to reach a child the case lost touch with (RR-6)."""

    attempted_on = serializers.DateField(help_text="Not before the case was opened.")
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    notes = _text("What was done, and what was learnt. Needed.")
