"""API shapes. Fields carry a sensitivity class; a field the caller's role may not read on this
case is left out of the response entirely (DP-1)."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.cases.models import (
    ASSIGNED_BY_HAND,
    Case,
    CaseAssignment,
    CaseNote,
    ChildMerge,
    ClosingReason,
    ClosureRequest,
    HandoverReason,
    HandoverRequest,
    Interview,
)
from haven.children.models import AGE_STATUS_INPUT_CHOICES, Child, Gender, ParentalCare, Sex
from haven.core.forms import (
    ALIASES_MAX_COUNT,
    CHOICES_MAX_COUNT,
    CODE_MAX_LENGTH,
    LANGUAGES_MAX_COUNT,
    NATIONALITIES_MAX_COUNT,
    PLACE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from haven.core.sensitivity import Sensitivity as S
from haven.identification.models import NotNeededReason


def basic(*names: str) -> dict[str, S]:
    return dict.fromkeys(names, S.BASIC)


class SensitiveFieldsMixin:
    """Drop fields whose class is not in context["readable"]. Every field must be classified;
    one that is not is never sent (DP-14: children's data is the highest class by default), and
    a test fails on it."""

    SENSITIVITY: dict[str, S] = {}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)  # type: ignore[misc]
        readable = self._readable(instance)
        return {k: v for k, v in data.items() if self.SENSITIVITY.get(k) in readable}

    def _readable(self, instance: Any) -> frozenset[S]:
        """context["readable"] is a set for one case, or {case_id: set} for a list."""
        readable = self.context.get("readable", frozenset())  # type: ignore[attr-defined]
        if isinstance(readable, dict):
            case_id = (
                instance.pk if isinstance(instance, Case) else getattr(instance, "case_id", None)
            )
            return readable.get(case_id, frozenset())
        return readable


class ChildSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    nationalities = serializers.SerializerMethodField()
    languages = serializers.SerializerMethodField()
    aliases = serializers.SerializerMethodField()
    is_presumed_child = serializers.BooleanField(read_only=True)
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )

    SENSITIVITY = {
        **basic("id", "is_presumed_child", "version"),
        "given_name": S.IDENTITY,
        "family_name": S.IDENTITY,
        "family_name_first": S.IDENTITY,
        "name_romanised": S.IDENTITY,
        "aliases": S.IDENTITY,
        "sex": S.IDENTITY,
        "gender": S.IDENTITY,
        "gender_self_described": S.IDENTITY,
        "birth_date": S.IDENTITY,
        "age_status": S.IDENTITY,
        "claims_adult": S.IDENTITY,
        "claims_child": S.IDENTITY,
        "minority_indicators": S.IDENTITY,
        "nationalities": S.IDENTITY,
        "languages": S.IDENTITY,
        "parental_care": S.FAMILY,
        "has_disability": S.HEALTH,
        "special_needs": S.HEALTH,
    }

    class Meta:
        model = Child
        fields = [
            "id",
            "given_name",
            "family_name",
            "family_name_first",
            "name_romanised",
            "aliases",
            "sex",
            "gender",
            "gender_self_described",
            "birth_date",
            "age_status",
            "claims_adult",
            "claims_child",
            "minority_indicators",
            "is_presumed_child",
            "nationalities",
            "languages",
            "parental_care",
            "has_disability",
            "special_needs",
            "version",
        ]

    def get_nationalities(self, child: Child) -> list[str]:
        return [n.country for n in child.nationalities.all()]

    def get_languages(self, child: Child) -> list[str]:
        return [
            lang.language
            for lang in sorted(
                child.languages.all(), key=lambda x: (not x.is_preferred, x.language)
            )
        ]

    def get_aliases(self, child: Child) -> list[str]:
        return [a.name for a in child.aliases.all()]


class ChildInputSerializer(serializers.Serializer):
    """What a client sends to register or update a child. Validation of values (dates, codes,
    the presumption of minority) is the service's, so web and API say the same thing."""

    given_name = serializers.CharField(max_length=120)
    family_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    family_name_first = serializers.BooleanField(required=False)
    name_romanised = serializers.CharField(max_length=250, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    gender_self_described = serializers.CharField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    age_status = serializers.ChoiceField(choices=AGE_STATUS_INPUT_CHOICES, required=False)
    claims_adult = serializers.BooleanField(required=False)
    claims_child = serializers.BooleanField(required=False)
    minority_indicators = serializers.BooleanField(required=False)
    parental_care = serializers.ChoiceField(choices=ParentalCare.choices, required=False)
    has_disability = serializers.BooleanField(required=False)
    special_needs = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    nationalities = serializers.ListField(
        child=serializers.CharField(max_length=3),
        required=False,
        max_length=NATIONALITIES_MAX_COUNT,
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=LANGUAGES_MAX_COUNT
    )
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=250), required=False, max_length=ALIASES_MAX_COUNT
    )


class AgeAssessmentInputSerializer(serializers.Serializer):
    method = serializers.CharField(max_length=200)
    decided_by = serializers.CharField(max_length=200)
    evidence = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    completed = serializers.BooleanField(required=False, default=False)
    result = serializers.CharField(required=False, allow_blank=True, max_length=CODE_MAX_LENGTH)
    assessed_birth_date = serializers.DateField(required=False, allow_null=True)


class AgeAssessmentSerializer(SensitiveFieldsMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    method = serializers.CharField()
    decided_by = serializers.CharField()
    evidence = serializers.CharField()
    status = serializers.CharField()
    result = serializers.CharField()
    assessed_birth_date = serializers.DateField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)

    SENSITIVITY = {
        **basic("id", "status", "completed_at"),
        "method": S.IDENTITY,
        "decided_by": S.IDENTITY,
        "evidence": S.IDENTITY,
        "result": S.IDENTITY,
        "assessed_birth_date": S.IDENTITY,
    }


class ChildUpdateSerializer(ChildInputSerializer):
    given_name = serializers.CharField(max_length=120, required=False)


class AssignmentSerializer(serializers.ModelSerializer):
    user = serializers.UUIDField(source="user.public_id", read_only=True)
    user_name = serializers.CharField(source="user.get_full_name", read_only=True)

    class Meta:
        model = CaseAssignment
        fields = ["user", "user_name", "role", "started_at", "ended_at"]


class CaseSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    lead_agency = serializers.CharField(source="lead_agency.name", read_only=True)
    child = serializers.SerializerMethodField()
    retellings = serializers.IntegerField(read_only=True, required=False)
    open_alerts = serializers.IntegerField(read_only=True, required=False)

    SENSITIVITY = {
        **basic(
            "id",
            "reference",
            "lead_agency",
            "stage",
            "stage_changed_at",
            "trafficking_status",
            "status_decided_by",
            "opened_at",
            "closed_at",
            "retellings",
            "open_alerts",
            "child",
        ),
        "summary": S.NARRATIVE,
    }

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "lead_agency",
            "stage",
            "stage_changed_at",
            "trafficking_status",
            "status_decided_by",
            "opened_at",
            "closed_at",
            "retellings",
            "open_alerts",
            "child",
            "summary",
        ]

    @extend_schema_field(ChildSerializer)
    def get_child(self, case: Case) -> dict[str, Any]:
        return ChildSerializer(case.child, context={"readable": self._readable(case)}).data


class CaseDetailSerializer(CaseSerializer):
    assignments = serializers.SerializerMethodField()

    SENSITIVITY = {**CaseSerializer.SENSITIVITY, **basic("assignments")}

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "assignments"]

    @extend_schema_field(AssignmentSerializer(many=True))
    def get_assignments(self, case: Case) -> list[dict[str, Any]]:
        current = case.assignments.filter(ended_at__isnull=True).select_related("user")
        return AssignmentSerializer(current, many=True).data  # type: ignore[return-value]


class NewCaseSerializer(serializers.Serializer):
    agency = serializers.UUIDField(
        required=False, help_text="Public ID of the agency; optional when you work for one."
    )
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class CaseRegisterSerializer(NewCaseSerializer):
    child = ChildInputSerializer()


class StageChangeSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=Case.Stage.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    closed_reason = serializers.ChoiceField(
        choices=ClosingReason.choices,
        required=False,
        help_text="Needed to close: why, from the closed list (CC-8: never the child's "
        "cooperation).",
    )


class ClosureRequestSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    """A request to close the case and its decision (RR-6, CC-1)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    asked_by = serializers.CharField(source="created_by", read_only=True)
    asked_at = serializers.DateTimeField(source="created_at", read_only=True)
    decided_by = serializers.CharField(allow_null=True, read_only=True)
    SENSITIVITY = {
        **basic("id", "closed_reason", "status", "asked_by", "asked_at", "decided_by"),
        **basic("decided_at"),
        "reason": S.NARRATIVE,
        "decision_note": S.NARRATIVE,
    }

    class Meta:
        model = ClosureRequest
        fields = [
            "id",
            "closed_reason",
            "reason",
            "status",
            "asked_by",
            "asked_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]


class ClosureAskSerializer(serializers.Serializer):
    closed_reason = serializers.ChoiceField(
        choices=ClosingReason.choices,
        help_text="Why the case closes, from the closed list (CC-8: never the child's "
        "cooperation).",
    )
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class ClosureDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true closes the case; false keeps it open.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why the case stays open, for the case worker: needed when declining.",
    )


class ChildMergeSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    """A merge of two records of one child (RR-6)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    kept_case = serializers.UUIDField(source="kept_case.public_id", read_only=True)
    merged_case = serializers.UUIDField(source="merged_case.public_id", read_only=True)
    proposed_by = serializers.CharField(source="created_by", read_only=True)
    proposed_at = serializers.DateTimeField(source="created_at", read_only=True)
    decided_by = serializers.CharField(allow_null=True, read_only=True)
    undo_until = serializers.DateTimeField(allow_null=True, read_only=True)
    SENSITIVITY = {
        **basic("id", "status", "kept_case", "merged_case", "proposed_by", "proposed_at"),
        **basic("decided_by", "decided_at", "undo_until"),
        "reason": S.IDENTITY,
        "note": S.IDENTITY,
    }

    class Meta:
        model = ChildMerge
        fields = [
            "id",
            "status",
            "kept_case",
            "merged_case",
            "reason",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "note",
            "undo_until",
        ]


class MergeProposeSerializer(serializers.Serializer):
    other_case = serializers.UUIDField(
        help_text="Public ID of the other case: its child's record joins this case's child."
    )
    reason = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, help_text="What shows it is the same child."
    )


class MergeDecideSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true makes the two records one; false declines.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why they are two different children: needed when declining.",
    )


class MergeUndoSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX_LENGTH)


class AssignSerializer(serializers.Serializer):
    user = serializers.UUIDField()
    role = serializers.ChoiceField(choices=ASSIGNED_BY_HAND)
    handover_note = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )


class HandoverRequestSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    """A case worker's request to hand their case over (CC-9)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    asked_by = serializers.UUIDField(source="created_by.public_id", read_only=True)
    asked_by_name = serializers.CharField(source="created_by.get_full_name", read_only=True)
    asked_at = serializers.DateTimeField(source="created_at", read_only=True)
    SENSITIVITY = {
        **basic("id", "case", "reason", "asked_by", "asked_by_name", "asked_at"),
        **basic("resolved_at", "outcome"),
        # The sentence may mention the child (an encrypted field).
        "note": S.NARRATIVE,
    }

    class Meta:
        model = HandoverRequest
        fields = [
            "id",
            "case",
            "reason",
            "note",
            "asked_by",
            "asked_by_name",
            "asked_at",
            "resolved_at",
            "outcome",
        ]


class HandoverAskSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(
        choices=HandoverReason.choices,
        help_text="Why the case should go to someone else: leaving the agency, too many cases, "
        "a conflict of interest (or the child asked), or other.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=HandoverRequest.NOTE_MAX_LENGTH,
        help_text="A sentence; needed for `other`.",
    )


class InterviewSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    SENSITIVITY = {
        **basic(
            "id",
            "kind",
            "conducted_at",
            "interviewer",
            "interviewer_agency",
            "interpreter",
            "support_person",
            "duration_minutes",
            "child_told_story",
        ),
        "location": S.LOCATION,
        "notes": S.NARRATIVE,
    }

    class Meta:
        model = Interview
        fields = [
            "id",
            "kind",
            "conducted_at",
            "interviewer",
            "interviewer_agency",
            "location",
            "interpreter",
            "support_person",
            "duration_minutes",
            "child_told_story",
            "notes",
        ]


class InterviewInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Interview.Kind.choices)
    conducted_at = serializers.DateTimeField()
    interviewer = serializers.CharField(max_length=200)
    interviewer_agency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600)
    location = serializers.CharField(required=False, allow_blank=True, max_length=PLACE_MAX_LENGTH)
    interpreter = serializers.CharField(max_length=200, required=False, allow_blank=True)
    interpreter_reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        help_text="Why no interpreter, or a different one from the child's last interview "
        "(CC-10): needed when the check asks for it (HTTP 422 with measure_id CC-10).",
    )
    support_person = serializers.CharField(max_length=200, required=False, allow_blank=True)
    child_told_story = serializers.BooleanField(required=False, default=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)


class NoteSerializer(SensitiveFieldsMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    SENSITIVITY = {**basic("id", "created_at"), "body": S.NARRATIVE}

    class Meta:
        model = CaseNote
        fields = ["id", "created_at", "body"]
        extra_kwargs = {
            "body": {"required": True, "allow_blank": False, "max_length": TEXT_MAX_LENGTH}
        }


class AlertSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="case.public_id")
    case_reference = serializers.CharField(source="case.reference")
    rule = serializers.CharField(source="rule_code")
    measure_id = serializers.CharField()
    severity = serializers.CharField()
    title = serializers.CharField()
    message = serializers.CharField()
    raised_at = serializers.DateTimeField()


class ResolveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- identification -----------------------------------------------------------------------


class ExploitationRowSerializer(serializers.Serializer):
    form = serializers.CharField(
        max_length=CODE_MAX_LENGTH, help_text="HTCDS TypeOfExploitation code, or 'none'."
    )
    sub_type = serializers.CharField(required=False, allow_blank=True, max_length=CODE_MAX_LENGTH)
    industry = serializers.CharField(required=False, allow_blank=True, max_length=CODE_MAX_LENGTH)


class ScreeningInputSerializer(serializers.Serializer):
    """Codes are checked by the service, whose errors list the allowed values."""

    screened_at = serializers.DateTimeField()
    acts = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        max_length=CHOICES_MAX_COUNT,
        help_text="Act codes, or ['none'].",
    )
    forms = ExploitationRowSerializer(many=True, max_length=CHOICES_MAX_COUNT)  # type: ignore[call-arg]
    means = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        max_length=CHOICES_MAX_COUNT,
    )
    methods_of_control = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        max_length=CHOICES_MAX_COUNT,
    )
    movement = serializers.CharField(required=False, default="unknown", max_length=CODE_MAX_LENGTH)
    indicators = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        max_length=CHOICES_MAX_COUNT,
    )
    protection_concerns = serializers.BooleanField(required=False, default=False)
    child_interviewed = serializers.BooleanField(required=False, default=False)
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=600
    )
    location = serializers.CharField(required=False, allow_blank=True, max_length=PLACE_MAX_LENGTH)
    interpreter = serializers.CharField(required=False, allow_blank=True, max_length=200)
    interpreter_reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    support_person = serializers.CharField(required=False, allow_blank=True, max_length=200)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["forms"] = [dict(row) for row in data.pop("forms")]
        data["indicator_codes"] = data.pop("indicators", [])
        return data


class ScreeningSerializer(SensitiveFieldsMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    screened_at = serializers.DateTimeField()
    outcome = serializers.CharField()
    screened_as_child = serializers.BooleanField()
    acts = serializers.ListField(child=serializers.CharField())
    forms = serializers.SerializerMethodField()
    means = serializers.ListField(child=serializers.CharField())
    methods_of_control = serializers.ListField(child=serializers.CharField())
    movement = serializers.CharField()
    indicators = serializers.SerializerMethodField()
    protection_concerns = serializers.BooleanField()
    location = serializers.CharField()
    interpreter = serializers.CharField()
    support_person = serializers.CharField()
    notes = serializers.CharField()

    SENSITIVITY = {
        **basic(
            "id", "screened_at", "outcome", "screened_as_child", "interpreter", "support_person"
        ),
        "protection_concerns": S.NARRATIVE,
        "acts": S.NARRATIVE,
        "forms": S.NARRATIVE,
        "means": S.NARRATIVE,
        "methods_of_control": S.NARRATIVE,
        "movement": S.NARRATIVE,
        "indicators": S.NARRATIVE,
        "location": S.LOCATION,
        "notes": S.NARRATIVE,
    }

    def get_forms(self, screening: Any) -> list[dict[str, str]]:
        return [
            {"form": f.form, "sub_type": f.sub_type, "industry": f.industry}
            for f in screening.forms.all()
        ]

    def get_indicators(self, screening: Any) -> list[str]:
        return [i.code for i in screening.indicators.all()]


class FirstStepSerializer(SensitiveFieldsMixin, serializers.Serializer):
    id = serializers.UUIDField(source="step.public_id")
    kind = serializers.CharField(source="step.kind")
    measure_id = serializers.CharField(source="step.measure_id")
    due_at = serializers.DateTimeField(source="step.due_at")
    state = serializers.CharField(
        help_text="open, overdue, done, not_needed, or met (by an assignment)"
    )
    closed_at = serializers.DateTimeField(source="step.closed_at", allow_null=True)
    note = serializers.CharField(source="step.note")

    SENSITIVITY = {
        **basic("id", "kind", "measure_id", "due_at", "state", "closed_at"),
        "note": S.NARRATIVE,
    }


class StepCloseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    reason_code = serializers.ChoiceField(
        choices=NotNeededReason.choices,
        required=False,
        help_text="Needed for not-needed: why, from the closed list (CC-8).",
    )


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Case.TraffickingStatus.choices)
    decided_by = serializers.ChoiceField(choices=Case.StatusDecidedBy.choices)


class IndicatorSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    form = serializers.CharField()
    dimension = serializers.CharField()
    grade = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the indicator's source
    based_on = serializers.BooleanField()


class ChildSearchSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    born_from = serializers.IntegerField(
        required=False, allow_null=True, min_value=1990, max_value=2100
    )
    born_to = serializers.IntegerField(
        required=False, allow_null=True, min_value=1990, max_value=2100
    )
    sex = serializers.CharField(required=False, allow_blank=True, max_length=CODE_MAX_LENGTH)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=2)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        low, high = attrs.get("born_from"), attrs.get("born_to")
        if low and high and low > high:
            raise serializers.ValidationError(
                {"born_to": _("The second year must not be before the first.")}
            )
        return attrs


class ChildSearchResultSerializer(serializers.Serializer):
    cases = serializers.ListField(child=serializers.DictField())
    elsewhere = serializers.ListField(child=serializers.DictField())
    in_own_agency = serializers.ListField(
        child=serializers.CharField(),
        help_text="The user's own agencies holding a match in a case they may not open.",
    )
    partial = serializers.BooleanField(  # type: ignore[assignment]  # the response key
        help_text=(
            "True when more children than one search compares have names this close: the least"
            " alike were left out. Write the name more fully."
        )
    )
