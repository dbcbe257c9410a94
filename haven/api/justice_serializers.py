"""API shapes for the child as a victim-witness (VW-1 … VW-8): the child's part in each
proceeding, with the proceeding, its hearings and events, and for this child the decisions
about taking part, attendance at hearings, statements, updates, reprisal risks and compensation.

Every record here is a legal matter as a whole (`ROW_SENSITIVITY = LEGAL` on each model): as in
haven.api.protection_serializers, a caller who may not read it is not sent the record at all
(the views answer 404 before any of these is used). Within a record each field still has its
class: the child's views, what was explained to the child and why a recording does not serve
are the child's narrative, as on the models.

Input shapes check types and codes; the rules (what must be said, the dates, the safeguards)
are haven.justice.services', so the API and the pages answer alike."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.api.protection_serializers import (
    ReadableRowsListSerializer,
    RowClassMixin,
    _name,
)
from haven.api.serializers import InterviewInputSerializer, InterviewSerializer, basic
from haven.cases.models import Interview
from haven.core.forms import CHOICES_MAX_COUNT, NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from haven.core.sensitivity import Sensitivity as S
from haven.justice.models import (
    ChildRole,
    Choice,
    EventKind,
    Form,
    Measure,
    ProceedingKind,
    ProtectionMeasure,
    Risk,
    Stage,
)
from haven.justice.rules import FORM_OF_KIND

# --- choice fields: named components, since "kind", "stage", "role" and "choice" name other
# choices elsewhere in the API ---------------------------------------------------------------


# Interview kinds that are a statement, testimony or cross-examination for a proceeding.
STATEMENT_KINDS = [(kind, Interview.Kind(kind).label) for kind in FORM_OF_KIND]


@extend_schema_field(
    serializers.ChoiceField(choices=ProceedingKind.choices), component_name="ProceedingKindEnum"
)
class ProceedingKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ProceedingKind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Stage.choices), component_name="ProceedingStageEnum"
)
class ProceedingStageField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Stage.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=ChildRole.choices), component_name="ChildRoleEnum"
)
class ChildRoleField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ChildRole.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=EventKind.choices), component_name="ProceedingEventKindEnum"
)
class ProceedingEventKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=EventKind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Form.choices), component_name="ParticipationFormEnum"
)
class ParticipationFormField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Form.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Choice.choices), component_name="ParticipationChoiceEnum"
)
class ParticipationChoiceField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Choice.choices, **kwargs)


@extend_schema_field(serializers.ChoiceField(choices=Risk.choices), component_name="RiskLevelEnum")
class RiskLevelField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Risk.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=Measure.choices), component_name="HearingMeasureEnum"
)
class HearingMeasureField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Measure.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=ProtectionMeasure.choices),
    component_name="ProtectionMeasureEnum",
)
class ProtectionMeasureField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ProtectionMeasure.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=STATEMENT_KINDS), component_name="StatementKindEnum"
)
class StatementKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=STATEMENT_KINDS, **kwargs)


def _legal(*names: str) -> dict[str, S]:
    return dict.fromkeys(names, S.LEGAL)


# --- what concerns the proceeding itself (shared by every child in it) ---------------------------


class ProceedingSerializer(RowClassMixin, serializers.Serializer):
    """A proceeding: shared by the cases of every child it concerns, it holds no child's data."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(help_text="criminal, civil, compensation or administrative")
    authority = serializers.CharField()
    reference = serializers.CharField()
    stage = serializers.CharField(
        help_text="investigation, charge, pre_trial, trial, appeal or closed"
    )
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    prosecutor = serializers.CharField()
    accused = serializers.CharField(help_text="The accused, one per line.")
    defence = serializers.CharField(help_text="Who represents the accused, one per line.")
    is_open = serializers.BooleanField()

    SENSITIVITY = {
        **basic("id"),
        **_legal(
            "kind",
            "authority",
            "reference",
            "stage",
            "opened_on",
            "closed_on",
            "prosecutor",
            "accused",
            "defence",
            "is_open",
        ),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class HearingSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    held_on = serializers.DateField()
    purpose = serializers.CharField()

    SENSITIVITY = {**basic("id"), **_legal("held_on", "purpose")}

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ProceedingEventSerializer(RowClassMixin, serializers.Serializer):
    """A hearing date set, a verdict, a release or an appeal: the child is told within 48 hours
    (VW-6)."""

    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(help_text="hearing_set, verdict, release or appeal")
    occurred_on = serializers.DateField()
    summary = serializers.CharField()

    SENSITIVITY = {**basic("id"), **_legal("kind", "occurred_on", "summary")}

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


# --- what concerns this child ------------------------------------------------------------------


class ParticipationSerializer(RowClassMixin, serializers.Serializer):
    """Whether the child takes part in one way, decided in their best interests (VW-1); the
    latest of a form is the one in force."""

    id = serializers.UUIDField(source="public_id")
    form = serializers.CharField(
        help_text="statement, testimony, cross_examination or compensation_claim"
    )
    choice = serializers.CharField(help_text="agrees or declines")
    decided_on = serializers.DateField()
    information_session = serializers.UUIDField(
        source="information_session.public_id",
        help_text="The session that told the child about the legal process (VW-2).",
    )
    decision = serializers.UUIDField(
        source="decision.public_id",
        allow_null=True,
        default=None,
        help_text="The best-interests determination about legal participation.",
    )
    retraumatisation_risk = serializers.CharField()
    intimidation_risk = serializers.CharField()
    reprisal_risk = serializers.CharField()
    child_views = serializers.CharField()

    SENSITIVITY = {
        **basic("id"),
        **_legal(
            "form",
            "choice",
            "decided_on",
            "information_session",
            "decision",
            "retraumatisation_risk",
            "intimidation_risk",
            "reprisal_risk",
        ),
        "child_views": S.NARRATIVE,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class HearingAttendanceSerializer(RowClassMixin, serializers.Serializer):
    """The child at one hearing: support person (VW-3) and child-friendly measures (VW-4)."""

    id = serializers.UUIDField(source="public_id")
    hearing = serializers.UUIDField(source="hearing.public_id")
    testifies = serializers.BooleanField()
    support_user = serializers.UUIDField(
        source="support_user.public_id",
        allow_null=True,
        default=None,
        help_text="A Haven user assigned to the case as support person.",
    )
    support_user_name = serializers.SerializerMethodField()
    support_name = serializers.CharField(help_text="A support person who is not a Haven user.")
    support_relation = serializers.CharField()
    requested = serializers.ListField(child=serializers.CharField())
    granted = serializers.ListField(child=serializers.CharField())
    applied = serializers.ListField(child=serializers.CharField())

    SENSITIVITY = {
        **basic("id"),
        **_legal(
            "hearing",
            "testifies",
            "support_user",
            "support_user_name",
            "support_name",
            "support_relation",
            "requested",
            "granted",
            "applied",
        ),
    }

    def get_support_user_name(self, attendance: Any) -> str:
        return _name(attendance.support_user)

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ProceedingStatementSerializer(RowClassMixin, serializers.Serializer):
    """A statement, testimony or cross-examination: an interview counted in the child's
    retellings (CC-6, VW-5), linked to its proceeding."""

    id = serializers.UUIDField(source="public_id")
    interview = serializers.SerializerMethodField()
    video_recorded = serializers.BooleanField()
    why_not_reused = serializers.CharField()

    SENSITIVITY = {
        **basic("id"),
        **_legal("interview", "video_recorded"),
        "why_not_reused": S.NARRATIVE,
    }

    @extend_schema_field(InterviewSerializer)
    def get_interview(self, statement: Any) -> dict[str, Any]:
        return InterviewSerializer(statement.interview, context=self.context).data

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class UpdateToChildSerializer(RowClassMixin, serializers.Serializer):
    """An update to the child and their support person on the proceeding (VW-6)."""

    id = serializers.UUIDField(source="public_id")
    given_at = serializers.DateTimeField()
    given_by = serializers.CharField()
    language = serializers.CharField()
    support_person_told = serializers.BooleanField()
    explained = serializers.CharField()

    SENSITIVITY = {
        **basic("id"),
        **_legal("given_at", "given_by", "language", "support_person_told"),
        "explained": S.NARRATIVE,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ReprisalRiskSerializer(RowClassMixin, serializers.Serializer):
    """An assessment of the risk of reprisal and the measures that protect the child (VW-7)."""

    id = serializers.UUIDField(source="public_id")
    assessed_on = serializers.DateField()
    level = serializers.CharField(help_text="low, medium or high")
    threats = serializers.BooleanField()
    contact_attempts = serializers.BooleanField()
    family_at_risk = serializers.BooleanField()
    online_harassment = serializers.BooleanField()
    accused_release_on = serializers.DateField(allow_null=True)
    measures = serializers.ListField(child=serializers.CharField())
    notes = serializers.CharField()

    SENSITIVITY = {
        **basic("id"),
        **_legal(
            "assessed_on",
            "level",
            "threats",
            "contact_attempts",
            "family_at_risk",
            "online_harassment",
            "accused_release_on",
            "measures",
            "notes",
        ),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class CompensationSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    claimed_on = serializers.DateField()
    currency = serializers.CharField()
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_awarded = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    awarded_on = serializers.DateField(allow_null=True)
    amount_paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    held_for_child = serializers.DecimalField(max_digits=14, decimal_places=2)
    held_by = serializers.CharField()

    SENSITIVITY = {
        **basic("id"),
        **_legal(
            "claimed_on",
            "currency",
            "amount_claimed",
            "amount_awarded",
            "awarded_on",
            "amount_paid",
            "held_for_child",
            "held_by",
        ),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ChildInProceedingSerializer(RowClassMixin, serializers.Serializer):
    """The child's part in one proceeding: the proceeding with its hearings and events, and
    everything about this child in it. Nothing of another child in the same proceeding."""

    id = serializers.UUIDField(source="public_id", help_text="The child's part: `part_id`.")
    proceeding = serializers.SerializerMethodField()
    role = serializers.CharField(help_text="witness, complainant, claimant or none")
    child_lawyer = serializers.CharField()
    hearings = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    participations = serializers.SerializerMethodField()
    attendances = serializers.SerializerMethodField()
    statements = serializers.SerializerMethodField()
    updates = serializers.SerializerMethodField()
    reprisal_risks = serializers.SerializerMethodField()
    compensations = serializers.SerializerMethodField()

    SENSITIVITY = {
        **basic("id"),
        **_legal(
            "proceeding",
            "role",
            "child_lawyer",
            "hearings",
            "events",
            "participations",
            "attendances",
            "statements",
            "updates",
            "reprisal_risks",
            "compensations",
        ),
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer

    @extend_schema_field(ProceedingSerializer)
    def get_proceeding(self, part: Any) -> dict[str, Any]:
        return ProceedingSerializer(part.proceeding, context=self.context).data

    @extend_schema_field(HearingSerializer(many=True))
    def get_hearings(self, part: Any) -> Any:
        rows = part.proceeding.hearings.all()
        return HearingSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ProceedingEventSerializer(many=True))
    def get_events(self, part: Any) -> Any:
        rows = part.proceeding.events.all()
        return ProceedingEventSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ParticipationSerializer(many=True))
    def get_participations(self, part: Any) -> Any:
        rows = part.participations.all()
        return ParticipationSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(HearingAttendanceSerializer(many=True))
    def get_attendances(self, part: Any) -> Any:
        rows = part.attendances.all()
        return HearingAttendanceSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ProceedingStatementSerializer(many=True))
    def get_statements(self, part: Any) -> Any:
        rows = part.statements.all()
        return ProceedingStatementSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(UpdateToChildSerializer(many=True))
    def get_updates(self, part: Any) -> Any:
        rows = part.updates.all()
        return UpdateToChildSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ReprisalRiskSerializer(many=True))
    def get_reprisal_risks(self, part: Any) -> Any:
        rows = part.risk_assessments.all()
        return ReprisalRiskSerializer(rows, many=True, context=self.context).data

    @extend_schema_field(CompensationSerializer(many=True))
    def get_compensations(self, part: Any) -> Any:
        rows = part.compensations.all()
        return CompensationSerializer(rows, many=True, context=self.context).data


# --- input -------------------------------------------------------------------------------------


class ProceedingInputSerializer(serializers.Serializer):
    """A proceeding connected with the case, and the child's role in it. In a PATCH, a field
    left out keeps its value."""

    kind = ProceedingKindField()
    authority = serializers.CharField(
        max_length=NAME_MAX_LENGTH, allow_blank=True, help_text="The authority or court."
    )
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    stage = ProceedingStageField()
    opened_on = serializers.DateField()
    closed_on = serializers.DateField(
        required=False, allow_null=True, help_text="Needed when the stage is closed."
    )
    prosecutor = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    accused = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="The accused, one per line: none of them can support the child (VW-3).",
    )
    defence = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Who represents the accused, one per line: none of them can support the "
        "child (VW-3).",
    )
    role = ChildRoleField(help_text="The child's role in the proceeding.")
    child_lawyer = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, allow_blank=True
    )


class ProceedingJoinSerializer(serializers.Serializer):
    proceeding = serializers.UUIDField(
        help_text="Public ID of a proceeding recorded on another case of the lead agency, one "
        "the caller may read (GET proceedings/joinable/)."
    )
    role = ChildRoleField(help_text="This child's role in the proceeding.")
    child_lawyer = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, allow_blank=True
    )


class HearingInputSerializer(serializers.Serializer):
    held_on = serializers.DateField(help_text="Not before the proceeding opened.")
    purpose = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ProceedingEventInputSerializer(serializers.Serializer):
    kind = ProceedingEventKindField()
    occurred_on = serializers.DateField()
    summary = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, help_text="What it means."
    )


class ParticipationInputSerializer(serializers.Serializer):
    form = ParticipationFormField()
    choice = ParticipationChoiceField(help_text="The child's informed choice.")
    decided_on = serializers.DateField()
    information_session = serializers.UUIDField(
        help_text="Public ID of the information session of this case in which the child was "
        "told about the legal process and that they may decline (VW-2)."
    )
    decision = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Public ID of the best-interests determination about legal participation "
        "taken on this case: needed when the child agrees (VW-1).",
    )
    retraumatisation_risk = RiskLevelField()
    intimidation_risk = RiskLevelField()
    reprisal_risk = RiskLevelField()
    child_views = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="The child's views, in their words: needed (VW-1).",
    )


class AttendanceInputSerializer(serializers.Serializer):
    """The child at a hearing. Recorded again, it replaces what was recorded for that hearing."""

    testifies = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only under the child's agreed participation in testifying (VW-1).",
    )
    support_user = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Public ID of a Haven user assigned to the case as support person (VW-3).",
    )
    support_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Or a support person who is not a Haven user; never one among the accused or "
        "representing them (VW-3).",
    )
    support_relation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    requested = serializers.ListField(
        child=HearingMeasureField(), required=False, default=list, max_length=CHOICES_MAX_COUNT
    )
    granted = serializers.ListField(
        child=HearingMeasureField(), required=False, default=list, max_length=CHOICES_MAX_COUNT
    )
    applied = serializers.ListField(
        child=HearingMeasureField(), required=False, default=list, max_length=CHOICES_MAX_COUNT
    )


class StatementInputSerializer(InterviewInputSerializer):
    """A statement, testimony or cross-examination: the interview's fields, and whether it is
    video-recorded (to be reused) or why an earlier recording does not serve (VW-4)."""

    kind = StatementKindField()
    support_person = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed: nobody gives a statement or testimony without one (VW-3).",
    )
    video_recorded = serializers.BooleanField(required=False, default=False)
    why_not_reused = serializers.CharField(
        max_length=TEXT_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Needed when a video-recorded statement exists for this proceeding (VW-4).",
    )


class UpdateToChildInputSerializer(serializers.Serializer):
    given_at = serializers.DateTimeField()
    given_by = serializers.CharField(max_length=200, allow_blank=True)
    language = serializers.CharField(max_length=3, help_text="ISO 639 code.")
    explained = serializers.CharField(max_length=TEXT_MAX_LENGTH, allow_blank=True)
    support_person_told = serializers.BooleanField(required=False, default=True)


class ReprisalRiskInputSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    level = RiskLevelField()
    measures = serializers.ListField(
        child=ProtectionMeasureField(),
        required=False,
        default=list,
        max_length=CHOICES_MAX_COUNT,
        help_text="A high risk without a measure is recorded, and raises an alert (VW-7).",
    )
    threats = serializers.BooleanField(required=False, default=False)
    contact_attempts = serializers.BooleanField(required=False, default=False)
    family_at_risk = serializers.BooleanField(required=False, default=False)
    online_harassment = serializers.BooleanField(required=False, default=False)
    accused_release_on = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True)


class CompensationInputSerializer(serializers.Serializer):
    """A claim for compensation, or what became of it. In a PATCH, a field left out keeps its
    value."""

    claimed_on = serializers.DateField()
    currency = serializers.CharField(max_length=3, help_text="THB, IDR, USD...")
    amount_claimed = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_awarded = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    awarded_on = serializers.DateField(required=False, allow_null=True)
    amount_paid = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Never more than awarded.",
    )
    held_for_child = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="The child's share, held for them: never more than paid.",
    )
    held_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
