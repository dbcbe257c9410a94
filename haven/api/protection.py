"""The protection API, under /api/v1/cases/<id>/: consent (CC-3, PS-4, DP-5, DP-6), information
given to the child (PS-5), best-interests decisions (CC-1, CC-2, PS-6), guardianship (PS-1,
PS-2), needs and strengths (PS-7, CC-5), services (PS-3, PS-4, CC-8), and where the child lives:
placements and their reviews, restrictions, family contact, charges against the child and
challenges to detention (ND-1 … ND-5, CC-1).

As in haven.api.views: the case is loaded through haven.cases.access (404 when the caller may
not see it, 403 when they see it but may not act, before the payload is looked at); records of
the case are looked up only within it; every write is the service the pages call; lists log
the read (DP-3) and send only what the caller may read (DP-1)."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from haven.accounts.roles import Capability
from haven.api import protection_serializers as s
from haven.api.versions import VERSIONED, expected_version, with_version
from haven.audit.services import log_read
from haven.cases.access import access_case_by_id, access_case_for, readable, record_for, require
from haven.cases.models import Case
from haven.consent import selectors as consent_selectors
from haven.consent import services as consent_services
from haven.consent.models import Consent
from haven.core.sensitivity import Sensitivity as S
from haven.decisions import selectors as decision_selectors
from haven.decisions import services as decision_services
from haven.decisions.models import Decision
from haven.protection import selectors
from haven.protection import services as protection_services


def _context(request: Request, case: Case) -> dict[str, Any]:
    return {"readable": readable(request.user, case)}


def _determination(case: Case, public_id: UUID | None) -> Decision | None:
    """The decision of this case with this ID; a decision of another case is not found."""
    if public_id is None:
        return None
    decision = decision_selectors.decisions(case).filter(public_id=public_id).first()
    if decision is None:
        raise ValidationError(
            {"decision": _("Choose a best-interests determination taken on this case.")}
        )
    return decision


def _list_or_create(
    request: Request,
    public_id: str,
    *,
    what: str,
    rows: Callable[[Case, dict[str, Any]], Any],
    out: type[serializers.Serializer],
    capability: str,
    payload_class: type[serializers.Serializer],
    create: Callable[[Case, Any], Any] | None = None,
    service: Callable[..., Any] | None = None,
) -> Response:
    """What every collection under a case does: GET lists what the caller may read and logs
    the read; POST checks the capability, validates the payload and calls the service, whose
    refusals become the error envelope (400 invalid, 422 safeguard)."""
    case = access_case_by_id(request.user, public_id)
    context = _context(request, case)
    if request.method == "GET":
        log_read(user=request.user, what=f"{what}.list", case=case)
        return Response(out(rows(case, context), many=True, context=context).data)
    require(request.user, capability, case)
    payload = payload_class(data=request.data)
    payload.is_valid(raise_exception=True)
    if create is not None:
        created = create(case, payload)
    else:  # the service takes the payload as it is
        assert service is not None
        created = service(case=case, actor=request.user, **payload.validated_data)
    return Response(out(created, context=context).data, status=status.HTTP_201_CREATED)


class ProtectionViewSet(viewsets.ViewSet):
    """Detail routes only: they hang off a case, like CaseViewSet's."""

    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    # --- consent (CC-3, PS-4, DP-5, DP-6) ---

    @extend_schema(methods=["get"], responses=s.ConsentSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.ConsentInputSerializer, responses={201: s.ConsentSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def consents(self, request: Request, public_id: str) -> Response:
        """Consent per measure. A refusal is recorded like a consent, and respected: `state`
        says whether it permits the measure."""

        return _list_or_create(
            request,
            public_id,
            what="consent",
            rows=lambda case, context: consent_selectors.consents(case).prefetch_related(
                "recipient_agencies"
            ),
            out=s.ConsentSerializer,
            capability=Capability.RECORD_CONSENT,
            payload_class=s.ConsentInputSerializer,
            service=consent_services.consent_record,
        )

    def _consent(
        self, request: Request, public_id: str, consent_id: str, capability: str
    ) -> tuple[Case, Consent]:
        case = access_case_for(request.user, public_id, capability)
        return case, record_for(request.user, case, consent_selectors.consents(case), consent_id)

    @extend_schema(request=s.ConsentWithdrawSerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"], url_path="consents/<uuid:consent_id>/withdraw")
    def consent_withdraw(self, request: Request, public_id: str, consent_id: str) -> Response:
        """Withdraw a consent: from now on it permits nothing (CC-3, DP-5)."""
        case, consent = self._consent(request, public_id, consent_id, Capability.RECORD_CONSENT)
        payload = s.ConsentWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        consent = consent_services.consent_withdraw(
            consent=consent, actor=request.user, **payload.validated_data
        )
        return Response(s.ConsentSerializer(consent, context=_context(request, case)).data)

    @extend_schema(request=s.ConsentOverrideSerializer, responses=s.ConsentSerializer)
    @action(detail=True, methods=["post"], url_path="consents/<uuid:consent_id>/override")
    def consent_override(self, request: Request, public_id: str, consent_id: str) -> Response:
        """Override a refusal with a best-interests determination taken on this case; for
        medical care, one about medical care without consent (CC-3, PS-4)."""
        case, consent = self._consent(
            request, public_id, consent_id, Capability.DECIDE_BEST_INTERESTS
        )
        payload = s.ConsentOverrideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # A decision of another case is not looked up: the service refuses None in its words.
        decision = (
            decision_selectors.decisions(case)
            .filter(public_id=payload.validated_data["decision"])
            .first()
        )
        consent = consent_services.consent_override(
            consent=consent, actor=request.user, decision=decision
        )
        return Response(s.ConsentSerializer(consent, context=_context(request, case)).data)

    # --- information given to the child (PS-5) ---

    @extend_schema(methods=["get"], responses=s.InformationSessionSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.InformationSessionInputSerializer,
        responses={201: s.InformationSessionSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="information-sessions")
    def information_sessions(self, request: Request, public_id: str) -> Response:
        return _list_or_create(
            request,
            public_id,
            what="information",
            rows=lambda case, context: consent_selectors.information_sessions(case),
            out=s.InformationSessionSerializer,
            capability=Capability.INFORM_CHILD,
            payload_class=s.InformationSessionInputSerializer,
            service=consent_services.information_session_record,
        )

    @extend_schema(
        request=s.InformationSheetInputSerializer,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="information-sessions/<uuid:session_id>/sheet",
    )
    def information_sheet(self, request: Request, public_id: str, session_id: UUID) -> HttpResponse:
        """The child's written sheet of a session, as a PDF in the chosen language (PS-5)."""
        case = access_case_for(request.user, public_id, Capability.INFORM_CHILD)
        sessions = consent_selectors.information_sessions(case)
        session = record_for(request.user, case, sessions, session_id)
        session.case = case
        payload = s.InformationSheetInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pdf = consent_services.information_sheet(
            session=session, actor=request.user, **payload.validated_data
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="information-sheet.pdf"'
        return response

    # --- best interests (CC-1, CC-2, PS-6) ---

    @extend_schema(methods=["get"], responses=s.DecisionSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.DecisionInputSerializer, responses={201: s.DecisionSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def decisions(self, request: Request, public_id: str) -> Response:
        """Best-interests assessments and determinations. Refused (422, CC-2) without the
        child's views or the reason they could not be obtained."""

        def create(case: Case, payload: Any) -> Any:
            return decision_services.decision_record(
                case=case, actor=request.user, **payload.service_kwargs()
            )

        return _list_or_create(
            request,
            public_id,
            what="decision",
            rows=lambda case, context: decision_selectors.decisions(case).prefetch_related(
                "participants"
            ),
            out=s.DecisionSerializer,
            capability=Capability.DECIDE_BEST_INTERESTS,
            payload_class=s.DecisionInputSerializer,
            create=create,
        )

    # --- guardianship (PS-1, PS-2) ---

    @extend_schema(responses=s.GuardianSerializer(many=True))
    @action(detail=True, methods=["get"])
    def guardians(self, request: Request, public_id: str) -> Response:
        """The lead agency's available guardians with their caseloads (PS-2), for callers who
        may appoint one on this case."""
        case = access_case_for(request.user, public_id, Capability.APPOINT_GUARDIAN)
        rows = selectors.guardians_with_caseload(case.lead_agency_id).filter(is_active=True)
        return Response(s.GuardianSerializer(rows, many=True).data)

    @extend_schema(methods=["get"], responses=s.GuardianAppointmentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.GuardianAppointInputSerializer,
        responses={201: s.GuardianAppointmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="guardian-appointments")
    def guardian_appointments(self, request: Request, public_id: str) -> Response:
        """Guardians appointed for the child, current first. Family information: a caller who
        may not read it gets an empty list. Refused (422, PS-2) when the guardian's caseload is
        full, unless a supervisor gives a reason."""

        def create(case: Case, payload: Any) -> Any:
            data = dict(payload.validated_data)
            guardian = (
                selectors.guardians_with_caseload(case.lead_agency_id)
                .filter(public_id=data.pop("guardian"))
                .first()
            )
            if guardian is None:
                raise ValidationError(
                    {"guardian": _("Choose an available guardian of the lead agency.")}
                )
            return protection_services.guardian_appoint(
                case=case, actor=request.user, guardian=guardian, **data
            )

        return _list_or_create(
            request,
            public_id,
            what="guardian_appointment",
            rows=lambda case, context: selectors.guardian_appointments(case),
            out=s.GuardianAppointmentSerializer,
            capability=Capability.APPOINT_GUARDIAN,
            payload_class=s.GuardianAppointInputSerializer,
            create=create,
        )

    @extend_schema(request=s.GuardianEndSerializer, responses=s.GuardianAppointmentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="guardian-appointments/<uuid:appointment_id>/end",
    )
    def guardian_appointment_end(
        self, request: Request, public_id: str, appointment_id: str
    ) -> Response:
        """End a guardianship; a guardian who uses Haven loses access to the case with it."""
        case = access_case_for(request.user, public_id, Capability.APPOINT_GUARDIAN)
        appointments = selectors.guardian_appointments(case)
        appointment = record_for(request.user, case, appointments, appointment_id)
        payload = s.GuardianEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        ended = protection_services.guardian_appointment_end(
            appointment=appointment, actor=request.user, **payload.validated_data
        )
        return Response(
            s.GuardianAppointmentSerializer(ended, context=_context(request, case)).data
        )

    # --- needs and strengths (PS-7, CC-5) ---

    @extend_schema(methods=["get"], responses=s.NeedsAssessmentSerializer(many=True))
    @extend_schema(
        methods=["post"],
        request=s.NeedsAssessmentInputSerializer,
        responses={201: s.NeedsAssessmentSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="needs-assessments")
    def needs_assessments(self, request: Request, public_id: str) -> Response:
        """Needs and strengths in six domains, latest first. The child's narrative: a caller
        who may not read it gets an empty list."""

        def create(case: Case, payload: Any) -> Any:
            return protection_services.needs_assessment_record(
                case=case, actor=request.user, **payload.service_kwargs()
            )

        return _list_or_create(
            request,
            public_id,
            what="needs",
            rows=lambda case, context: selectors.needs_assessments(case),
            out=s.NeedsAssessmentSerializer,
            capability=Capability.ASSESS_NEEDS,
            payload_class=s.NeedsAssessmentInputSerializer,
            create=create,
        )

    # --- services (PS-3, PS-4, CC-8) ---

    @extend_schema(methods=["get"], responses=s.ServiceSerializer(many=True))
    @extend_schema(
        methods=["post"], request=s.ServiceInputSerializer, responses={201: s.ServiceSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def services(self, request: Request, public_id: str) -> Response:
        """Services for the child or a family member. Each is sent only to callers who may read
        its type's class (health care: health; legal assistance: legal; accommodation:
        whereabouts; family tracing: family); a service recorded by a caller who may not read
        its class is answered with an empty object. Medical examination, testing and treatment
        are refused (422, PS-4) without consent in force, a determination or an urgent reason."""

        def create(case: Case, payload: Any) -> Any:
            data = dict(payload.validated_data)
            decision = _determination(case, data.pop("decision", None))
            return protection_services.service_record(
                case=case, actor=request.user, decision=decision, **data
            )

        return _list_or_create(
            request,
            public_id,
            what="service",
            rows=lambda case, context: selectors.services(case, context["readable"]),
            out=s.ServiceSerializer,
            capability=Capability.RECORD_SERVICE,
            payload_class=s.ServiceInputSerializer,
            create=create,
        )

    @extend_schema(
        request=s.ServiceUpdateSerializer, responses=s.ServiceSerializer, parameters=VERSIONED
    )
    @action(detail=True, methods=["patch"], url_path="services/<uuid:service_id>")
    def service_update(self, request: Request, public_id: str, service_id: str) -> Response:
        """Move a service on (under way, completed, declined, not delivered). Fields left out
        keep their value; a determination, once linked, stays. Care that needs consent cannot
        go ahead without it (422, PS-4). Send the service's `version` in `If-Match`: when
        someone else changed it since, 412 and nothing is saved."""
        case = access_case_for(request.user, public_id, Capability.RECORD_SERVICE)
        context = _context(request, case)
        # A service of a class the caller may not read is not found (DP-1), as on the pages.
        found = record_for(request.user, case, selectors.services(case, S.values), service_id)
        payload = s.ServiceUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        updated = protection_services.service_update(
            service=found,
            actor=request.user,
            status=data.get("status", found.status),
            end_on=data.get("end_on", found.end_on),
            not_delivered_reason=data.get("not_delivered_reason", found.not_delivered_reason),
            reason_detail=data.get("reason_detail", found.reason_detail),
            decision=_determination(case, data.get("decision")),
            expected_version=expected_version(request),
        )
        return with_version(Response(s.ServiceSerializer(updated, context=context).data), updated)
