"""The agencies and how to reach them (/api/v1/agencies/).

- GET: every agency with its phone numbers, e-mail and address, for any staff member: whom to
  call about a possible match, a referral or a case handed over. Nothing here is child data.
- POST: a system administrator adds an agency.
- PATCH /api/v1/agencies/<id>/: its contact details, by a system administrator or the agency's
  own administrator; send its `version` in `If-Match` (412 when someone changed it since).

Every write is the service the Agencies page calls."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts import services
from haven.accounts.access import memberships
from haven.accounts.models import Agency, OrganisationType
from haven.accounts.roles import Capability
from haven.api.versions import VERSIONED, expected_version, with_version
from haven.cases.access import require


class AgencySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(max_length=200)
    organisation_type = serializers.ChoiceField(choices=OrganisationType.choices)
    country = serializers.CharField(max_length=2, help_text="ISO 3166 code, e.g. TH.")
    is_child_protection_authority = serializers.BooleanField(required=False, default=False)
    time_zone = serializers.CharField(max_length=64, required=False, default="Asia/Bangkok")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    hotline = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text="A number answered day and night, for a child in danger.",
    )
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )


class AgencyContactsSerializer(serializers.Serializer):
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    hotline = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)


class AgencyViewSet(viewsets.ViewSet):
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    @extend_schema(responses=AgencySerializer(many=True))
    def list(self, request: Request) -> Response:
        """Every agency and how to reach it."""
        if not memberships(request.user):
            raise PermissionDenied
        rows = Agency.objects.order_by("country", "name")
        return Response(AgencySerializer(rows, many=True).data)

    @extend_schema(request=AgencySerializer, responses={201: AgencySerializer})
    def create(self, request: Request) -> Response:
        """Add an agency (system administrators)."""
        require(request.user, Capability.MANAGE_AGENCIES)
        payload = AgencySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agency = services.agency_create(actor=request.user, **payload.validated_data)
        return Response(AgencySerializer(agency).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AgencyContactsSerializer, responses=AgencySerializer, parameters=VERSIONED
    )
    def partial_update(self, request: Request, public_id: str) -> Response:
        """Change an agency's contact details."""
        agency = Agency.objects.filter(public_id=public_id).first()
        if agency is None or not services.may_edit_agency(request.user, agency):
            raise Http404
        payload = AgencyContactsSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        agency = services.agency_contacts_update(
            actor=request.user,
            agency=agency,
            expected_version=expected_version(request),
            **payload.validated_data,
        )
        return with_version(Response(AgencySerializer(agency).data), agency)
