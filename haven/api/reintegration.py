"""The API for recovery and reintegration (RR-1 … RR-5, RR-8), under /api/v1/cases/<id>/
recovery/: detail routes of a case, on the same services as the Recovery page
(haven.reintegration.services), with the same helpers as the justice and protection routes.

Every record here is about the child's family and care. The case is loaded through
haven.cases.access (404 when the caller may not see it); a caller who sees it but may not read
family matters on it is answered 404 as well, on every route, reads and writes alike, so that
nothing tells them about the child's family (DP-1); one who may read them but may not plan
reintegration gets 403, before the payload is looked at. Records are looked up only within the
case, through haven.reintegration.selectors; the read of the whole area is logged (DP-3). The
services' refusals become the error envelope: 400 naming the field, 422 with the measure ID
(RR-3), 412 for a stale If-Match (haven.api.errors)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api import reintegration_serializers as s
from haven.api.protection import _context, _determination
from haven.api.versions import VERSIONED, expected_version, with_version
from haven.audit.services import log_read
from haven.cases.access import access_case_reading
from haven.cases.models import Case
from haven.core.sensitivity import Sensitivity
from haven.reintegration import selectors
from haven.reintegration import services as reintegration_services
from haven.reintegration.models import FamilyMember, ReintegrationPlan

# What a PATCH of a family member may change; a field left out keeps its value.
_MEMBER_FIELDS = ("name", "relationship", "contact", "implicated", "safe_contact", "notes")


def _family_case(request: Request, public_id: str, capability: str | None = None) -> Case:
    """The case, for a caller who may read family matters on it: 404 when they may not see the
    case or may not read family matters there (the same answer as for a case that does not
    exist), 403 when they may but lack `capability`."""
    capabilities = () if capability is None else (capability,)
    return access_case_reading(request.user, public_id, Sensitivity.FAMILY, *capabilities)


def _writer(request: Request, public_id: str) -> Case:
    return _family_case(request, public_id, Capability.PLAN_REINTEGRATION)


def _plan(request: Request, public_id: str, plan_id: str) -> tuple[Case, ReintegrationPlan]:
    case = _writer(request, public_id)
    return case, selectors.plan_for(request.user, case, plan_id)


def _member(case: Case, public_id: UUID | None) -> FamilyMember | None:
    """The family member of this case with this ID, for a service of a plan; None for the
    child. A member of another case is not looked up: it is refused, naming the field."""
    if public_id is None:
        return None
    member = selectors.family_members(case).filter(public_id=public_id).first()
    if member is None:
        raise ValidationError({"family_member": _("Choose a record of this child's case.")})
    return member


def _created(serializer: Any, row: Any, request: Request, case: Case) -> Response:
    return Response(
        serializer(row, context=_context(request, case)).data, status=status.HTTP_201_CREATED
    )


def _plan_out(request: Request, case: Case, plan: ReintegrationPlan) -> dict[str, Any]:
    """A plan as the document shows it, read again with its services, reviews and visits."""
    shown = selectors.plans(case).get(pk=plan.pk)
    return s.ReintegrationPlanSerializer(shown, context=_context(request, case)).data


class ReintegrationViewSet(viewsets.ViewSet):
    """Detail routes only: they hang off a case, like CaseViewSet's."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    # --- the whole area ---

    @extend_schema(responses=s.RecoverySerializer)
    @action(detail=True, methods=["get"])
    def recovery(self, request: Request, public_id: str) -> Response:
        """Everything of recovery and reintegration on the case: the family members and the
        assessments of the family, the pathways (the one that stands first), the safety plans
        (the one that stands first), the plans with their services, reviews and visits, and
        how long the child has waited (RR-2) and when they turn 18 (RR-8)."""
        case = _family_case(request, public_id)
        log_read(user=request.user, what="reintegration.view", case=case)
        pathways = list(selectors.pathways(case))
        document = {
            "family_members": selectors.family_members(case),
            "assessments": selectors.assessments(case),
            "pathways": pathways,
            "safety_plans": selectors.safety_plans(case),
            "plans": selectors.plans(case),
            "timeline": selectors.timeline(case, pathways[0] if pathways else None),
            "retrafficking": selectors.retrafficking(case),
            "contact_attempts": selectors.contact_attempts(case),
        }
        return Response(s.RecoverySerializer(document, context=_context(request, case)).data)

    # --- the family (RR-3) ---

    @extend_schema(request=s.FamilyMemberInputSerializer, responses={201: s.FamilyMemberSerializer})
    @action(detail=True, methods=["post"], url_path="recovery/family")
    def recovery_family(self, request: Request, public_id: str) -> Response:
        """A member of the child's family, or another person close to them. One recorded as
        implicated in the trafficking is dated, and contact with them is never recorded as
        safe (RR-3)."""
        case = _writer(request, public_id)
        payload = s.FamilyMemberInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        member = reintegration_services.family_member_record(case=case, actor=request.user, **data)
        return _created(s.FamilyMemberSerializer, member, request, case)

    @extend_schema(
        request=s.FamilyMemberInputSerializer,
        responses=s.FamilyMemberSerializer,
        parameters=VERSIONED,
    )
    @action(detail=True, methods=["patch"], url_path="recovery/family/<uuid:member_id>")
    def recovery_family_member(self, request: Request, public_id: str, member_id: str) -> Response:
        """What is known of a family member changes: above all, that they were implicated in
        the trafficking, which raises RR-3's alert at once when the pathway that stands is with
        the family. Fields left out keep their value. Send the member's `version` in
        `If-Match`: when someone else changed it since, 412 and nothing is saved."""
        case = _writer(request, public_id)
        member = selectors.member_for(request.user, case, member_id)
        payload = s.FamilyMemberInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = reintegration_services.family_member_update(
            case=case,
            actor=request.user,
            member=member,
            expected_version=expected_version(request),
            **{name: data.get(name, getattr(member, name)) for name in _MEMBER_FIELDS},
        )
        return with_version(
            Response(s.FamilyMemberSerializer(updated, context=_context(request, case)).data),
            updated,
        )

    @extend_schema(
        request=s.FamilyAssessmentInputSerializer, responses={201: s.FamilyAssessmentSerializer}
    )
    @action(detail=True, methods=["post"], url_path="recovery/assessments")
    def recovery_assessments(self, request: Request, public_id: str) -> Response:
        """An assessment of the family: safety, abuse, complicity, capacity to care and needs,
        with what the child says about their family (RR-3, CC-2)."""
        case = _writer(request, public_id)
        payload = s.FamilyAssessmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        assessment = reintegration_services.family_assessment_record(
            case=case, actor=request.user, **data
        )
        return _created(s.FamilyAssessmentSerializer, assessment, request, case)

    # --- the pathway (RR-1, RR-2, RR-3) ---

    @extend_schema(request=s.PathwayInputSerializer, responses={201: s.PathwaySerializer})
    @action(detail=True, methods=["post"], url_path="recovery/pathways")
    def recovery_pathways(self, request: Request, public_id: str) -> Response:
        """The child's pathway, decided by a best-interests determination taken on this case,
        with the child's views (RR-1, CC-1, CC-2); the latest stands. With the family, the
        family must have been assessed first, and a family member recorded as implicated in the
        trafficking must be addressed by a determination taken since (refused otherwise, 422
        RR-3). Residential care needs the reason no family-based care serves the child."""
        case = _writer(request, public_id)
        payload = s.PathwayInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        pathway = reintegration_services.pathway_decide(
            case=case,
            actor=request.user,
            decision=_determination(case, data.pop("decision")),
            **data,
        )
        return _created(s.PathwaySerializer, pathway, request, case)

    @extend_schema(request=s.CarriedOutInputSerializer, responses=s.PathwaySerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="recovery/pathways/<uuid:pathway_id>/carried-out",
    )
    def recovery_pathway_carried_out(
        self, request: Request, public_id: str, pathway_id: str
    ) -> Response:
        """The pathway that stands happened: the child went home, to relatives or to a family
        (RR-2). Once, and only for the pathway that stands."""
        case = _writer(request, public_id)
        pathway = selectors.pathway_for(request.user, case, pathway_id)
        payload = s.CarriedOutInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        done = reintegration_services.pathway_carried_out(
            case=case, actor=request.user, pathway=pathway, **data
        )
        return Response(s.PathwaySerializer(done, context=_context(request, case)).data)

    # --- the safety plan (RR-4) ---

    @extend_schema(request=s.SafetyPlanInputSerializer, responses={201: s.SafetyPlanSerializer})
    @action(detail=True, methods=["post"], url_path="recovery/safety-plans")
    def recovery_safety_plans(self, request: Request, public_id: str) -> Response:
        """The safety plan, written with the child: the risks, where they come from, what
        keeps the child safe, in the child's words. Recording it again is its review; the
        latest stands (RR-4)."""
        case = _writer(request, public_id)
        payload = s.SafetyPlanInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        plan = reintegration_services.safety_plan_record(case=case, actor=request.user, **data)
        return _created(s.SafetyPlanSerializer, plan, request, case)

    # --- the plans, their services, reviews and visits (RR-5, RR-8) ---

    @extend_schema(request=s.PlanInputSerializer, responses={201: s.ReintegrationPlanSerializer})
    @action(detail=True, methods=["post"], url_path="recovery/plans")
    def recovery_plans(self, request: Request, public_id: str) -> Response:
        """A reintegration plan (RR-5), or a young person's transition plan to independent
        life (RR-8): the goals in the child's words, who is responsible, when it is reviewed
        and when the first follow-up visit is."""
        case = _writer(request, public_id)
        payload = s.PlanInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        plan = reintegration_services.plan_record(case=case, actor=request.user, **data)
        return Response(_plan_out(request, case, plan), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PlanServiceInputSerializer, responses={201: s.PlanServiceSerializer})
    @action(detail=True, methods=["post"], url_path="recovery/plans/<uuid:plan_id>/services")
    def recovery_plan_services(self, request: Request, public_id: str, plan_id: str) -> Response:
        """A service of the plan, in the community where it can be, for the child or for a
        member of the family of this case (RR-3, RR-5)."""
        case, plan = _plan(request, public_id, plan_id)
        payload = s.PlanServiceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        service = reintegration_services.plan_service_add(
            case=case,
            actor=request.user,
            plan=plan,
            family_member=_member(case, data.pop("family_member", None)),
            **data,
        )
        return _created(s.PlanServiceSerializer, service, request, case)

    @extend_schema(request=s.PlanReviewInputSerializer, responses={201: s.PlanReviewSerializer})
    @action(detail=True, methods=["post"], url_path="recovery/plans/<uuid:plan_id>/reviews")
    def recovery_plan_reviews(self, request: Request, public_id: str, plan_id: str) -> Response:
        """A review of the plan: the progress, the child's view, the next review date (RR-5)."""
        case, plan = _plan(request, public_id, plan_id)
        payload = s.PlanReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        review = reintegration_services.plan_review_record(
            case=case, actor=request.user, plan=plan, **data
        )
        return _created(s.PlanReviewSerializer, review, request, case)

    @extend_schema(request=s.VisitInputSerializer, responses={201: s.FollowUpVisitSerializer})
    @action(detail=True, methods=["post"], url_path="recovery/plans/<uuid:plan_id>/visits")
    def recovery_plan_visits(self, request: Request, public_id: str, plan_id: str) -> Response:
        """A follow-up visit: what was seen, what the child said, when the next one is (RR-5)."""
        case, plan = _plan(request, public_id, plan_id)
        payload = s.VisitInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        visit = reintegration_services.visit_record(
            case=case, actor=request.user, plan=plan, **data
        )
        return _created(s.FollowUpVisitSerializer, visit, request, case)

    # --- when the child cannot be reached (RR-6) ---

    @extend_schema(
        request=s.ContactAttemptInputSerializer, responses={201: s.ContactAttemptSerializer}
    )
    @action(detail=True, methods=["post"], url_path="recovery/contact-attempts")
    def recovery_contact_attempts(self, request: Request, public_id: str) -> Response:
        """An attempt to reach a child the case has lost touch with. Closing as "contact lost"
        is refused (422, RR-6) until three are recorded on different days, in two ways."""
        case = _writer(request, public_id)
        payload = s.ContactAttemptInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        attempt = reintegration_services.contact_attempt_record(
            case=case, actor=request.user, **payload.validated_data
        )
        return _created(s.ContactAttemptSerializer, attempt, request, case)

    # --- back in exploitation (RR-6) ---

    @extend_schema(
        request=s.RetraffickingInputSerializer, responses={201: s.RetraffickingSerializer}
    )
    @action(detail=True, methods=["post"], url_path="recovery/retrafficking")
    def recovery_retrafficking(self, request: Request, public_id: str) -> Response:
        """The child was found back in exploitation (RR-6). It is recorded on the child's own
        case, never as a new child; a closed case reopens to protection in the same write."""
        case = _writer(request, public_id)
        payload = s.RetraffickingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        event = reintegration_services.retrafficking_record(case=case, actor=request.user, **data)
        return _created(s.RetraffickingSerializer, event, request, case)
