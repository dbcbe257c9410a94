"""Emergency ("break-glass") access (DP-4), under /api/v1/emergency-access/: the same services
as the pages (haven.cases.emergency).

- `list` / `create` / `end`: the caller's own emergency accesses; `create` opens a case of the
  caller's agency by its reference, with a reason, for 15 to 240 minutes (60 by default).
- `reviews` / `review`: for those who may assign the agency's cases, every emergency access to
  them but their own, with what was opened and changed meanwhile; reading one to review it is
  audited (DP-3)."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api.pagination import Pagination
from haven.audit.services import log_read
from haven.cases import emergency
from haven.cases.access import require
from haven.cases.models import EmergencyAccess, EmergencyReason
from haven.core.forms import TEXT_MAX_LENGTH


def _codes(values: list[str]) -> str:
    return "One of: " + ", ".join(v or repr(v) for v in values) + "."


class EmergencyAccessSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    case = serializers.UUIDField(source="assignment.case.public_id")
    case_reference = serializers.CharField(source="assignment.case.reference")
    holder = serializers.UUIDField(source="assignment.user.public_id")
    reason = serializers.CharField(help_text=_codes(EmergencyReason.values))
    started_at = serializers.DateTimeField(source="assignment.started_at")
    expires_at = serializers.DateTimeField(source="assignment.expires_at")
    ended_at = serializers.DateTimeField(source="assignment.ended_at", allow_null=True)
    active = serializers.SerializerMethodField()
    pages_opened = serializers.IntegerField(
        help_text="Pages and records the holder opened on the case while it lasted."
    )
    changes_made = serializers.IntegerField(
        help_text="Changes the holder made to the case while it lasted."
    )
    reviewed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(help_text=_codes(["", *EmergencyAccess.Outcome.values]))

    def get_active(self, obj: EmergencyAccess) -> bool:
        return emergency.is_active(obj)


class EmergencyAccessDetailSerializer(EmergencyAccessSerializer):
    """With what the holder wrote and the review note: for the holder and the reviewer."""

    detail = serializers.CharField()
    review_note = serializers.CharField()


class OpenInputSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=20, help_text="The case's reference, as HV-ABC3DEF."
    )
    # Codes and limits are checked by the service, in the same words as the page.
    reason = serializers.CharField(max_length=20, help_text=_codes(EmergencyReason.values))
    detail = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    minutes = serializers.IntegerField(
        default=emergency.DEFAULT_MINUTES,
        min_value=0,
        max_value=10_000,
        help_text=_codes([str(m) for m in emergency.MINUTES_CHOICES]),
    )


class ReviewInputSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=20, help_text=_codes(EmergencyAccess.Outcome.values))
    review_note = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH, default=""
    )


class EmergencyAccessViewSet(viewsets.ViewSet):
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    pagination_class = Pagination

    def _page(self, request: Request, rows: QuerySet[EmergencyAccess]) -> Response:
        paginator = self.pagination_class()
        page: list[EmergencyAccess] | None = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(EmergencyAccessSerializer(page, many=True).data)

    @extend_schema(responses=EmergencyAccessSerializer(many=True))
    def list(self, request: Request) -> Response:
        """The caller's own emergency accesses, newest first."""
        return self._page(request, emergency.own(request.user))

    @extend_schema(request=OpenInputSerializer, responses={201: EmergencyAccessDetailSerializer})
    def create(self, request: Request) -> Response:
        """Open a case of the caller's agency in an emergency (DP-4)."""
        require(request.user, Capability.BREAK_GLASS)
        payload = OpenInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        access = emergency.emergency_access_open(
            actor=request.user,
            reference=data["reference"],
            reason=data["reason"],
            detail=data["detail"],
            minutes=data["minutes"],
        )
        access = emergency.own_access(request.user, access.public_id)
        return Response(
            EmergencyAccessDetailSerializer(access).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=None, responses=EmergencyAccessDetailSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, public_id: str) -> Response:
        """End one's own emergency access before it expires."""
        access = emergency.own_access(request.user, public_id)
        emergency.emergency_access_end(access=access, actor=request.user)
        return Response(
            EmergencyAccessDetailSerializer(emergency.own_access(request.user, public_id)).data
        )

    @extend_schema(responses=EmergencyAccessSerializer(many=True))
    @action(detail=False, methods=["get"])
    def reviews(self, request: Request) -> Response:
        """Emergency accesses to the agency's cases by others, as the review page lists them:
        every one waiting for review (oldest first, up to 200), then the 50 last reviewed."""
        require(request.user, Capability.ASSIGN)
        rows = [
            *emergency.waiting_for_review(request.user)[:200],
            *emergency.reviewed(request.user)[:50],
        ]
        return Response(EmergencyAccessSerializer(rows, many=True).data)

    @extend_schema(request=ReviewInputSerializer, responses=EmergencyAccessDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, public_id: str) -> Response:
        """Record a supervisor's review: justified or not (a note is needed when not)."""
        access = emergency.access_for_review(request.user, public_id)
        payload = ReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        emergency.emergency_access_review(
            access=access,
            actor=request.user,
            outcome=payload.validated_data["outcome"],
            note=payload.validated_data["review_note"],
        )
        log_read(user=request.user, what="emergency.review", case=access.assignment.case)
        return Response(
            EmergencyAccessDetailSerializer(
                emergency.access_for_review(request.user, public_id)
            ).data
        )
