"""API shapes for consent, information, best interests, guardianship, needs, services, and where
the child lives (placements, restrictions, family contact, charges and challenges to detention).

Like haven.api.serializers, every field a response can carry has a sensitivity class and a
field the caller may not read on the case is left out (DP-1, DP-14). Some records also have a
class as a whole, declared on the model (`row_sensitivity`): a guardian appointment, a
restriction and family contact are family information, a needs assessment is the child's
narrative, a charge and a challenge to detention are legal information, a service belongs to
the class of its type (health care is HEALTH, legal assistance LEGAL...). A caller who may not
read a record's class is not sent the record at all, in a list or on its own.

Input shapes check types and codes; the rules (what must be said, the safeguards) are the
services', so the API and the pages answer alike."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from haven.accounts.models import Agency
from haven.api.serializers import SensitiveFieldsMixin, basic
from haven.consent.models import (
    CHECKLIST,
    ChildAnswer,
    Format,
    Purpose,
    Representative,
    RepresentativeAnswer,
    Topic,
)
from haven.consent.sheets import Band
from haven.core.forms import (
    CHOICES_MAX_COUNT,
    CODE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    PARTICIPANTS_MAX_COUNT,
    TEXT_MAX_LENGTH,
)
from haven.core.sensitivity import Sensitivity as S
from haven.decisions.models import Decision
from haven.protection.models import (
    Domain,
    GuardianshipEndReason,
    HealthProcedure,
    NeedsFinding,
    NotDeliveredReason,
    Recipient,
    ServiceStatus,
    ServiceType,
    SpecialNeed,
)


def _codes(values: list[str]) -> str:
    return "One of: " + ", ".join(values) + "."


def _name(user: Any) -> str:
    return user.get_full_name() if user is not None else ""


class ReadableRowsListSerializer(serializers.ListSerializer):
    """A list that leaves out the records whose class the caller may not read."""

    def to_representation(self, data: Any) -> list[Any]:
        rows = data.all() if hasattr(data, "all") else data
        child = self.child
        assert isinstance(child, RowClassMixin)
        return [child.to_representation(row) for row in rows if child.row_readable(row)]


class RowClassMixin(SensitiveFieldsMixin):
    """SensitiveFieldsMixin for records that also have a class as a whole, declared on the model
    (`row_sensitivity`): the same class haven.cases.access.record_for checks."""

    def row_readable(self, instance: Any) -> bool:
        return bool(instance.readable_with(super()._readable(instance)))

    def _readable(self, instance: Any) -> frozenset[S]:
        # A record whose class the caller may not read shows nothing: not even its ID.
        return super()._readable(instance) if self.row_readable(instance) else frozenset()


# Choice fields whose names other API shapes use for other choices ("kind" of an interview,
# "status" of a trafficking decision): named components, so the schema has one enum for each.


@extend_schema_field(
    serializers.ChoiceField(choices=Decision.Kind.choices), component_name="DecisionKindEnum"
)
class DecisionKindField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Decision.Kind.choices, **kwargs)


@extend_schema_field(
    serializers.ChoiceField(choices=ServiceStatus.choices), component_name="ServiceStatusEnum"
)
class ServiceStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ServiceStatus.choices, **kwargs)


# --- consent (CC-3, PS-4, DP-5, DP-6) ------------------------------------------------------


class RecipientAgencySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()


class ConsentSerializer(SensitiveFieldsMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    purpose = serializers.CharField()
    purpose_detail = serializers.CharField()
    scope = serializers.CharField()
    recipient_agencies = RecipientAgencySerializer(
        many=True,
        help_text="The Haven agencies a consent to share information covers: a referral can go "
        "only to one of them (DP-5).",
    )
    recipients = serializers.CharField(
        help_text="Others outside Haven, as written; never compared with a referral's agency."
    )
    given_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    language = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    explained_by = serializers.CharField()
    checklist = serializers.ListField(child=serializers.CharField())
    child_answer = serializers.CharField()
    child_not_asked_reason = serializers.CharField()
    child_age = serializers.IntegerField(
        allow_null=True, help_text="The child's age on the day they were asked."
    )
    representative = serializers.CharField()
    representative_name = serializers.CharField()
    representative_answer = serializers.CharField()
    grants = serializers.BooleanField(
        help_text="Whether the answers, when recorded, permitted the measure."
    )
    state = serializers.CharField(help_text="granted, refused, withdrawn, expired or overridden")
    notes = serializers.CharField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_by = serializers.CharField()
    withdrawal_reason = serializers.CharField()
    override_decision = serializers.UUIDField(
        source="override_decision.public_id",
        allow_null=True,
        default=None,
        help_text="The best-interests determination that overrides a refusal.",
    )

    SENSITIVITY = {
        **basic(
            "id",
            "purpose",
            "purpose_detail",
            "scope",
            "recipient_agencies",
            "recipients",
            "given_on",
            "expires_on",
            "language",
            "formats",
            "explained_by",
            "checklist",
            "child_answer",
            "representative",
            "representative_answer",
            "grants",
            "state",
            "withdrawn_at",
            "override_decision",
        ),
        "child_age": S.IDENTITY,
        "representative_name": S.FAMILY,
        "withdrawn_by": S.FAMILY,
        "child_not_asked_reason": S.NARRATIVE,
        "notes": S.NARRATIVE,
        "withdrawal_reason": S.NARRATIVE,
    }


class ConsentInputSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    purpose_detail = serializers.CharField(max_length=300, required=False, allow_blank=True)
    scope = serializers.CharField(max_length=300, required=False, allow_blank=True)
    recipient_agencies = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=CHOICES_MAX_COUNT,
        help_text="Public IDs of the Haven agencies that will receive the information, for "
        "information sharing: a referral can go only to one of them (DP-5).",
    )
    recipients = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Others outside Haven who will receive the information, as text. For "
        "information sharing, this or recipient_agencies is needed.",
    )
    given_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(max_length=3, help_text="ISO 639 code.")
    formats = serializers.MultipleChoiceField(choices=Format.choices)
    explained_by = serializers.CharField(max_length=200, allow_blank=True)
    checklist = serializers.MultipleChoiceField(
        choices=CHECKLIST,
        help_text="The points explained to the child; every one is needed (DP-6).",
    )
    child_answer = serializers.ChoiceField(choices=ChildAnswer.choices)
    child_not_asked_reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
    representative = serializers.ChoiceField(
        choices=Representative.choices, required=False, default=Representative.NONE
    )
    representative_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    representative_answer = serializers.ChoiceField(
        choices=RepresentativeAnswer.choices, required=False, allow_blank=True
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)

    def validate_recipient_agencies(self, value: list[Any]) -> list[Agency]:
        agencies = list(Agency.objects.filter(public_id__in=value))
        if len(agencies) != len(set(value)):
            raise serializers.ValidationError(_("Choose agencies from Haven's list."))
        return agencies


class ConsentWithdrawSerializer(serializers.Serializer):
    withdrawn_by = serializers.CharField(
        max_length=200, allow_blank=True, help_text="Who withdrew it: the child, a parent..."
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, help_text="What was said."
    )


class ConsentOverrideSerializer(serializers.Serializer):
    decision = serializers.UUIDField(
        help_text="Public ID of a best-interests determination taken on this case."
    )


# --- information given to the child (PS-5) ---------------------------------------------------


class InformationSessionSerializer(SensitiveFieldsMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    given_at = serializers.DateTimeField()
    topics = serializers.ListField(child=serializers.CharField())
    language = serializers.CharField()
    formats = serializers.ListField(child=serializers.CharField())
    given_by = serializers.CharField()
    interpreter = serializers.CharField()
    written_copy_left = serializers.BooleanField()
    stage = serializers.CharField(help_text="The case's stage when the information was given.")
    covers_rights = serializers.BooleanField()
    child_questions = serializers.CharField()

    SENSITIVITY = {
        **basic(
            "id",
            "given_at",
            "topics",
            "language",
            "formats",
            "given_by",
            "interpreter",
            "written_copy_left",
            "stage",
            "covers_rights",
        ),
        "child_questions": S.NARRATIVE,
    }


class InformationSessionInputSerializer(serializers.Serializer):
    given_at = serializers.DateTimeField()
    topics = serializers.MultipleChoiceField(choices=Topic.choices)
    language = serializers.CharField(max_length=3, help_text="ISO 639 code.")
    formats = serializers.MultipleChoiceField(choices=Format.choices)
    given_by = serializers.CharField(max_length=200, allow_blank=True)
    written_copy_left = serializers.BooleanField(
        help_text="Whether a written copy was left so the child can read it again."
    )
    interpreter = serializers.CharField(max_length=200, required=False, allow_blank=True)
    child_questions = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )


class InformationSheetInputSerializer(serializers.Serializer):
    language = serializers.CharField(
        max_length=3, help_text="A language Haven is translated into (the LANGUAGES setting)."
    )
    include_contacts = serializers.BooleanField(
        default=True,
        help_text="Put the case worker's first name and the agency on the sheet.",
    )
    band = serializers.ChoiceField(
        choices=Band.choices,
        required=False,
        help_text="Who the sheet is written for (CC-11); by default the band of the child's age.",
    )


# --- best interests (CC-1, CC-2, PS-6) -------------------------------------------------------


class ParticipantSerializer(serializers.Serializer):
    """Checked by the service (each needs a name and a role), so errors name `participants`."""

    name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NAME_MAX_LENGTH
    )
    role = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NAME_MAX_LENGTH,
        help_text="Role or organisation.",
    )


class DecisionSerializer(SensitiveFieldsMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    kind = serializers.CharField(help_text="bia (assessment) or bid (determination)")
    subject = serializers.CharField()
    decided_on = serializers.DateField()
    decided_by = serializers.SerializerMethodField()
    question = serializers.CharField()
    options = serializers.CharField()
    child_views = serializers.CharField()
    child_views_weight = serializers.CharField()
    child_views_not_obtained = serializers.CharField()
    family_views = serializers.CharField()
    risks = serializers.CharField()
    outcome = serializers.CharField()
    justification = serializers.CharField()
    participants = serializers.SerializerMethodField()

    SENSITIVITY = {
        **basic("id", "kind", "subject", "decided_on", "decided_by"),
        "question": S.NARRATIVE,
        "options": S.NARRATIVE,
        "child_views": S.NARRATIVE,
        "child_views_weight": S.NARRATIVE,
        "child_views_not_obtained": S.NARRATIVE,
        "family_views": S.FAMILY,
        "risks": S.NARRATIVE,
        "outcome": S.NARRATIVE,
        "justification": S.NARRATIVE,
        "participants": S.NARRATIVE,
    }

    def get_decided_by(self, decision: Decision) -> str:
        return _name(decision.decided_by)

    def get_participants(self, decision: Decision) -> list[dict[str, str]]:
        return [{"name": p.name, "role": p.role} for p in decision.participants.all()]


class DecisionInputSerializer(serializers.Serializer):
    kind = DecisionKindField(
        help_text="bia (best-interests assessment) or bid (determination, by a panel).",
    )
    subject = serializers.ChoiceField(choices=Decision.Subject.choices)
    decided_on = serializers.DateField()
    question = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    options = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    outcome = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    justification = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    child_views = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="The child's views, in their words.",
    )
    child_views_weight = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    child_views_not_obtained = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why the child's views could not be obtained, when they could not (CC-2).",
    )
    family_views = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    risks = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH)
    participants = ParticipantSerializer(  # type: ignore[call-arg]  # many=True: a ListSerializer's
        many=True,
        required=False,
        max_length=PARTICIPANTS_MAX_COUNT,
        help_text="The panel (a determination needs at least two) or the people consulted.",
    )

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["participants"] = [dict(row) for row in data.get("participants", [])]
        return data


# --- guardianship (PS-1, PS-2) ---------------------------------------------------------------


class GuardianSerializer(serializers.Serializer):
    """A guardian of the lead agency, for choosing one to appoint (PS-2: with their caseload)."""

    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="__str__")
    organisation = serializers.CharField()
    uses_haven = serializers.SerializerMethodField()
    caseload = serializers.IntegerField(help_text="Children the guardian holds now.")
    ceiling = serializers.IntegerField(help_text="The most children the guardian may hold.")

    def get_uses_haven(self, guardian: Any) -> bool:
        return guardian.user_id is not None


class GuardianAppointmentSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    guardian = serializers.SerializerMethodField()
    appointed_on = serializers.DateField()
    appointed_by = serializers.CharField()
    reason = serializers.CharField()
    over_ceiling_reason = serializers.CharField()
    over_ceiling_approved_by = serializers.SerializerMethodField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()

    SENSITIVITY = {
        **basic("id", "appointed_on", "ended_on"),
        "guardian": S.FAMILY,
        "appointed_by": S.FAMILY,
        "reason": S.FAMILY,
        "end_reason": S.FAMILY,
        "over_ceiling_approved_by": S.FAMILY,
        "over_ceiling_reason": S.NARRATIVE,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer

    def get_guardian(self, appointment: Any) -> dict[str, Any]:
        guardian = appointment.guardian
        return {
            "id": str(guardian.public_id),
            "name": str(guardian),
            "organisation": guardian.organisation,
            "contact": guardian.contact,
        }

    def get_over_ceiling_approved_by(self, appointment: Any) -> str:
        return _name(appointment.over_ceiling_approved_by)


class GuardianAppointInputSerializer(serializers.Serializer):
    guardian = serializers.UUIDField(help_text="Public ID of a guardian of the lead agency.")
    appointed_on = serializers.DateField()
    appointed_by = serializers.CharField(
        max_length=200, allow_blank=True, help_text="The court or authority that appointed."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why the child needs a guardian; needed when the child's record does not say "
        "they are deprived of parental care.",
    )
    over_ceiling_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="A supervisor's reason to appoint a guardian at their caseload ceiling (PS-2).",
    )


class GuardianEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField()
    reason_code = serializers.ChoiceField(
        choices=GuardianshipEndReason.choices,
        required=False,
        help_text="Why, from the closed list (CC-8: never the child's cooperation).",
    )
    reason = serializers.CharField(max_length=500, allow_blank=True)


# --- needs and strengths (PS-7, CC-5) --------------------------------------------------------


class FindingSerializer(serializers.Serializer):
    """Codes are checked by the service: its errors name the domain (`legal_level`...)."""

    domain = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CODE_MAX_LENGTH,
        help_text=_codes(Domain.values),
    )
    level = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=CODE_MAX_LENGTH,
        help_text=_codes(NeedsFinding.Level.values),
    )
    needs = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    strengths = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )


class NeedsAssessmentSerializer(RowClassMixin, serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    assessed_on = serializers.DateField()
    assessed_by = serializers.SerializerMethodField()
    next_review_on = serializers.DateField(allow_null=True)
    findings = serializers.SerializerMethodField()
    child_views = serializers.CharField()
    severe_harm = serializers.BooleanField()
    special_needs = serializers.ListField(
        child=serializers.CharField(), help_text="Special needs found (CC-5)."
    )

    SENSITIVITY = {
        **basic("id", "assessed_on", "assessed_by", "next_review_on"),
        "findings": S.NARRATIVE,
        "child_views": S.NARRATIVE,
        "severe_harm": S.NARRATIVE,
        "special_needs": S.NARRATIVE,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer

    def get_assessed_by(self, assessment: Any) -> str:
        return _name(assessment.assessed_by)

    def get_findings(self, assessment: Any) -> list[dict[str, str]]:
        return [
            {"domain": f.domain, "level": f.level, "needs": f.needs, "strengths": f.strengths}
            for f in assessment.findings.all()
        ]


class NeedsAssessmentInputSerializer(serializers.Serializer):
    assessed_on = serializers.DateField()
    findings = FindingSerializer(  # type: ignore[call-arg]  # many=True: a ListSerializer's
        many=True,
        max_length=CHOICES_MAX_COUNT,  # six domains, each once: the validation below says so
        help_text="One row for each of the six domains; strengths too, not only needs.",
    )
    child_views = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    severe_harm = serializers.BooleanField(required=False, default=False)
    next_review_on = serializers.DateField(required=False, allow_null=True)

    def validate_findings(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        domains = [row["domain"] for row in rows]
        if len(domains) != len(set(domains)):
            raise serializers.ValidationError(_("Give each domain once."))
        return rows

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        data["findings"] = [dict(row) for row in data["findings"]]
        return data


# --- services (PS-3, PS-4, CC-8) -------------------------------------------------------------


class ServiceSerializer(RowClassMixin, serializers.Serializer):
    """A service, sent only to a caller who may read its type's class (DP-1)."""

    id = serializers.UUIDField(source="public_id")
    type = serializers.CharField()
    health_procedure = serializers.CharField()
    recipient = serializers.CharField()
    family_member = serializers.CharField()
    description = serializers.CharField()
    provider = serializers.CharField()
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    not_delivered_reason = serializers.CharField()
    reason_detail = serializers.CharField()
    special_need = serializers.CharField()
    consent_purpose = serializers.CharField(
        help_text="The consent this care needs (PS-4), or empty."
    )
    urgent_reason = serializers.CharField()
    decision = serializers.UUIDField(source="decision.public_id", allow_null=True, default=None)
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )

    # Within a service the caller may read, the fields are case basics, except why care was
    # urgent, which is health information whatever the type.
    SENSITIVITY = {
        **basic(
            "id",
            "type",
            "health_procedure",
            "recipient",
            "family_member",
            "description",
            "provider",
            "start_on",
            "end_on",
            "status",
            "not_delivered_reason",
            "reason_detail",
            "special_need",
            "consent_purpose",
            "decision",
            "version",
        ),
        "urgent_reason": S.HEALTH,
    }

    class Meta:
        list_serializer_class = ReadableRowsListSerializer


class ServiceInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ServiceType.choices)
    provider = serializers.CharField(max_length=200, allow_blank=True)
    start_on = serializers.DateField()
    status = ServiceStatusField()
    recipient = serializers.ChoiceField(
        choices=Recipient.choices, required=False, default=Recipient.CHILD
    )
    family_member = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="For a family member: their relationship to the child.",
    )
    health_procedure = serializers.ChoiceField(
        choices=HealthProcedure.choices,
        required=False,
        allow_blank=True,
        help_text="For health care; examination, testing and treatment need consent (PS-4).",
    )
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    end_on = serializers.DateField(required=False, allow_null=True)
    not_delivered_reason = serializers.ChoiceField(
        choices=NotDeliveredReason.choices, required=False, allow_blank=True
    )
    reason_detail = serializers.CharField(max_length=500, required=False, allow_blank=True)
    special_need = serializers.ChoiceField(
        choices=SpecialNeed.choices, required=False, allow_blank=True
    )
    urgent_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_MAX_LENGTH,
        help_text="Why care without consent was urgent (to protect the child's life or health); "
        "a best-interests determination must follow.",
    )
    decision = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Public ID of the best-interests determination the care goes ahead under.",
    )


class ServiceUpdateSerializer(serializers.Serializer):
    """What moves a service on. A field left out keeps its current value."""

    status = ServiceStatusField(required=False)
    end_on = serializers.DateField(required=False, allow_null=True)
    not_delivered_reason = serializers.ChoiceField(
        choices=NotDeliveredReason.choices, required=False, allow_blank=True
    )
    reason_detail = serializers.CharField(max_length=500, required=False, allow_blank=True)
    decision = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Public ID of a best-interests determination taken on this case.",
    )
