"""API shapes for where the child lives: placements and their reviews, challenges to detention,
restrictions, family contact and charges (ND-1 … ND-5, CC-1). Every field has a sensitivity
class and the records whose class the caller may not read are left out, as in
haven.api.protection_serializers, whose helpers these shapes share."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.api.protection_serializers import (
    ReadableRowsListSerializer,
    RowClassMixin,
    _name,
)
from haven.api.serializers import SensitiveFieldsMixin, basic
from haven.core.forms import PLACE_MAX_LENGTH, TEXT_MAX_LENGTH
from haven.core.sensitivity import Sensitivity as S
from haven.placements.models import (
    Charge,
    FamilyContact,
    Liberty,
    LibertyChallenge,
    PlacementEndReason,
    PlacementType,
    Restriction,
)

# --- where the child lives (ND-1 … ND-5, CC-1) -----------------------------------------------


@extend_schema_field(
    serializers.ChoiceField(choices=PlacementType.choices), component_name="PlacementTypeEnum"
)
class PlacementTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=PlacementType.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Restriction.Kind.choices),
    component_name="RestrictionKindEnum",
)
class RestrictionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Restriction.Kind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Charge.Status.choices), component_name="ChargeStatusEnum"
)
class ChargeStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Charge.Status.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=LibertyChallenge.Outcome.choices),
    component_name="ChallengeOutcomeEnum",
)
class ChallengeOutcomeField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=LibertyChallenge.Outcome.choices, **kwargs)


class PlacementReviewSerializer(SensitiveFieldsMixin, serializers.Serializer):
    """A review of a shelter placement (ND-3): when, and by whom, are case basics; what the
    child said and what was decided are the child's narrative."""

    id = serializers.UUIDField(source="public_id")
    reviewed_on = serializers.DateField()
    reviewed_by = serializers.SerializerMethodField()
    child_views = serializers.CharField()
    child_views_not_obtained = serializers.CharField()
    still_in_best_interests = serializers.BooleanField()
    notes = serializers.CharField()
    next_review_on = serializers.DateField(allow_null=True)

    SENSITIVITY = {
        **basic("id", "reviewed_on", "reviewed_by", "next_review_on"),
        "child_views": S.NARRATIVE,
        "child_views_not_obtained": S.NARRATIVE,
        "still_in_best_interests": S.NARRATIVE,
        "notes": S.NARRATIVE,
    }

    def get_reviewed_by(self, review: Any) -> str:
        return _name(review.reviewed_by)


class LibertyChallengeSerializer(RowClassMixin, serializers.Serializer):
    """A challenge to the child's deprivation of liberty (ND-5): legal information."""

    id = serializers.UUIDField(source="public_id")
    placement = serializers.UUIDField(source="placement.public_id")
    lodged_on = serializers.DateField()
    lodged_with = serializers.CharField()
    lodged_by = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(help_text="released, upheld, or empty until decided")
    days_to_decision = serializers.IntegerField(
        allow_null=True, help_text="Days from lodging to the decision (ND-5)."
    )

    SENSITIVITY = {
        **basic("id", "placement", "lodged_on", "decided_on", "days_to_decision"),
        "lodged_with": S.LEGAL,
        "lodged_by": S.LEGAL,
        "outcome": S.LEGAL,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class PlacementSerializer(RowClassMixin, serializers.Serializer):
    """Where the child lives: whereabouts as a whole, and a legal matter too when the child
    cannot leave (Placement.readable_with; DP-9); a caller who may read neither is not sent the
    placement. The facility is whereabouts alone; reviews carry the child's views; challenges
    to detention are legal information."""

    id = serializers.UUIDField(source="public_id")
    type = serializers.CharField()
    liberty = serializers.CharField(
        help_text="free, deprived (the child cannot leave) or custody (criminal or "
        "immigration custody), never freer than the type."
    )
    facility = serializers.CharField()
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    days = serializers.IntegerField(help_text="Length of stay so far, or in all (ND-3).")
    is_detention = serializers.BooleanField(
        help_text="Criminal or immigration custody: never for a child (ND-2)."
    )
    is_closed = serializers.BooleanField(
        help_text="The child cannot leave: a deprivation of liberty (ND-5)."
    )
    is_shelter = serializers.BooleanField()
    review_on = serializers.DateField(allow_null=True)
    review_overdue = serializers.BooleanField()
    decision = serializers.UUIDField(
        source="decision.public_id",
        allow_null=True,
        default=None,
        help_text="The best-interests determination that decided the placement (CC-1).",
    )
    urgent_reason = serializers.CharField(
        help_text="Why it could not wait for a determination, when none is linked."
    )
    reviews = serializers.SerializerMethodField()
    challenges = serializers.SerializerMethodField()

    SENSITIVITY = {
        **basic(
            "id",
            "type",
            "liberty",
            "start_on",
            "end_on",
            "days",
            "is_detention",
            "is_closed",
            "is_shelter",
            "review_on",
            "review_overdue",
            "decision",
        ),
        "facility": S.LOCATION,
        "end_reason": S.NARRATIVE,
        "urgent_reason": S.NARRATIVE,
        "reviews": S.NARRATIVE,
        "challenges": S.LEGAL,
    }

    @extend_schema_field(PlacementReviewSerializer(many=True))
    def get_reviews(self, placement: Any) -> Any:
        return PlacementReviewSerializer(
            placement.reviews.all(), many=True, context=self.context
        ).data

    @extend_schema_field(LibertyChallengeSerializer(many=True))
    def get_challenges(self, placement: Any) -> Any:
        return LibertyChallengeSerializer(
            placement.challenges.all(), many=True, context=self.context
        ).data

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class PlacementInputSerializer(serializers.Serializer):
    type = PlacementTypeField(
        help_text="Detention is recorded because it happens, and raises a critical alert (ND-2)."
    )
    facility = serializers.CharField(
        max_length=PLACE_MAX_LENGTH,
        allow_blank=True,
        help_text="Name and place, as precise as needed to find the child.",
    )
    can_leave = serializers.ChoiceField(
        choices=Liberty.choices,
        required=False,
        allow_blank=True,
        help_text="Whether the child can leave the place as it is (ND-5): free, deprived or "
        "custody. Omitted, it is what the type implies; it is never freer than the type.",
    )
    start_on = serializers.DateField(
        help_text="The placement the child is in now ends that day: the child moves."
    )
    end_on = serializers.DateField(
        required=False, allow_null=True, help_text="For a past placement recorded afterwards."
    )
    review_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="Needed for a shelter (ND-3): the shortest possible stay, reviewed with the "
        "child.",
    )
    decision = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Public ID of the best-interests determination that decided the placement.",
    )
    urgent_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Or why it could not wait for a determination (CC-1); the determination then "
        "follows.",
    )


class PlacementEndSerializer(serializers.Serializer):
    end_on = serializers.DateField()
    reason_code = serializers.ChoiceField(
        choices=PlacementEndReason.choices,
        required=False,
        help_text="Why, from the closed list (CC-8: never the child's cooperation).",
    )
    reason = serializers.CharField(
        max_length=300, allow_blank=True, help_text="The child went missing, turned 18..."
    )


class PlacementDecisionSerializer(serializers.Serializer):
    decision = serializers.UUIDField(
        help_text="Public ID of a best-interests determination taken on this case."
    )


class PlacementReviewInputSerializer(serializers.Serializer):
    reviewed_on = serializers.DateField()
    still_in_best_interests = serializers.BooleanField()
    next_review_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Needed (ND-3), within the longest review interval.",
    )
    child_views = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="The child's views, in their words.",
    )
    child_views_not_obtained = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why the child's views could not be obtained, when they could not (CC-2).",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class LibertyChallengeInputSerializer(serializers.Serializer):
    lodged_on = serializers.DateField()
    lodged_with = serializers.CharField(
        max_length=200, allow_blank=True, help_text="The court or authority."
    )
    lodged_by = serializers.CharField(max_length=200, allow_blank=True, help_text="The lawyer.")


class LibertyChallengeDecisionSerializer(serializers.Serializer):
    decided_on = serializers.DateField()
    outcome = ChallengeOutcomeField()


class RestrictionSerializer(RowClassMixin, serializers.Serializer):
    """A restriction on the child (ND-4): family information, like the contact it may limit."""

    id = serializers.UUIDField(source="public_id")
    placement = serializers.UUIDField(source="placement.public_id", allow_null=True, default=None)
    kind = serializers.CharField()
    description = serializers.CharField()
    justification = serializers.CharField(
        help_text="Why it is in the child's best interests; while empty, an alert stays open."
    )
    decided_by = serializers.CharField()
    start_on = serializers.DateField()
    review_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )

    SENSITIVITY = {
        **basic("id", "placement", "start_on", "review_on", "ended_on", "version"),
        "kind": S.FAMILY,
        "description": S.FAMILY,
        "decided_by": S.FAMILY,
        "justification": S.NARRATIVE,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class RestrictionInputSerializer(serializers.Serializer):
    kind = RestrictionKindField()
    description = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Without one the restriction is recorded, and an alert stays open (ND-4).",
    )
    decided_by = serializers.CharField(max_length=200, allow_blank=True)
    start_on = serializers.DateField()
    review_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Needed (ND-4)."
    )
    placement = serializers.UUIDField(
        required=False, allow_null=True, help_text="Public ID of a placement of this case."
    )


class RestrictionReviewSerializer(serializers.Serializer):
    lift = serializers.BooleanField(help_text="Lift it, or keep it with a reason and a new date.")
    on = serializers.DateField()
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="To keep it: why it is still in the child's best interests.",
    )
    review_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="To keep it: the next review."
    )


class FamilyContactSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    with_whom = serializers.CharField()
    means = serializers.CharField()
    frequency = serializers.CharField()
    supervised = serializers.BooleanField()
    child_views = serializers.CharField()
    start_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    SENSITIVITY = {
        **basic("id", "start_on", "ended_on"),
        "with_whom": S.FAMILY,
        "means": S.FAMILY,
        "frequency": S.FAMILY,
        "supervised": S.FAMILY,
        "child_views": S.NARRATIVE,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class FamilyContactInputSerializer(serializers.Serializer):
    with_whom = serializers.CharField(max_length=200, allow_blank=True)
    means = serializers.ChoiceField(choices=FamilyContact.Means.choices)
    frequency = serializers.CharField(max_length=100, allow_blank=True)
    start_on = serializers.DateField()
    supervised = serializers.BooleanField(required=False, default=False)
    child_views = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="What the child wants.",
    )


class ChargeSerializer(RowClassMixin, serializers.Serializer):
    """A charge, sanction or proceeding against the child (ND-1): legal information."""

    id = serializers.UUIDField(source="public_id")
    offence = serializers.CharField()
    description = serializers.CharField()
    authority = serializers.CharField()
    status = serializers.CharField()
    recorded_on = serializers.DateField()
    non_punishment_raised_on = serializers.DateField(allow_null=True)
    non_punishment_raised_with = serializers.CharField()
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )

    SENSITIVITY = {
        **basic("id", "recorded_on", "non_punishment_raised_on", "version"),
        "offence": S.LEGAL,
        "description": S.LEGAL,
        "authority": S.LEGAL,
        "status": S.LEGAL,
        "non_punishment_raised_with": S.LEGAL,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ChargeInputSerializer(serializers.Serializer):
    offence = serializers.ChoiceField(choices=Charge.Offence.choices)
    authority = serializers.CharField(max_length=200, allow_blank=True)
    status = ChargeStatusField()
    recorded_on = serializers.DateField()
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )


class ChargeUpdateSerializer(serializers.Serializer):
    """What moves a charge on. A field left out keeps its current value."""

    status = ChargeStatusField(required=False)
    non_punishment_raised_on = serializers.DateField(
        required=False,
        help_text="When the non-punishment principle was raised with the authority (ND-1).",
    )
    non_punishment_raised_with = serializers.CharField(
        max_length=200, required=False, allow_blank=True
    )
