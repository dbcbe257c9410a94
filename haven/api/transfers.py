"""Handing a case over to another agency (RR-7, DP-5, DP-9, DP-16), on the same services as the
pages (haven.directory.transfers).

- `GET`/`POST /api/v1/cases/{id}/transfers/`: the sending agency's record of its transfers, or
  a request; `POST …/transfers/{transfer_id}/withdraw/`. Only someone who may approve the
  case's closing (a supervisor) may: a caller who may not sees 404 for a case they cannot see,
  403 otherwise.
- `GET /api/v1/directory/transfers/incoming/`: requests waiting for the caller's agencies, with
  no name and no case (DP-9); `POST …/transfers/{transfer_id}/accept/` (201, the new case's
  ID) and `…/decline/`.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.models import Agency
from haven.accounts.roles import Capability
from haven.audit.services import log_read
from haven.cases.access import access_case_for, require
from haven.consent.selectors import sharing_consents
from haven.core.forms import CHOICES_MAX_COUNT, TEXT_MAX_LENGTH
from haven.core.sensitivity import Sensitivity
from haven.decisions.selectors import return_determinations
from haven.directory import selectors, transfers
from haven.directory.models import LegalBasis, Transfer, TransferKind


class TransferSerializer(serializers.Serializer):
    """A transfer as the sending agency keeps it: what it sent, to whom, on what basis."""

    id = serializers.UUIDField(source="public_id")
    to_agency = serializers.CharField(source="to_agency.name")
    kind = serializers.CharField()
    reason = serializers.CharField()
    data_points = serializers.ListField(child=serializers.CharField())
    consent = serializers.UUIDField(source="consent.public_id", allow_null=True, default=None)
    legal_basis = serializers.CharField()
    status = serializers.CharField()
    asked_at = serializers.DateTimeField(source="created_at")
    answered_at = serializers.DateTimeField(source="decided_at", allow_null=True)
    answer = serializers.CharField(source="decision_note")
    new_case_reference = serializers.CharField(
        source="new_case.reference", allow_null=True, default=None
    )


class IncomingTransferSerializer(serializers.Serializer):
    """What the receiving agency reads before it accepts (DP-9): no name, no case."""

    id = serializers.UUIDField(source="public_id")
    from_agency = serializers.CharField(source="from_agency.name")
    kind = serializers.CharField()
    age_band = serializers.CharField()
    reason = serializers.CharField()
    data_points = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    asked_at = serializers.DateTimeField(source="created_at")


class AcceptedTransferSerializer(IncomingTransferSerializer):
    case = serializers.UUIDField(source="new_case.public_id")


class TransferInputSerializer(serializers.Serializer):
    to_agency = serializers.UUIDField(help_text="Public ID of the receiving agency.")
    kind = serializers.ChoiceField(choices=TransferKind.choices)
    reason = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)
    data_points = serializers.ListField(
        child=serializers.ChoiceField(choices=Sensitivity.choices),
        required=False,
        default=list,
        max_length=CHOICES_MAX_COUNT,
        help_text="What goes along besides the case basics and the child's record (DP-9).",
    )
    consent = serializers.UUIDField(required=False, allow_null=True, default=None)
    legal_basis = serializers.ChoiceField(
        choices=LegalBasis.choices, required=False, allow_blank=True, default=""
    )
    legal_basis_justification = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    destination_risks = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    child_views = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX_LENGTH
    )
    decision = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For a return: the determination about the return on this case.",
    )


class TransferNoteSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=TEXT_MAX_LENGTH)


def _of_case(rows: Any, public_id: Any, field: str, message: str) -> Any:
    if public_id is None:
        return None
    found = rows.filter(public_id=public_id).first()
    if found is None:
        raise ValidationError({field: message})
    return found


class CaseTransferViewSet(viewsets.ViewSet):
    """Detail routes of a case."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    @extend_schema(methods=["get"], responses=TransferSerializer(many=True))
    @extend_schema(
        methods=["post"], request=TransferInputSerializer, responses={201: TransferSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def transfers(self, request: Request, public_id: str) -> Response:
        """The case's transfers, or ask another agency to take over: refused (422) without a
        consent that names the agency or a justified legal basis (DP-5), without an approved
        data-sharing assessment (DP-16), or while the case may not close (ND-2, RR-6)."""
        case = access_case_for(request.user, public_id, Capability.APPROVE_CLOSURE)
        if request.method == "GET":
            log_read(user=request.user, what="transfer.list", case=case)
            return Response(TransferSerializer(selectors.case_transfers(case), many=True).data)
        payload = TransferInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        to_agency = _of_case(
            Agency.objects.all(), data.pop("to_agency"), "to_agency", _("Choose an agency.")
        )
        consent = _of_case(
            sharing_consents(case),
            data.pop("consent"),
            "consent",
            _("Choose a consent recorded on this case."),
        )
        decision = _of_case(
            return_determinations(case),
            data.pop("decision"),
            "decision",
            _("Choose the best-interests determination about the return taken on this case."),
        )
        transfer = transfers.transfer_request(
            case=case,
            actor=request.user,
            to_agency=to_agency,
            consent=consent,
            decision=decision,
            **data,
        )
        return Response(TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferNoteSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"], url_path="transfers/<uuid:transfer_id>/withdraw")
    def transfer_withdraw(self, request: Request, public_id: str, transfer_id: str) -> Response:
        case = access_case_for(request.user, public_id, Capability.APPROVE_CLOSURE)
        transfer = selectors.case_transfers(case).filter(public_id=transfer_id).first()
        if transfer is None:
            raise Http404
        payload = TransferNoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        transfer = transfers.transfer_withdraw(
            transfer=transfer, actor=request.user, **payload.validated_data
        )
        return Response(TransferSerializer(transfer).data)


class IncomingTransferViewSet(viewsets.ViewSet):
    """The receiving agency's side, under /api/v1/directory/."""

    @extend_schema(responses=IncomingTransferSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="transfers/incoming")
    def incoming_transfers(self, request: Request) -> Response:
        require(request.user, Capability.RESPOND_REFERRAL)
        log_read(user=request.user, what="transfer.incoming")
        rows = selectors.incoming_transfers(request.user)
        return Response(IncomingTransferSerializer(rows, many=True).data)

    def _incoming(self, request: Request, transfer_id: str) -> Transfer:
        require(request.user, Capability.RESPOND_REFERRAL)
        transfer = selectors.incoming_transfer(request.user, transfer_id)
        if transfer is None:
            raise Http404
        return transfer

    @extend_schema(request=None, responses={201: AcceptedTransferSerializer})
    @action(detail=False, methods=["post"], url_path="transfers/<uuid:transfer_id>/accept")
    def transfer_accept(self, request: Request, transfer_id: str) -> Response:
        """Take over: a case for the child opens in the caller's agency with the caller as case
        worker, and the sending case closes as handed over."""
        transfer = transfers.transfer_accept(
            transfer=self._incoming(request, transfer_id), actor=request.user
        )
        return Response(AcceptedTransferSerializer(transfer).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransferNoteSerializer, responses=IncomingTransferSerializer)
    @action(detail=False, methods=["post"], url_path="transfers/<uuid:transfer_id>/decline")
    def transfer_decline(self, request: Request, transfer_id: str) -> Response:
        transfer = self._incoming(request, transfer_id)
        payload = TransferNoteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        transfer = transfers.transfer_decline(
            transfer=transfer, actor=request.user, **payload.validated_data
        )
        return Response(IncomingTransferSerializer(transfer).data)
