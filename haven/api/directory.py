"""The directory and referrals API (CC-15, DP-2, DP-5, DP-9, DP-16).

- /api/v1/directory/offers/ — search (GET, every signed-in staff member; no nationality filter
  exists, CC-4) and add (POST, MANAGE_DIRECTORY holders of their agency);
  /api/v1/directory/offers/<id>/ — change or take off the directory (PATCH).
- /api/v1/directory/referrals/incoming/ — referrals waiting for the caller's agencies: service,
  urgency, age band, gender, languages and reason, never the child's name or the case (DP-9);
  .../<id>/accept/ and .../<id>/decline/.
- /api/v1/cases/<id>/referrals/ — a case's referrals (GET) and sending one (POST), for callers
  who may refer on the case; .../referrals/<rid>/withdraw/ and .../close/.

Refusals come back in the error envelope: DP-5 (no consent in force naming the receiving agency,
and no legal basis; also when accepting) and DP-16 as 422 with `measure_id`. Every read
is logged (DP-3); every write is the service the pages call."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.models import Agency
from haven.accounts.roles import Capability
from haven.api.schema import error_response
from haven.api.versions import VERSIONED, expected_version, with_version
from haven.audit.services import log_read
from haven.cases.access import access_case_for, agencies_where, require
from haven.children.models import Gender
from haven.consent.selectors import sharing_consents
from haven.core.forms import (
    CHOICES_MAX_COUNT,
    CODE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from haven.core.sensitivity import Sensitivity
from haven.directory import selectors, services
from haven.directory.models import (
    DeclineReason,
    LegalBasis,
    Referral,
    ReferralEndReason,
    ServiceOffer,
)
from haven.identification.codes import Exploitation
from haven.protection.models import ServiceType

# --- shapes ---------------------------------------------------------------------------------


def _codes(values: list[str]) -> str:
    return "Empty for any, or of: " + ", ".join(values) + "."


class OfferSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    agency = serializers.CharField(source="agency.name")
    service_type = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    min_age = serializers.IntegerField(allow_null=True)
    max_age = serializers.IntegerField(allow_null=True)
    genders = serializers.ListField(child=serializers.CharField())
    forms = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    area = serializers.CharField()
    country = serializers.CharField()
    contact = serializers.CharField()
    is_active = serializers.BooleanField()
    version = serializers.CharField(
        read_only=True, help_text="Send it back in If-Match with a change (lost updates)."
    )


class OfferFilterSerializer(serializers.Serializer):
    """The directory's search filters; unknown ones are ignored (there is no nationality
    filter, CC-4)."""

    service_type = serializers.CharField(max_length=60, required=False, default="")
    age = serializers.IntegerField(
        min_value=0,
        max_value=120,
        required=False,
        default=None,
        error_messages={"invalid": _("Give the age in whole years.")},
    )
    gender = serializers.CharField(max_length=30, required=False, default="")
    form = serializers.CharField(max_length=60, required=False, default="")
    country = serializers.CharField(max_length=2, required=False, default="")
    language = serializers.CharField(max_length=3, required=False, default="")


class OfferInputSerializer(serializers.Serializer):
    # Codes are checked by the service (one message for pages and API alike).
    service_type = serializers.CharField(
        max_length=CODE_MAX_LENGTH, help_text="One of: " + ", ".join(ServiceType.values)
    )
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_MAX_LENGTH
    )
    min_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    max_age = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    genders = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        max_length=CHOICES_MAX_COUNT,
        help_text=_codes(Gender.values),
    )
    forms = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX_LENGTH),
        required=False,
        max_length=CHOICES_MAX_COUNT,
        help_text=_codes(Exploitation.values),
    )
    languages = serializers.ListField(
        child=serializers.CharField(max_length=3), required=False, max_length=CHOICES_MAX_COUNT
    )
    area = serializers.CharField(required=False, allow_blank=True, max_length=200)
    country = serializers.CharField(max_length=2)
    contact = serializers.CharField(required=False, allow_blank=True, max_length=300)
    is_active = serializers.BooleanField(required=False)
    agency = serializers.UUIDField(
        required=False, help_text="Which of the caller's agencies offers it (default: the first)."
    )


class IncomingReferralSerializer(serializers.Serializer):
    """What the receiving agency sees before it accepts (DP-9): no name, no case."""

    id = serializers.UUIDField(source="public_id")
    from_agency = serializers.CharField(source="from_agency.name")
    offer = serializers.UUIDField(source="offer.public_id", allow_null=True, default=None)
    service_type = serializers.CharField()
    urgent = serializers.BooleanField()
    age_band = serializers.CharField()
    gender = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()
    data_points = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    sent_at = serializers.DateTimeField()


class AcceptedReferralSerializer(IncomingReferralSerializer):
    case = serializers.UUIDField(source="case.public_id")


class ReferralSerializer(serializers.Serializer):
    """A referral as the referring side sees it."""

    id = serializers.UUIDField(source="public_id")
    to_agency = serializers.CharField(source="to_agency.name")
    offer = serializers.UUIDField(source="offer.public_id", allow_null=True, default=None)
    service_type = serializers.CharField()
    urgent = serializers.BooleanField()
    reason = serializers.CharField()
    data_points = serializers.ListField(child=serializers.CharField())
    consent = serializers.UUIDField(source="consent.public_id", allow_null=True, default=None)
    legal_basis = serializers.CharField()
    sharing_in_force = serializers.BooleanField()
    status = serializers.CharField()
    sent_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()


class ReferralInputSerializer(serializers.Serializer):
    offer = serializers.UUIDField()
    reason = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    urgent = serializers.BooleanField(required=False, default=False)
    data_points = serializers.ListField(
        child=serializers.ChoiceField(choices=Sensitivity.choices),
        required=False,
        default=list,
        max_length=CHOICES_MAX_COUNT,
    )
    consent = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A consent to share information in force on this case that names the "
        "service's agency among its recipient_agencies (DP-5); else a legal basis.",
    )
    legal_basis = serializers.ChoiceField(
        choices=LegalBasis.choices, required=False, allow_blank=True, default=""
    )
    legal_basis_justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )


class DeclineSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(
        choices=DeclineReason.choices,
        required=False,
        help_text="Why, from the closed list (CC-8: never the child's cooperation).",
    )
    reason = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)


class ReferralEndSerializer(serializers.Serializer):
    reason_code = serializers.ChoiceField(
        choices=ReferralEndReason.choices,
        required=False,
        help_text="Why, from the closed list (CC-8: never the child's cooperation).",
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- the directory ------------------------------------------------------------------------


def _managed_agency(request: Request, public_id: UUID | None) -> Agency:
    require(request.user, Capability.MANAGE_DIRECTORY)
    agencies = agencies_where(request.user, Capability.MANAGE_DIRECTORY)
    if public_id is None:
        return agencies[0]
    chosen = next((a for a in agencies if a.public_id == public_id), None)
    if chosen is None:
        raise PermissionDenied
    return chosen


class DirectoryViewSet(viewsets.ViewSet):
    """The service directory and the referrals inbox: collection routes only."""

    @extend_schema(
        methods=["get"],
        parameters=[
            OpenApiParameter("service_type", str, enum=ServiceType.values),
            OpenApiParameter("age", int),
            OpenApiParameter("gender", str, enum=Gender.values),
            OpenApiParameter("form", str, enum=Exploitation.values),
            OpenApiParameter("country", str),
            OpenApiParameter("language", str),
        ],
        responses={
            200: OfferSerializer(many=True),
            400: error_response(400, "A filter is malformed; `fields` names it."),
        },
    )
    @extend_schema(methods=["post"], request=OfferInputSerializer, responses={201: OfferSerializer})
    @action(detail=False, methods=["get", "post"])
    def offers(self, request: Request) -> Response:
        """Search the directory (every signed-in staff member), or add a service (MANAGE_DIRECTORY).
        Unknown filters are ignored; there is no nationality filter (CC-4)."""
        if request.method == "GET":
            # The filters are input too: "²", a 5,000-digit age or a NUL byte is a 400 that
            # says which filter, never a 500.
            filters = OfferFilterSerializer(data=request.query_params)
            filters.is_valid(raise_exception=True)
            rows = selectors.search_offers(**filters.validated_data)
            log_read(user=request.user, what="directory.search")
            return Response(OfferSerializer(rows, many=True).data)
        payload = OfferInputSerializer(data=request.data)
        require(request.user, Capability.MANAGE_DIRECTORY)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        agency = _managed_agency(request, data.pop("agency", None))
        data.pop("is_active", None)
        offer = services.offer_create(actor=request.user, agency=agency, **data)
        return Response(OfferSerializer(offer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=OfferInputSerializer(partial=True),
        responses=OfferSerializer,
        parameters=VERSIONED,
    )
    @action(detail=False, methods=["patch"], url_path="offers/<uuid:offer_id>")
    def offer_update(self, request: Request, offer_id: str) -> Response:
        """Change a service of the caller's agency; `is_active: false` takes it off. Send the
        offer's `version` in `If-Match`: when someone else changed it since, 412 and nothing is
        saved."""
        require(request.user, Capability.MANAGE_DIRECTORY)
        agency_ids = [a.pk for a in agencies_where(request.user, Capability.MANAGE_DIRECTORY)]
        offer = selectors.managed_offers(agency_ids).filter(public_id=offer_id).first()
        if offer is None:
            raise Http404
        payload = OfferInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("agency", None)
        offer = services.offer_update(
            offer=offer, actor=request.user, expected_version=expected_version(request), **data
        )
        return with_version(Response(OfferSerializer(offer).data), offer)

    @extend_schema(responses=IncomingReferralSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="referrals/incoming")
    def incoming(self, request: Request) -> Response:
        """Referrals waiting for the caller's agencies (RESPOND_REFERRAL): no name, no case."""
        require(request.user, Capability.RESPOND_REFERRAL)
        rows = selectors.incoming(request.user)
        log_read(user=request.user, what="referral.incoming")
        return Response(IncomingReferralSerializer(rows, many=True).data)

    def _incoming(self, request: Request, referral_id: str) -> Referral:
        require(request.user, Capability.RESPOND_REFERRAL)
        referral = selectors.incoming_referral(request.user, referral_id)
        if referral is None:
            raise Http404
        return referral

    @extend_schema(request=None, responses=AcceptedReferralSerializer)
    @action(detail=False, methods=["post"], url_path="referrals/<uuid:referral_id>/accept")
    def accept(self, request: Request, referral_id: str) -> Response:
        """Accept: the caller gets access to the case, to the agreed data points only (DP-9).
        Refused (422, DP-5) when the consent behind it lapsed or does not name this agency."""
        referral = services.referral_accept(
            referral=self._incoming(request, referral_id), actor=request.user
        )
        return Response(AcceptedReferralSerializer(referral).data)

    @extend_schema(request=DeclineSerializer, responses=IncomingReferralSerializer)
    @action(detail=False, methods=["post"], url_path="referrals/<uuid:referral_id>/decline")
    def decline(self, request: Request, referral_id: str) -> Response:
        referral = self._incoming(request, referral_id)
        payload = DeclineSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        referral = services.referral_decline(
            referral=referral, actor=request.user, **payload.validated_data
        )
        return Response(IncomingReferralSerializer(referral).data)


# --- a case's referrals ---------------------------------------------------------------------


class CaseReferralViewSet(viewsets.ViewSet):
    """Detail routes of a case, like haven.api.protection's."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    @extend_schema(methods=["get"], responses=ReferralSerializer(many=True))
    @extend_schema(
        methods=["post"], request=ReferralInputSerializer, responses={201: ReferralSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def referrals(self, request: Request, public_id: str) -> Response:
        """The case's referrals, or send one: refused (422) without a consent in force that names
        the service's agency or a justified legal basis (DP-5), and without an approved
        data-sharing assessment (DP-16)."""
        case = access_case_for(request.user, public_id, Capability.REFER)
        if request.method == "GET":
            log_read(user=request.user, what="referral.list", case=case)
            rows = selectors.case_referrals(case)
            return Response(ReferralSerializer(rows, many=True).data)
        payload = ReferralInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        offer = ServiceOffer.objects.filter(public_id=data.pop("offer")).first()
        if offer is None:
            raise ValidationError({"offer": _("Choose a service from the directory.")})
        consent_id = data.pop("consent")
        consent = None
        if consent_id is not None:
            # Only a consent of this case is looked up; the service says why another is refused.
            consent = sharing_consents(case).filter(public_id=consent_id).first()
            if consent is None:
                raise ValidationError({"consent": _("Choose a consent recorded on this case.")})
        referral = services.referral_send(
            case=case, actor=request.user, offer=offer, consent=consent, **data
        )
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)

    def _referral(self, request: Request, public_id: str, referral_id: str) -> Referral:
        case = access_case_for(request.user, public_id, Capability.REFER)
        referral = selectors.case_referrals(case).filter(public_id=referral_id).first()
        if referral is None:
            raise Http404
        return referral

    def _ending(self, request: Request) -> dict[str, Any]:
        payload = ReferralEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        return dict(payload.validated_data)

    @extend_schema(request=ReferralEndSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="referrals/<uuid:referral_id>/withdraw")
    def referral_withdraw(self, request: Request, public_id: str, referral_id: str) -> Response:
        """Withdraw a referral, saying why (CC-8); the recipient's access ends (DP-2)."""
        referral = services.referral_withdraw(
            referral=self._referral(request, public_id, referral_id),
            actor=request.user,
            **self._ending(request),
        )
        return Response(ReferralSerializer(referral).data)

    @extend_schema(request=ReferralEndSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="referrals/<uuid:referral_id>/close")
    def referral_close(self, request: Request, public_id: str, referral_id: str) -> Response:
        """Close an accepted referral, saying why (CC-8); the recipient's access ends."""
        referral = services.referral_close(
            referral=self._referral(request, public_id, referral_id),
            actor=request.user,
            **self._ending(request),
        )
        return Response(ReferralSerializer(referral).data)


__all__ = ["CaseReferralViewSet", "DirectoryViewSet"]
