"""The reports API, under /api/v1/reports/: the statistics, suppressed exactly as the page shows
them (CC-16, DP-10), and releases of statistics (DP-12): ask for one, authorise it, download it.

Every write is the service the pages call; a release the caller may not see answers 404, one
they see but may not act on 403. The statistics carry no name, ID or agency (DP-10)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api.schema import error_response
from haven.cases.access import agencies_where
from haven.core.forms import CHOICES_MAX_COUNT
from haven.reports import selectors, services, snapshots
from haven.reports.forms import ALL_TIME, period_year
from haven.reports.models import Release, ReleaseFormat, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class StatisticsSerializer(serializers.Serializer):
    k = serializers.IntegerField(help_text="Counts from 1 to k-1 are hidden (null).")
    year = serializers.IntegerField(allow_null=True)
    counted_at = serializers.DateTimeField(
        help_text="When these figures were counted. They are counted again every hour or so "
        "(HAVEN_STATISTICS_MAX_AGE); a change made since shows at the next count."
    )
    tables = serializers.DictField(
        help_text='{table: {"rows": [[code, count or null]], "total": count or null}}'
    )
    measures_at_hearings = serializers.DictField(
        help_text="The child-friendly measures requested, granted and applied at hearings, per "
        'authority (VW-4): {"k": k, "groups": [{"authority": name or null for the authorities '
        'few children went to, "rows": [[measure, requested, granted, applied]]}]}, each count '
        "from 1 to k-1 null."
    )


class ReleaseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    requested_by = serializers.CharField(source="requested_by.public_id", read_only=True)
    agencies = serializers.IntegerField(source="agency_count", read_only=True)
    authorised = serializers.IntegerField(source="authorised_count", read_only=True)
    figures = serializers.JSONField(read_only=True)

    class Meta:
        model = Release
        fields = [
            "id",
            "year",
            "tables",
            "purpose",
            "format",
            "requested_by",
            "created_at",
            "agencies",
            "authorised",
            "figures",
        ]


class ReleaseInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, allow_null=True, default=None)
    tables = serializers.ListField(
        child=serializers.ChoiceField(choices=Table.choices),
        default=list(Table.values),
        max_length=CHOICES_MAX_COUNT,
    )
    purpose = serializers.CharField(max_length=2000)
    format = serializers.ChoiceField(choices=ReleaseFormat.choices, default=ReleaseFormat.CSV)


class AuthoriseInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


def _year(request: Request) -> int | None:
    from django.core.exceptions import ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    value = request.query_params.get("year", "")
    if value in ("", ALL_TIME) and "year" in request.query_params:
        return None
    if value == "":
        return timezone.localdate().year
    try:
        year = period_year(value)
    except ValueError as exc:
        raise ValidationError({"year": _("Give a year, or “all”.")}) from exc
    services._validate_year(year)
    return year


class ReportsViewSet(viewsets.ViewSet):
    """List-level routes only."""

    def _release(self, request: Request, release_id: str) -> Release:
        release = selectors.releases_for_user(request.user).filter(public_id=release_id).first()
        if release is None:
            raise Http404
        return release

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year", OpenApiTypes.STR, description="A year, or “all” (default: this year)"
            )
        ],
        responses={
            200: StatisticsSerializer,
            400: error_response(400, "The year is not a year of the statistics."),
        },
    )
    @action(detail=False, methods=["get"])
    def statistics(self, request: Request) -> Response:
        """Counts of children by the groups that are often overlooked (CC-16), and the gap
        between the child-friendly measures requested and applied at hearings per authority
        (VW-4), with small cells hidden (null) as in any release (DP-10)."""
        agencies = selectors.statistics_agencies(request.user)
        if not agencies:
            raise PermissionDenied
        year = _year(request)
        # As on the statistics page: the last count, or one made now (haven.reports.snapshots).
        shown = snapshots.shown([a.pk for a in agencies], year)
        return Response(
            {
                "k": shown.figures["k"],
                "year": year,
                "counted_at": shown.counted_at,
                "tables": shown.figures["tables"],
                "measures_at_hearings": shown.measures,
            }
        )

    @extend_schema(methods=["get"], responses=ReleaseSerializer(many=True))
    @extend_schema(
        methods=["post"], request=ReleaseInputSerializer, responses={201: ReleaseSerializer}
    )
    @action(detail=False, methods=["get", "post"])
    def releases(self, request: Request) -> Response:
        """GET: the releases the caller asked for or may authorise. POST: ask for a release
        (DP-12); its figures are frozen, suppressed, now."""
        user: Any = request.user
        if not (
            agencies_where(user, Capability.VIEW_STATISTICS)
            or agencies_where(user, Capability.AUTHORISE_RELEASE)
        ):
            raise PermissionDenied
        if request.method == "GET":
            rows = selectors.releases_for_user(user)[:100]
            return Response(ReleaseSerializer(rows, many=True).data)
        payload = ReleaseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        release = services.release_request(actor=user, **payload.validated_data)
        release = self._release(request, str(release.public_id))
        return Response(ReleaseSerializer(release).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=ReleaseSerializer)
    @action(detail=False, methods=["get"], url_path="releases/<uuid:release_id>")
    def release(self, request: Request, release_id: str) -> Response:
        return Response(ReleaseSerializer(self._release(request, release_id)).data)

    @extend_schema(request=AuthoriseInputSerializer, responses=ReleaseSerializer)
    @action(detail=False, methods=["post"], url_path="releases/<uuid:release_id>/authorise")
    def release_authorise(self, request: Request, release_id: str) -> Response:
        """Authorise the release for the caller's agencies (DP-12). Refused (403) to the person
        who asked for it."""
        release = self._release(request, release_id)
        payload = AuthoriseInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.release_authorise(release=release, actor=request.user, **payload.validated_data)
        return Response(ReleaseSerializer(self._release(request, release_id)).data)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX): OpenApiTypes.BINARY,
            400: error_response(400, "Not every agency counted has authorised it yet."),
        }
    )
    @action(detail=False, methods=["get"], url_path="releases/<uuid:release_id>/download")
    def release_download(self, request: Request, release_id: str) -> HttpResponse:
        """The release's file, for whoever asked for it, once every agency counted has
        authorised it (400 before)."""
        release = self._release(request, release_id)
        name, content_type, content = services.release_download(release=release, actor=request.user)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
