"""The API. Every endpoint loads cases through haven.cases.access and writes through the same
services as the HTML pages; errors come back in the envelope of haven.api.errors."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.models import User
from haven.accounts.roles import Capability
from haven.alerts.services import alert_resolve
from haven.api import serializers as s
from haven.api.pagination import Pagination
from haven.api.versions import ETAG, VERSIONED, expected_version, with_version
from haven.audit.services import log_read
from haven.cases import merging, selectors, services, staff
from haven.cases.access import (
    access_case_as_case_worker,
    access_case_by_id,
    access_case_for,
    access_child_by_id,
    agencies_where,
    can,
    cases_for_user,
    readable,
    readable_by_case,
    record_for,
    require,
    shown_alerts,
)
from haven.cases.child_services import age_assessment_record, child_update
from haven.cases.due import due_items, scoped_cases
from haven.cases.models import Case
from haven.identification import selectors as id_selectors
from haven.identification import services as id_services
from haven.identification.models import Indicator
from haven.identification.search import find_children
from haven.safeguards import selectors as alert_selectors

_CHILD_PREFETCH = (
    "child__nationalities",
    "child__languages",
    "child__aliases",
    "child__age_assessments",
)


def _split_child(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    lists: dict[str, Any] = {
        k: data.pop(k) for k in ("nationalities", "languages", "aliases") if k in data
    }
    return data, lists


def _opening_agency(request: Request, data: dict[str, Any]) -> Any:
    """The agency a new case opens in: the one named, or the caller's only one."""
    agencies = agencies_where(request.user, Capability.REGISTER_CHILD)
    if "agency" in data:
        agency = next((a for a in agencies if a.public_id == data["agency"]), None)
    else:
        agency = agencies[0] if len(agencies) == 1 else None
    if agency is None:
        if not agencies:
            raise PermissionDenied
        raise ValidationError({"agency": "Say which of your agencies opens the case."})
    return agency


class CaseViewSet(viewsets.ViewSet):
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    pagination_class = Pagination  # `list` only (haven.api.schema documents the page)

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "all"]),
            OpenApiParameter("stage", str, enum=Case.Stage.values),
            OpenApiParameter("alerts", bool),
        ],
        responses=s.CaseSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        """Cases the caller may see: by default, those they are assigned to."""
        cases = selectors.case_list(
            request.user,
            scope=request.query_params.get("scope", "mine"),
            stage=request.query_params.get("stage", ""),
            with_alerts=request.query_params.get("alerts") in ("1", "true"),
        ).prefetch_related(*_CHILD_PREFETCH)
        paginator = self.paginator
        page = selectors.with_list_details(paginator.paginate_queryset(cases, request, view=self))
        log_read(user=request.user, what="case.list")
        context = {"readable": readable_by_case(request.user, page)}
        return paginator.get_paginated_response(
            s.CaseSerializer(page, many=True, context=context).data
        )

    @property
    def paginator(self):  # type: ignore[no-untyped-def]
        if not hasattr(self, "_paginator"):
            self._paginator = self.pagination_class()
        return self._paginator

    @extend_schema(request=s.CaseRegisterSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        """Register a child and open their case (the caller becomes the case worker)."""
        payload = s.CaseRegisterSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        agency = _opening_agency(request, data)
        child, lists = _split_child(dict(data["child"]))
        case = services.case_register(
            actor=request.user, agency=agency, child=child, summary=data.get("summary", ""), **lists
        )
        return Response(self._detail(request, case), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.NewCaseSerializer, responses={201: s.CaseDetailSerializer})
    @action(detail=True, methods=["post"], url_path="new-case")
    def new_case(self, request: Request, public_id: str) -> Response:
        """Open a new case for the child of this (closed) case, who has come back (RR-6): the
        child keeps their record and the count of times they told their story. Refused (422)
        while the child has a case still open."""
        earlier = access_case_by_id(request.user, public_id)
        payload = s.NewCaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = services.case_open_for_child(
            actor=request.user,
            agency=_opening_agency(request, payload.validated_data),
            earlier=earlier,
            summary=payload.validated_data.get("summary", ""),
        )
        return Response(self._detail(request, case), status=status.HTTP_201_CREATED)

    def _detail(self, request: Request, case: Case) -> dict[str, Any]:
        case = access_case_by_id(request.user, case.public_id)
        case.retellings = selectors.retelling_count(case)  # type: ignore[attr-defined]
        return s.CaseDetailSerializer(case, context={"readable": readable(request.user, case)}).data

    @extend_schema(responses=s.CaseDetailSerializer)
    def retrieve(self, request: Request, public_id: str) -> Response:
        case = access_case_by_id(request.user, public_id)
        log_read(user=request.user, what="case.view", case=case)
        return Response(self._detail(request, case))

    @extend_schema(request=s.StageChangeSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, public_id: str) -> Response:
        case = access_case_for(request.user, public_id, Capability.CHANGE_STAGE)
        payload = s.StageChangeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.case_change_stage(case=case, actor=request.user, **payload.validated_data)
        return Response(self._detail(request, case))

    @extend_schema(methods=["get"], responses=s.ClosureRequestSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.ClosureAskSerializer,
        responses={201: s.ClosureRequestSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def closures(self, request: Request, public_id: str) -> Response:
        """Requests to close the case (RR-6, CC-1). POST asks for the case to close: the
        closing checks run now, and a supervisor approves with `closures/<id>/decide/`."""
        case = access_case_by_id(request.user, public_id)
        context = {"readable": readable(request.user, case)}
        if request.method == "GET":
            log_read(user=request.user, what="case.closures", case=case)
            rows = selectors.closure_requests(case)
            return Response(s.ClosureRequestSerializer(rows, many=True, context=context).data)
        require(request.user, Capability.CHANGE_STAGE, case)
        payload = s.ClosureAskSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        asked = services.closure_request(case=case, actor=request.user, **payload.validated_data)
        return Response(
            s.ClosureRequestSerializer(asked, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.ClosureDecisionSerializer, responses=s.ClosureRequestSerializer)
    @action(detail=True, methods=["post"], url_path="closures/<uuid:request_id>/decide")
    def closure_decide(self, request: Request, public_id: str, request_id: str) -> Response:
        """A supervisor other than the person who asked approves (the case closes) or declines
        (with a note for the case worker)."""
        case = access_case_for(request.user, public_id, Capability.APPROVE_CLOSURE)
        asked = record_for(request.user, case, selectors.closure_requests(case), request_id)
        payload = s.ClosureDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decided = services.closure_decide(
            request=asked, actor=request.user, **payload.validated_data
        )
        context = {"readable": readable(request.user, case)}
        return Response(s.ClosureRequestSerializer(decided, context=context).data)

    @extend_schema(methods=["get"], responses=s.ChildMergeSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.MergeProposeSerializer,
        responses={201: s.ChildMergeSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def merges(self, request: Request, public_id: str) -> Response:
        """Merges of two records of one child that this case took part in (RR-6). POST proposes
        one with another case you may edit; a colleague confirms with `merges/<id>/decide/`."""
        case = access_case_by_id(request.user, public_id)
        context = {"readable": readable(request.user, case)}
        if request.method == "GET":
            log_read(user=request.user, what="case.merges", case=case)
            rows = merging.merges_of(case)
            return Response(s.ChildMergeSerializer(rows, many=True, context=context).data)
        require(request.user, Capability.EDIT_CASE, case)
        payload = s.MergeProposeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        other = merging.find_case_for_merge(
            request.user, public_id=payload.validated_data["other_case"]
        )
        merge = merging.merge_propose(
            actor=request.user,
            kept_case=case,
            merged_case=other,
            reason=payload.validated_data["reason"],
        )
        return Response(
            s.ChildMergeSerializer(merge, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.MergeDecideSerializer, responses=s.ChildMergeSerializer)
    @action(detail=True, methods=["post"], url_path="merges/<uuid:merge_id>/decide")
    def merge_decide(self, request: Request, public_id: str, merge_id: str) -> Response:
        """A second person confirms (the records become one) or declines, with a note."""
        case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
        merge = record_for(request.user, case, merging.merges_of(case), merge_id)
        payload = s.MergeDecideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        merge = merging.merge_decide(merge=merge, actor=request.user, **payload.validated_data)
        context = {"readable": readable(request.user, case)}
        return Response(s.ChildMergeSerializer(merge, context=context).data)

    @extend_schema(request=s.MergeUndoSerializer, responses=s.ChildMergeSerializer)
    @action(detail=True, methods=["post"], url_path="merges/<uuid:merge_id>/undo")
    def merge_undo(self, request: Request, public_id: str, merge_id: str) -> Response:
        """Undo a confirmed merge within 30 days: the cases it moved go back."""
        case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
        merge = record_for(request.user, case, merging.merges_of(case), merge_id)
        payload = s.MergeUndoSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        merge = merging.merge_undo(merge=merge, actor=request.user, **payload.validated_data)
        context = {"readable": readable(request.user, case)}
        return Response(s.ChildMergeSerializer(merge, context=context).data)

    @extend_schema(request=s.AssignSerializer, responses={201: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assignments(self, request: Request, public_id: str) -> Response:
        case = access_case_for(request.user, public_id, Capability.ASSIGN)
        payload = s.AssignSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        try:
            user = User.objects.get(public_id=data.pop("user"), is_active=True)
        except User.DoesNotExist:
            raise ValidationError({"user": "No active account has this ID."}) from None
        assignment = services.case_assign(case=case, actor=request.user, user=user, **data)
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.HandoverAskSerializer, responses={201: s.HandoverRequestSerializer})
    @action(detail=True, methods=["post"], url_path="handover-request")
    def handover_request(self, request: Request, public_id: str) -> Response:
        """The case worker asks for their case to be handed over (CC-9): leaving the agency,
        too many cases, a conflict of interest or the child asked. Only the case's case worker
        (others 403, or 404 when they cannot see the case); one open request per case, met when
        a supervisor assigns a new case worker."""
        case = access_case_as_case_worker(request.user, public_id)
        payload = s.HandoverAskSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        asked = staff.handover_request(case=case, actor=request.user, **payload.validated_data)
        context = {"readable": readable(request.user, case)}
        return Response(
            s.HandoverRequestSerializer(asked, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses=s.HandoverRequestSerializer)
    @action(detail=True, methods=["post"], url_path="handover-request/withdraw")
    def handover_request_withdraw(self, request: Request, public_id: str) -> Response:
        """The case worker withdraws their open request: they keep the case."""
        case = access_case_as_case_worker(request.user, public_id)
        asked = staff.open_handover_request(case)
        if asked is None:
            raise ValidationError(_("There is no open request to withdraw."))
        withdrawn = staff.handover_request_withdraw(request=asked, actor=request.user)
        context = {"readable": readable(request.user, case)}
        return Response(s.HandoverRequestSerializer(withdrawn, context=context).data)

    @extend_schema(methods=["get"], responses=s.InterviewSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.InterviewInputSerializer, responses={201: s.InterviewSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def interviews(self, request: Request, public_id: str) -> Response:
        case = access_case_by_id(request.user, public_id)
        context = {"readable": readable(request.user, case)}
        if request.method == "GET":
            log_read(user=request.user, what="case.interviews", case=case)
            # A statement or testimony is a legal matter (Interview.row_sensitivity, DP-1).
            rows = [i for i in case.interviews.all() if i.readable_with(context["readable"])]
            return Response(s.InterviewSerializer(rows, many=True, context=context).data)
        require(request.user, Capability.RECORD_INTERVIEW, case)
        payload = s.InterviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        interview = services.interview_record(
            case=case, actor=request.user, **payload.validated_data
        )
        return Response(
            s.InterviewSerializer(interview, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.NoteSerializer, responses={201: s.NoteSerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, public_id: str) -> Response:
        case = access_case_for(request.user, public_id, Capability.WRITE_NOTE)
        payload = s.NoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        note = services.case_note_add(
            case=case, actor=request.user, body=payload.validated_data["body"]
        )
        context = {"readable": readable(request.user, case)}
        return Response(
            s.NoteSerializer(note, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.ChildUpdateSerializer, responses=s.ChildSerializer, parameters=VERSIONED
    )
    @action(detail=True, methods=["patch"])
    def child(self, request: Request, public_id: str) -> Response:
        """Update the child's record through this case. Send the child's `version` in
        `If-Match`: when someone else changed the record since, 412 and nothing is saved."""
        case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
        payload = s.ChildUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        fields, lists = _split_child(dict(payload.validated_data))
        child = child_update(
            case=case,
            actor=request.user,
            expected_version=expected_version(request),
            **fields,
            **lists,
        )
        return with_version(
            Response(
                s.ChildSerializer(child, context={"readable": readable(request.user, case)}).data
            ),
            child,
        )

    @extend_schema(
        request=s.AgeAssessmentInputSerializer, responses={201: s.AgeAssessmentSerializer}
    )
    @action(detail=True, methods=["post"], url_path="age-assessments")
    def age_assessments(self, request: Request, public_id: str) -> Response:
        """Record an age assessment (ID-2). Completing one needs the evidence and a supervisor
        or child-protection officer; only a completed one ends the presumption of minority."""
        case = access_case_for(request.user, public_id, Capability.EDIT_CASE)
        payload = s.AgeAssessmentInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = age_assessment_record(case=case, actor=request.user, **payload.validated_data)
        context = {"readable": readable(request.user, case)}
        return Response(
            s.AgeAssessmentSerializer(assessment, context=context).data,
            status=status.HTTP_201_CREATED,
        )

    # --- identification (ID-1 … ID-7) ---

    @extend_schema(methods=["get"], responses=s.ScreeningSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.ScreeningInputSerializer, responses={201: s.ScreeningSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def screenings(self, request: Request, public_id: str) -> Response:
        case = access_case_by_id(request.user, public_id)
        context = {"readable": readable(request.user, case)}
        if request.method == "GET":
            log_read(user=request.user, what="screening.list", case=case)
            rows = id_selectors.screenings(case)
            return Response(s.ScreeningSerializer(rows, many=True, context=context).data)
        require(request.user, Capability.SCREEN, case)
        payload = s.ScreeningInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        screening = id_services.screening_record(
            case=case, actor=request.user, **payload.service_kwargs()
        )
        return Response(
            s.ScreeningSerializer(screening, context=context).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=s.FirstStepSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="first-steps")
    def first_steps(self, request: Request, public_id: str) -> Response:
        case = access_case_by_id(request.user, public_id)
        log_read(user=request.user, what="first_step.list", case=case)
        context = {"readable": readable(request.user, case)}
        rows = id_selectors.first_steps(case, context["readable"])
        return Response(s.FirstStepSerializer(rows, many=True, context=context).data)

    @extend_schema(
        request=s.StepCloseSerializer,
        responses=s.FirstStepSerializer,
        parameters=[
            OpenApiParameter("outcome", str, OpenApiParameter.PATH, enum=["done", "not-needed"])
        ],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="first-steps/<uuid:step_id>/<str:outcome>",
    )
    def first_step_close(
        self, request: Request, public_id: str, step_id: str, outcome: str
    ) -> Response:
        """Close a first step: `outcome` is "done" (with an optional note) or "not-needed"
        (with a reason)."""
        case = access_case_for(request.user, public_id, Capability.SCREEN)
        if outcome not in ("done", "not-needed"):
            raise Http404
        step = record_for(request.user, case, id_selectors.steps(case), step_id)
        payload = s.StepCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        if outcome == "done":
            id_services.first_step_done(
                step=step, actor=request.user, note=payload.validated_data.get("note", "")
            )
        else:
            id_services.first_step_not_needed(
                step=step,
                actor=request.user,
                reason=payload.validated_data.get("reason", ""),
                reason_code=payload.validated_data.get("reason_code", ""),
            )
        context = {"readable": readable(request.user, case)}
        rows = id_selectors.first_steps(case, context["readable"])
        row = next(r for r in rows if r["step"].pk == step.pk)
        return Response(s.FirstStepSerializer(row, context=context).data)

    @extend_schema(request=s.StatusSerializer, responses=s.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def decide_status(self, request: Request, public_id: str) -> Response:
        """The competent authority's decision on the child's status (HTCDS)."""
        case = access_case_for(request.user, public_id, Capability.DECIDE_STATUS)
        payload = s.StatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        id_services.trafficking_status_decide(
            case=case, actor=request.user, **payload.validated_data
        )
        return Response(self._detail(request, case))


class ChildViewSet(viewsets.ViewSet):
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    @extend_schema(responses=s.ChildSerializer, parameters=[ETAG])
    def retrieve(self, request: Request, public_id: str) -> Response:
        """A child's record, with what the caller may read on any of the child's cases."""
        child = access_child_by_id(request.user, public_id)

        cases = list(cases_for_user(request.user).filter(child=child))
        classes: frozenset = frozenset().union(*readable_by_case(request.user, cases).values())
        log_read(user=request.user, what="child.view", child=child, case=cases[0])
        return with_version(
            Response(s.ChildSerializer(child, context={"readable": classes}).data), child
        )

    @extend_schema(request=s.ChildSearchSerializer, responses=s.ChildSearchResultSerializer)
    @action(detail=False, methods=["post"])
    def search(self, request: Request) -> Response:
        """Is this child already known? Matching cases you can see; for others, only the
        agencies that hold a possible match (ID-7, DP-2)."""
        require(request.user, Capability.REGISTER_CHILD)
        payload = s.ChildSearchSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        result = find_children(request.user, **payload.validated_data)
        log_read(user=request.user, what="child.search")
        return Response(
            {
                "cases": [
                    {
                        "id": str(case.public_id),
                        "reference": case.reference,
                        "score": round(score, 3),
                    }
                    for case, score in result.visible
                ],
                "elsewhere": [
                    {"agency": name, "country": country, "phone": phone}
                    for name, country, phone in result.elsewhere
                ],
                "in_own_agency": result.in_own_agency,
                "partial": result.partial,
            }
        )


class IndicatorViewSet(viewsets.ViewSet):
    @extend_schema(responses=s.IndicatorSerializer(many=True))
    def list(self, request: Request) -> Response:
        """The indicator library (ID-3); lists marked based_on came from a secondary source."""
        rows = Indicator.objects.filter(is_active=True)
        return Response(s.IndicatorSerializer(rows, many=True).data)


class AlertViewSet(viewsets.ViewSet):
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    pagination_class = Pagination  # `list` only (haven.api.schema documents the page)

    @extend_schema(responses=s.AlertSerializer(many=True))
    def list(self, request: Request) -> Response:
        """Open alerts on every case the caller can see, most severe first."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            alert_selectors.open_alerts(shown_alerts(request.user)), request, view=self
        )
        return paginator.get_paginated_response(s.AlertSerializer(page, many=True).data)

    @extend_schema(request=s.ResolveSerializer, responses=s.AlertSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, public_id: str) -> Response:
        alert = (
            alert_selectors.open_alerts(shown_alerts(request.user))
            .filter(public_id=public_id)
            .first()
        )
        if alert is None:
            raise Http404
        require(request.user, Capability.RESOLVE_ALERT, alert.case)
        payload = s.ResolveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        alert = alert_resolve(
            alert=alert, actor=request.user, reason=payload.validated_data["reason"]
        )
        return Response(s.AlertSerializer(alert).data)


class DueItemSerializer(serializers.Serializer):
    case = serializers.UUIDField(source="case.public_id")
    reference = serializers.CharField(source="case.reference")
    on = serializers.DateField(help_text="The day it falls due; before today when overdue.")
    what = serializers.CharField()
    page = serializers.CharField(source="url", help_text="The page where it is done.")


class DueViewSet(viewsets.ViewSet):
    @extend_schema(
        responses=DueItemSerializer(many=True),
        parameters=[
            OpenApiParameter(
                "scope",
                str,
                enum=["mine", "team"],
                description="team: every open case the caller may see (supervisors).",
            )
        ],
    )
    def list(self, request: Request) -> Response:
        """What falls due on the caller's cases, overdue first, up to a week ahead (CC-9)."""
        team = request.query_params.get("scope") == "team" and can(
            request.user, Capability.SEE_AGENCY_CASES
        )
        items = due_items(request.user, scoped_cases(request.user, "team" if team else "mine"))
        log_read(user=request.user, what="due.list")
        return Response(DueItemSerializer(items, many=True).data)
