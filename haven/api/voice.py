"""Children's feedback and complaints (CC-12) and concerns about practitioners (CC-13), under
/api/v1/feedback/.

Handlers (HANDLE_FEEDBACK) list and read their agency's feedback; concerns only the holders of
HANDLE_CONCERNS (the safeguarding lead). A row the caller may not read answers 404. The list
carries no message; reading one (retrieve) is audited like the page (DP-3). `record` is for
practitioners who write down what a child told them, optionally on a case they can open. Every
write is the service the pages call."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api.pagination import Pagination
from haven.api.schema import error_response
from haven.cases.access import access_case_by_id, agencies_where, require
from haven.voice import selectors, services
from haven.voice.models import Channel, Feedback, Kind, Mood, Status


def _codes(values: list[str]) -> str:
    return "One of: " + ", ".join(v or repr(v) for v in values) + "."


class FeedbackSummarySerializer(serializers.Serializer):
    """What the list shows: no message, no contact hint."""

    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    kind = serializers.CharField(help_text=_codes(Kind.values))
    channel = serializers.CharField(help_text=_codes(Channel.values))
    language = serializers.CharField(help_text="ISO 639 code.")
    mood = serializers.CharField(help_text=_codes(["", *Mood.values]))
    status = serializers.CharField(help_text=_codes(Status.values))
    anonymous = serializers.BooleanField()
    wants_contact = serializers.BooleanField()
    received_at = serializers.DateTimeField()
    overdue = serializers.SerializerMethodField()

    def get_overdue(self, obj: Feedback) -> bool:
        value = getattr(obj, "overdue", None)
        return bool(value) if value is not None else selectors.is_overdue(obj)


class FeedbackSerializer(FeedbackSummarySerializer):
    message = serializers.CharField()
    contact_hint = serializers.CharField()
    case_reference = serializers.SerializerMethodField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    def get_case_reference(self, obj: Feedback) -> str | None:
        return obj.case.reference if obj.case_id and obj.case else None


class RecordedSerializer(serializers.Serializer):
    """What the recorder gets back: the reference to give the child, not the handlers' view."""

    id = serializers.UUIDField(source="public_id")
    reference = serializers.CharField()
    kind = serializers.CharField(help_text=_codes(Kind.values))
    status = serializers.CharField(help_text=_codes(Status.values))


class ResolveInputSerializer(serializers.Serializer):
    resolution = serializers.CharField(allow_blank=True, max_length=4000)


class RecordInputSerializer(serializers.Serializer):
    # Codes are checked by the service, in the same words as the pages.
    kind = serializers.CharField(max_length=10, help_text=_codes(Kind.values))
    channel = serializers.CharField(
        max_length=10,
        default=Channel.IN_PERSON,
        help_text=_codes([c for c in Channel.values if c != Channel.KIOSK]),
    )
    language = serializers.CharField(max_length=3, help_text="ISO 639 code.")
    mood = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text=_codes(Mood.values)
    )
    message = serializers.CharField(max_length=4000)
    anonymous = serializers.BooleanField(default=True)
    wants_contact = serializers.BooleanField(default=False)
    contact_hint = serializers.CharField(required=False, allow_blank=True, max_length=200)
    case = serializers.UUIDField(required=False, allow_null=True)
    agency = serializers.UUIDField(required=False, allow_null=True)
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class FeedbackViewSet(viewsets.ViewSet):
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    pagination_class = Pagination  # `list` only (haven.api.schema documents the page)

    def _handler(self, request: Request) -> None:
        require(request.user, Capability.HANDLE_FEEDBACK)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=Status.values, required=False),
            OpenApiParameter("kind", enum=Kind.values, required=False),
        ],
        responses=FeedbackSummarySerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        """Feedback the caller handles, overdue complaints first (CC-12). No messages."""
        self._handler(request)
        rows = selectors.with_overdue(selectors.feedback_for_user(request.user))
        if request.query_params.get("status") in Status.values:
            rows = rows.filter(status=request.query_params["status"])
        if request.query_params.get("kind") in Kind.values:
            rows = rows.filter(kind=request.query_params["kind"])
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(FeedbackSummarySerializer(page, many=True).data)

    def _get(self, request: Request, public_id: str) -> Feedback:
        return selectors.access_feedback_by_id(request.user, public_id)

    @extend_schema(responses=FeedbackSerializer)
    def retrieve(self, request: Request, public_id: str) -> Response:
        """One entry with what the child said; the read is audited (DP-3)."""
        feedback = self._get(request, public_id)
        services.feedback_read(feedback=feedback, actor=request.user)
        return Response(FeedbackSerializer(feedback).data)

    @extend_schema(request=None, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, public_id: str) -> Response:
        feedback = services.feedback_acknowledge(
            feedback=self._get(request, public_id), actor=request.user
        )
        return Response(FeedbackSerializer(feedback).data)

    @extend_schema(request=ResolveInputSerializer, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, public_id: str) -> Response:
        """Close it with what was done, in writing (CC-12); an empty text is refused."""
        feedback = self._get(request, public_id)
        payload = ResolveInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        feedback = services.feedback_resolve(
            feedback=feedback, actor=request.user, resolution=payload.validated_data["resolution"]
        )
        return Response(FeedbackSerializer(feedback).data)

    @extend_schema(
        request=RecordInputSerializer,
        responses={
            201: RecordedSerializer,
            404: error_response(
                404, "The case or agency named is not one the caller may record feedback for."
            ),
        },
    )
    @action(detail=False, methods=["post"])
    def record(self, request: Request) -> Response:
        """Record what a child told a practitioner (CC-12, CC-13)."""
        require(request.user, Capability.RECORD_FEEDBACK)
        payload = RecordInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(payload.validated_data)
        case_id = data.pop("case", None)
        data["case"] = access_case_by_id(request.user, case_id) if case_id else None
        agency_id = data.pop("agency", None)
        if agency_id is not None:
            agency = next(
                (
                    a
                    for a in agencies_where(request.user, Capability.RECORD_FEEDBACK)
                    if a.public_id == agency_id
                ),
                None,
            )
            if agency is None:
                raise Http404
            data["agency"] = agency
        feedback = services.feedback_record(actor=request.user, **data)
        return Response(RecordedSerializer(feedback).data, status=status.HTTP_201_CREATED)
