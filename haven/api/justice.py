"""The API for the child as a victim-witness (VW-1 … VW-8), under /api/v1/cases/<id>/
proceedings/: detail routes of a case, on the same services as the Justice page
(haven.justice.services), with the same helpers as the placement and protection routes.

Every record here is a legal matter. The case is loaded through haven.cases.access (404 when
the caller may not see it); a caller who sees it but may not read legal matters on it is
answered 404 as well, on every route, reads and writes alike, so that nothing tells them the
child is in a proceeding (DP-1); one who may read them but lacks the capability gets 403,
before the payload is looked at. Records are looked up only within the case, through
haven.justice.selectors; lists log the read (DP-3)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api import justice_serializers as s
from haven.api.protection import _context, _determination
from haven.audit.services import log_read
from haven.cases.access import access_case_reading, require
from haven.cases.models import Case
from haven.consent import selectors as consent_selectors
from haven.consent.models import InformationSession
from haven.core.sensitivity import Sensitivity
from haven.justice import selectors
from haven.justice import services as justice_services
from haven.justice.models import ChildInProceeding

# What a PATCH of a proceeding may change, and where each value is kept.
_PROCEEDING_FIELDS = (
    "kind",
    "authority",
    "reference",
    "stage",
    "opened_on",
    "closed_on",
    "prosecutor",
    "accused",
    "defence",
)
_PART_FIELDS = ("role", "child_lawyer")
_COMPENSATION_FIELDS = (
    "claimed_on",
    "currency",
    "amount_claimed",
    "amount_awarded",
    "awarded_on",
    "amount_paid",
    "held_for_child",
    "held_by",
)


def _legal_case(request: Request, public_id: str, capability: str | None = None) -> Case:
    """The case, for a caller who may read legal matters on it: 404 when they may not see the
    case or may not read legal matters there (the same answer as for a case that does not
    exist), 403 when they may but lack `capability`."""
    capabilities = () if capability is None else (capability,)
    return access_case_reading(request.user, public_id, Sensitivity.LEGAL, *capabilities)


def _part(
    request: Request, public_id: str, part_id: str, capability: str | None = None
) -> tuple[Case, ChildInProceeding]:
    case = _legal_case(request, public_id, capability)
    return case, selectors.part_for(request.user, case, part_id)


def _part_out(request: Request, case: Case, part: ChildInProceeding) -> dict[str, Any]:
    """The child's part as the list shows it, read again with everything it holds."""
    shown = selectors.parts(case).get(pk=part.pk)
    return s.ChildInProceedingSerializer(shown, context=_context(request, case)).data


def _session(case: Case, public_id: UUID) -> InformationSession | None:
    """The information session of this case with this ID. One of another case is not looked
    up: the service refuses None in its words, naming the field (VW-2)."""
    return consent_selectors.information_sessions(case).filter(public_id=public_id).first()


def _support_user(case: Case, public_id: UUID | None) -> Any:
    """A Haven user assigned to the case as support person (VW-3); anyone else is refused with
    the service's words."""
    if public_id is None:
        return None
    user = selectors.support_people(case).filter(public_id=public_id).first()
    if user is None:
        raise ValidationError(
            {"support_user": _("Assign this person to the case as support person first.")}
        )
    return user


def _created(serializer: Any, row: Any, request: Request, case: Case) -> Response:
    return Response(
        serializer(row, context=_context(request, case)).data, status=status.HTTP_201_CREATED
    )


class JusticeViewSet(viewsets.ViewSet):
    """Detail routes only: they hang off a case, like CaseViewSet's."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    # --- the child's proceedings (VW-1) ---

    @extend_schema(methods=["get"], responses=s.ChildInProceedingSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.ProceedingInputSerializer,
        responses={201: s.ChildInProceedingSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def proceedings(self, request: Request, public_id: str) -> Response:
        """The proceedings connected with the case, latest first: for each, the child's part,
        the proceeding, its hearings and events, and for this child only the decisions about
        taking part, attendance at hearings, statements, updates, reprisal risks and
        compensation. POST records a new proceeding and the child's role in it."""
        if request.method == "GET":
            case = _legal_case(request, public_id)
            log_read(user=request.user, what="justice.list", case=case)
            rows = selectors.parts(case)
            return Response(
                s.ChildInProceedingSerializer(rows, many=True, context=_context(request, case)).data
            )
        case = _legal_case(request, public_id, Capability.RECORD_LEGAL)
        payload = s.ProceedingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        part = justice_services.proceeding_open(
            case=case, actor=request.user, **payload.validated_data
        )
        return Response(_part_out(request, case, part), status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.ProceedingSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="proceedings/joinable")
    def proceedings_joinable(self, request: Request, public_id: str) -> Response:
        """Proceedings this child may be added to: those recorded on the lead agency's other
        cases on which the caller may read legal matters, not already the child's. Only what
        concerns the proceeding itself; nothing of the other children in it."""
        case = _legal_case(request, public_id, Capability.RECORD_LEGAL)
        rows = selectors.joinable(request.user, case)
        return Response(
            s.ProceedingSerializer(rows, many=True, context=_context(request, case)).data
        )

    @extend_schema(
        request=s.ProceedingJoinSerializer, responses={201: s.ChildInProceedingSerializer}
    )
    @action(detail=True, methods=["post"], url_path="proceedings/join")
    def proceedings_join(self, request: Request, public_id: str) -> Response:
        """Add the child to a proceeding already recorded for another child (one trafficker,
        several victims). A proceeding that is not among the joinable ones is not found."""
        case = _legal_case(request, public_id, Capability.RECORD_LEGAL)
        payload = s.ProceedingJoinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        proceeding = (
            selectors.joinable(request.user, case).filter(public_id=data.pop("proceeding")).first()
        )
        if proceeding is None:
            raise Http404
        part = justice_services.proceeding_join(
            case=case, actor=request.user, proceeding=proceeding, **data
        )
        return Response(_part_out(request, case, part), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.ChildInProceedingSerializer)
    @extend_schema(
        methods=["patch"],
        request=s.ProceedingInputSerializer,
        responses=s.ChildInProceedingSerializer,
    )
    @action(detail=True, methods=["get", "patch"], url_path="proceedings/<uuid:part_id>")
    def proceeding(self, request: Request, public_id: str, part_id: str) -> Response:
        """The child's part in one proceeding. PATCH changes the proceeding (its stage, above
        all) and the child's part in it; fields left out keep their value. The proceeding is
        shared: the alerts of every child in it are re-evaluated."""
        if request.method == "GET":
            case, part = _part(request, public_id, part_id)
            log_read(user=request.user, what="justice.view", case=case)
            return Response(_part_out(request, case, part))
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        payload = s.ProceedingInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        current = part.proceeding
        updated = justice_services.proceeding_update(
            case=case,
            actor=request.user,
            part=part,
            **{name: data.get(name, getattr(current, name)) for name in _PROCEEDING_FIELDS},
            **{name: data.get(name, getattr(part, name)) for name in _PART_FIELDS},
        )
        return Response(_part_out(request, case, updated))

    # --- hearings and events (VW-6, VW-7) ---

    @extend_schema(request=s.HearingInputSerializer, responses={201: s.HearingSerializer})
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/hearings")
    def proceeding_hearings(self, request: Request, public_id: str, part_id: str) -> Response:
        """A hearing date of the proceeding: every child in it is told within 48 hours (VW-6),
        and their reprisal risk reviewed before it (VW-7)."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        payload = s.HearingInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        hearing = justice_services.hearing_record(
            case=case, actor=request.user, part=part, **payload.validated_data
        )
        return _created(s.HearingSerializer, hearing, request, case)

    @extend_schema(
        request=s.ProceedingEventInputSerializer, responses={201: s.ProceedingEventSerializer}
    )
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/events")
    def proceeding_events(self, request: Request, public_id: str, part_id: str) -> Response:
        """A verdict, a release or an appeal of the accused (or a hearing date set): every
        child in the proceeding is told within 48 hours (VW-6); on a release or verdict their
        reprisal risk is reviewed (VW-7)."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        payload = s.ProceedingEventInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        event = justice_services.event_record(
            case=case, actor=request.user, part=part, **payload.validated_data
        )
        return _created(s.ProceedingEventSerializer, event, request, case)

    # --- taking part (VW-1, VW-2, VW-8) ---

    @extend_schema(
        request=s.ParticipationInputSerializer, responses={201: s.ParticipationSerializer}
    )
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/participations")
    def proceeding_participations(self, request: Request, public_id: str, part_id: str) -> Response:
        """Whether the child takes part in one way (VW-1): after an information session of
        this case on the legal process and the right to decline (VW-2), with the three risks
        weighed and the child's views; agreeing needs a best-interests determination about
        legal participation taken on this case. Declining is recorded and changes nothing in
        the child's help (VW-8). The latest decision of a form is the one in force."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        payload = s.ParticipationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        participation = justice_services.participation_record(
            case=case,
            actor=request.user,
            part=part,
            information_session=_session(case, data.pop("information_session")),
            decision=_determination(case, data.pop("decision", None)),
            **data,
        )
        return _created(s.ParticipationSerializer, participation, request, case)

    @extend_schema(request=s.AttendanceInputSerializer, responses=s.HearingAttendanceSerializer)
    @action(
        detail=True,
        methods=["put"],
        url_path="proceedings/<uuid:part_id>/hearings/<uuid:hearing_id>/attendance",
    )
    def proceeding_attendance(
        self, request: Request, public_id: str, part_id: str, hearing_id: str
    ) -> Response:
        """The child at a hearing of the proceeding: whether they testify there (refused, 422
        VW-1, without their agreed participation in testifying), their support person (VW-3)
        and the child-friendly measures requested, granted and applied (VW-4). It replaces
        what was recorded for that hearing."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        hearing = selectors.hearing_of(part, hearing_id)
        payload = s.AttendanceInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        attendance = justice_services.attendance_record(
            case=case,
            actor=request.user,
            part=part,
            hearing=hearing,
            support_user=_support_user(case, data.pop("support_user", None)),
            **data,
        )
        return Response(
            s.HearingAttendanceSerializer(attendance, context=_context(request, case)).data
        )

    # --- statements (VW-4, VW-5, CC-6) ---

    @extend_schema(
        request=s.StatementInputSerializer, responses={201: s.ProceedingStatementSerializer}
    )
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/statements")
    def proceeding_statements(self, request: Request, public_id: str, part_id: str) -> Response:
        """A statement, testimony or cross-examination for the proceeding: an interview, counted
        in the child's retellings (CC-6, VW-5). Refused (422, VW-1) without the child's agreed
        participation in that form, and (400) without a support person, or with one on the
        accused's side (VW-3); after a video-recorded statement, a further one says why the
        recording does not serve (VW-4). Recording it is recording an interview."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_INTERVIEW)
        require(request.user, Capability.RECORD_LEGAL, case)  # evidence is a legal matter too
        payload = s.StatementInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        statement = justice_services.statement_record(
            case=case, actor=request.user, part=part, **payload.validated_data
        )
        return _created(s.ProceedingStatementSerializer, statement, request, case)

    # --- updates to the child (VW-6) ---

    @extend_schema(
        request=s.UpdateToChildInputSerializer, responses={201: s.UpdateToChildSerializer}
    )
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/updates")
    def proceeding_updates(self, request: Request, public_id: str, part_id: str) -> Response:
        """What the child (and their support person) were told about the proceeding (VW-6)."""
        case, part = _part(request, public_id, part_id, Capability.INFORM_CHILD)
        payload = s.UpdateToChildInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        update = justice_services.update_record(
            case=case, actor=request.user, part=part, **payload.validated_data
        )
        return _created(s.UpdateToChildSerializer, update, request, case)

    # --- reprisal risk (VW-7) ---

    @extend_schema(request=s.ReprisalRiskInputSerializer, responses={201: s.ReprisalRiskSerializer})
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/reprisal-risks")
    def proceeding_risks(self, request: Request, public_id: str, part_id: str) -> Response:
        """An assessment of the risk of reprisal with the measures that protect the child. A
        high risk without a measure is recorded, and raises an alert until one is (VW-7)."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        payload = s.ReprisalRiskInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        risk = justice_services.risk_record(
            case=case, actor=request.user, part=part, **payload.validated_data
        )
        return _created(s.ReprisalRiskSerializer, risk, request, case)

    # --- compensation (access to remedies) ---

    @extend_schema(request=s.CompensationInputSerializer, responses={201: s.CompensationSerializer})
    @action(detail=True, methods=["post"], url_path="proceedings/<uuid:part_id>/compensations")
    def proceeding_compensations(self, request: Request, public_id: str, part_id: str) -> Response:
        """A claim for compensation. Claiming is taking part: refused (422, VW-1) without the
        child's agreed participation in claiming."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        payload = s.CompensationInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        claim = justice_services.compensation_record(
            case=case, actor=request.user, part=part, **payload.validated_data
        )
        return _created(s.CompensationSerializer, claim, request, case)

    @extend_schema(request=s.CompensationInputSerializer, responses=s.CompensationSerializer)
    @action(
        detail=True,
        methods=["patch"],
        url_path="proceedings/<uuid:part_id>/compensations/<uuid:compensation_id>",
    )
    def proceeding_compensation(
        self, request: Request, public_id: str, part_id: str, compensation_id: str
    ) -> Response:
        """What became of a claim: awarded, paid, and the child's share held for them. Fields
        left out keep their value; never more paid than awarded, nor held than paid."""
        case, part = _part(request, public_id, part_id, Capability.RECORD_LEGAL)
        claim = selectors.compensation_of(part, compensation_id)
        payload = s.CompensationInputSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = justice_services.compensation_record(
            case=case,
            actor=request.user,
            part=part,
            compensation=claim,
            **{name: data.get(name, getattr(claim, name)) for name in _COMPENSATION_FIELDS},
        )
        return Response(s.CompensationSerializer(updated, context=_context(request, case)).data)
