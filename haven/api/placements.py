"""The API for where the child lives (ND-1 … ND-5, CC-1): detail routes under a case, on the
same services as the placement pages, with the same helpers as the protection routes."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api import placement_serializers as s
from haven.api.protection import _context, _determination, _list_or_create
from haven.api.versions import VERSIONED, expected_version, with_version
from haven.cases.access import access_case_for, record_for
from haven.cases.models import Case
from haven.placements import selectors
from haven.placements import services as placement_services
from haven.placements.models import Placement


class PlacementViewSet(viewsets.ViewSet):
    """Detail routes only: they hang off a case, like CaseViewSet's."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    # --- where the child lives (ND-1 … ND-5, CC-1) ---

    @extend_schema(methods=["get"], responses=s.PlacementSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.PlacementInputSerializer,
        responses={201: s.PlacementSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def placements(self, request: Request, public_id: str) -> Response:
        """Where the child has lived, latest first. The facility is the child's whereabouts;
        reviews carry the child's views; challenges to detention are legal information. A new
        placement ends the one the child is in (the child moves). Detention is recorded, and
        raises a critical alert escalated at once (ND-2); a shelter without a review date is
        refused (422, ND-3); a placement decided without a determination needs the reason it
        could not wait (CC-1)."""

        def create(case: Case, payload: Any) -> Any:
            data = dict(payload.validated_data)
            decision = _determination(case, data.pop("decision", None))
            return placement_services.placement_record(
                case=case, actor=request.user, decision=decision, **data
            )

        return _list_or_create(
            request,
            public_id,
            what="placement",
            rows=lambda case, context: selectors.placements(case).prefetch_related(
                "reviews__reviewed_by"
            ),
            out=s.PlacementSerializer,
            capability=Capability.RECORD_PLACEMENT,
            payload_class=s.PlacementInputSerializer,
            create=create,
        )

    def _placement(
        self, request: Request, public_id: str, placement_id: str, capability: str
    ) -> tuple[Case, Placement]:
        case = access_case_for(request.user, public_id, capability)
        return case, record_for(request.user, case, selectors.placements(case), placement_id)

    @extend_schema(request=s.PlacementEndSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"], url_path="placements/<uuid:placement_id>/end")
    def placement_end(self, request: Request, public_id: str, placement_id: str) -> Response:
        """End a placement without recording the next one (the child went missing, turned
        18). To record a move, record the new placement instead."""
        case, placement = self._placement(
            request, public_id, placement_id, Capability.RECORD_PLACEMENT
        )
        payload = s.PlacementEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ended = placement_services.placement_end(
            placement=placement, actor=request.user, **payload.validated_data
        )
        return Response(s.PlacementSerializer(ended, context=_context(request, case)).data)

    @extend_schema(request=s.PlacementDecisionSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"], url_path="placements/<uuid:placement_id>/decision")
    def placement_decision(self, request: Request, public_id: str, placement_id: str) -> Response:
        """Link the best-interests determination that followed an urgent placement (CC-1)."""
        case, placement = self._placement(
            request, public_id, placement_id, Capability.RECORD_PLACEMENT
        )
        payload = s.PlacementDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = _determination(case, payload.validated_data["decision"])
        assert decision is not None
        linked = placement_services.placement_link_decision(
            placement=placement, actor=request.user, decision=decision
        )
        return Response(s.PlacementSerializer(linked, context=_context(request, case)).data)

    @extend_schema(
        request=s.PlacementReviewInputSerializer, responses={201: s.PlacementReviewSerializer}
    )
    @action(detail=True, methods=["post"], url_path="placements/<uuid:placement_id>/reviews")
    def placement_reviews(self, request: Request, public_id: str, placement_id: str) -> Response:
        """Review the shelter placement the child is in (ND-3): refused (422, CC-2) without the
        child's views or the reason they could not be obtained, and (422, ND-3) without the
        next review date."""
        case, placement = self._placement(
            request, public_id, placement_id, Capability.RECORD_PLACEMENT
        )
        payload = s.PlacementReviewInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        review = placement_services.placement_review_record(
            placement=placement, actor=request.user, **payload.validated_data
        )
        return Response(
            s.PlacementReviewSerializer(review, context=_context(request, case)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.LibertyChallengeInputSerializer, responses={201: s.LibertyChallengeSerializer}
    )
    @action(detail=True, methods=["post"], url_path="placements/<uuid:placement_id>/challenges")
    def placement_challenges(self, request: Request, public_id: str, placement_id: str) -> Response:
        """Record a challenge to the child's deprivation of liberty in a closed placement
        (ND-5)."""
        case, placement = self._placement(request, public_id, placement_id, Capability.RECORD_LEGAL)
        payload = s.LibertyChallengeInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        challenge = placement_services.liberty_challenge_record(
            placement=placement, actor=request.user, **payload.validated_data
        )
        return Response(
            s.LibertyChallengeSerializer(challenge, context=_context(request, case)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=s.LibertyChallengeDecisionSerializer, responses=s.LibertyChallengeSerializer
    )
    @action(detail=True, methods=["post"], url_path="challenges/<uuid:challenge_id>/decision")
    def challenge_decision(self, request: Request, public_id: str, challenge_id: str) -> Response:
        """Record the decision on a challenge: the days it took are reported (ND-5)."""
        case = access_case_for(request.user, public_id, Capability.RECORD_LEGAL)
        challenge = record_for(request.user, case, selectors.challenges(case), challenge_id)
        payload = s.LibertyChallengeDecisionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        decided = placement_services.liberty_challenge_decide(
            challenge=challenge, actor=request.user, **payload.validated_data
        )
        return Response(s.LibertyChallengeSerializer(decided, context=_context(request, case)).data)

    # --- restrictions and family contact (ND-4) ---

    @extend_schema(methods=["get"], responses=s.RestrictionSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.RestrictionInputSerializer,
        responses={201: s.RestrictionSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def restrictions(self, request: Request, public_id: str) -> Response:
        """Restrictions on the child's movement, contact, communication or activities. Family
        information: a caller who may not read it gets an empty list, and an empty object for
        one they record. A restriction without a justification is recorded — it is a fact —
        and raises an alert until one is written (ND-4)."""

        def create(case: Case, payload: Any) -> Any:
            data = dict(payload.validated_data)
            placement_id = data.pop("placement", None)
            placement = None
            if placement_id is not None:
                # A placement of another case is not looked up: the same words as the service's.
                placement = selectors.placements(case).filter(public_id=placement_id).first()
                if placement is None:
                    raise ValidationError({"placement": _("Choose a placement of this child.")})
            return placement_services.restriction_record(
                case=case, actor=request.user, placement=placement, **data
            )

        return _list_or_create(
            request,
            public_id,
            what="restriction",
            rows=lambda case, context: selectors.restrictions(case).select_related("placement"),
            out=s.RestrictionSerializer,
            capability=Capability.RECORD_PLACEMENT,
            payload_class=s.RestrictionInputSerializer,
            create=create,
        )

    @extend_schema(
        request=s.RestrictionReviewSerializer,
        responses=s.RestrictionSerializer,
        parameters=VERSIONED,
    )
    @action(detail=True, methods=["post"], url_path="restrictions/<uuid:restriction_id>/review")
    def restriction_review(self, request: Request, public_id: str, restriction_id: str) -> Response:
        """Lift a restriction, or keep it with a justification and the next review date. Send
        the restriction's `version` in `If-Match`: when someone else reviewed it since, 412 and
        nothing is saved."""
        case = access_case_for(request.user, public_id, Capability.RECORD_PLACEMENT)
        context = _context(request, case)
        # Family information the caller may not read is not found (DP-1), as on the page.
        restriction = record_for(request.user, case, selectors.restrictions(case), restriction_id)
        payload = s.RestrictionReviewSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        reviewed = placement_services.restriction_review(
            restriction=restriction,
            actor=request.user,
            expected_version=expected_version(request),
            **payload.validated_data,
        )
        return with_version(
            Response(s.RestrictionSerializer(reviewed, context=context).data), reviewed
        )

    @extend_schema(methods=["get"], responses=s.FamilyContactSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.FamilyContactInputSerializer,
        responses={201: s.FamilyContactSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="family-contacts")
    def family_contacts(self, request: Request, public_id: str) -> Response:
        """How the child keeps in touch with their family: the child's right (ND-4). Family
        information: a caller who may not read it gets an empty list."""

        return _list_or_create(
            request,
            public_id,
            what="family_contact",
            rows=lambda case, context: selectors.family_contacts(case),
            out=s.FamilyContactSerializer,
            capability=Capability.RECORD_PLACEMENT,
            payload_class=s.FamilyContactInputSerializer,
            service=placement_services.family_contact_record,
        )

    # --- charges against the child (ND-1) ---

    @extend_schema(methods=["get"], responses=s.ChargeSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.ChargeInputSerializer, responses={201: s.ChargeSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def charges(self, request: Request, public_id: str) -> Response:
        """Charges, sanctions and proceedings against the child. Legal information: a caller
        who may not read it gets an empty list. For a presumed child victim an open charge
        raises the non-punishment alert until legal assistance is recorded and the principle
        has been raised with the authority (ND-1)."""

        return _list_or_create(
            request,
            public_id,
            what="charge",
            rows=lambda case, context: selectors.charges(case),
            out=s.ChargeSerializer,
            capability=Capability.RECORD_LEGAL,
            payload_class=s.ChargeInputSerializer,
            service=placement_services.charge_record,
        )

    @extend_schema(
        request=s.ChargeUpdateSerializer, responses=s.ChargeSerializer, parameters=VERSIONED
    )
    @action(detail=True, methods=["patch"], url_path="charges/<uuid:charge_id>")
    def charge_update(self, request: Request, public_id: str, charge_id: str) -> Response:
        """Move a charge on, and record that the non-punishment principle was raised with the
        authority (ND-1). Fields left out keep their value; a date, once recorded, stays. Send
        the charge's `version` in `If-Match`: when someone else changed it since, 412 and
        nothing is saved."""
        case = access_case_for(request.user, public_id, Capability.RECORD_LEGAL)
        context = _context(request, case)
        charge = record_for(request.user, case, selectors.charges(case), charge_id)
        payload = s.ChargeUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = placement_services.charge_update(
            charge=charge,
            actor=request.user,
            status=data.get("status", charge.status),
            non_punishment_raised_on=data.get("non_punishment_raised_on"),
            non_punishment_raised_with=data.get(
                "non_punishment_raised_with", charge.non_punishment_raised_with
            ),
            expected_version=expected_version(request),
        )
        return with_version(Response(s.ChargeSerializer(updated, context=context).data), updated)
