"""Every write about protection and support (DESIGN idea 1): best-interests decisions,
guardianship, needs and strengths, services. One transaction each: check the actor may act,
validate, run the blocking safeguards, save, audit, re-evaluate the case's alerts."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.models import Agency, Membership
from haven.accounts.roles import Capability, Role
from haven.audit.services import diff, record_event, snapshot
from haven.cases.access import can, require
from haven.cases.models import AssignmentRole, Case, CaseAssignment
from haven.cases.services import (
    assignment_end_for_appointment,
    assignment_for_appointment,
    lock_case,
)
from haven.children.age import age_on
from haven.children.models import DEPRIVED_OF_PARENTAL_CARE
from haven.consent import rules as consent_rules
from haven.consent.models import Purpose
from haven.consent.selectors import consent_in_force, standing_refusal
from haven.core.forms import (
    EARLIEST_YEAR,
    is_real_reason,
    real_reason_message,
    validate_event_date,
)
from haven.core.versions import check_version
from haven.decisions.models import Decision
from haven.decisions.services import check_determination
from haven.protection import rules
from haven.protection.models import (
    CONSENT_NEEDED,
    Domain,
    Guardian,
    GuardianAppointment,
    GuardianshipEndReason,
    HealthProcedure,
    NeedsAssessment,
    NeedsFinding,
    NotDeliveredReason,
    Recipient,
    Service,
    ServiceStatus,
    ServiceType,
    SpecialNeed,
)
from haven.safeguards.ending import HELP_NOT_CONDITIONAL, ends_help
from haven.safeguards.engine import reevaluate

# Under this age a child is "very young" and needs special attention (CC-5, CC-11).
VERY_YOUNG_AGE = 6


# ---------------------------------------------------------------- guardianship (PS-1, PS-2)


@transaction.atomic
def guardian_create(
    *,
    agency: Agency,
    actor: Any,
    name: str = "",
    user: Any = None,
    organisation: str = "",
    contact: str = "",
    caseload_ceiling: int | None = None,
) -> Guardian:
    """Add a person who can be appointed guardian: a Haven user with the guardian role in the
    agency, or a person outside Haven (a relative appointed by a court, a volunteer)."""
    if not Membership.objects.filter(
        user=actor, agency=agency, is_active=True, role__in=_GUARDIAN_MANAGERS
    ).exists():
        raise ValidationError({"agency": _("You cannot add guardians for this agency.")})
    if user is not None:
        if not Membership.objects.filter(
            user=user, agency=agency, role=Role.GUARDIAN, is_active=True
        ).exists():
            raise ValidationError({"user": _("This person is not a guardian in this agency.")})
        if Guardian.objects.filter(agency=agency, user=user).exists():
            raise ValidationError({"user": _("This guardian is already on the list.")})
    elif not name.strip():
        raise ValidationError({"name": _("Write the guardian's name.")})
    if caseload_ceiling is not None and caseload_ceiling < 1:
        raise ValidationError({"caseload_ceiling": _("The ceiling must be at least 1.")})
    guardian = Guardian.objects.create(
        agency=agency,
        user=user,
        name=name.strip() or (user.get_full_name() if user else ""),
        organisation=organisation.strip(),
        contact=contact.strip(),
        caseload_ceiling=caseload_ceiling,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="guardian.create",
        obj=guardian,
        changes={"user": [None, str(user.public_id) if user else None]},
    )
    return guardian


_GUARDIAN_MANAGERS = (Role.CASE_WORKER, Role.SUPERVISOR, Role.CHILD_PROTECTION_OFFICER)


def guardian_caseload(guardian: Guardian) -> int:
    return GuardianAppointment.objects.current().filter(guardian=guardian).count()


@transaction.atomic
def guardian_appoint(
    *,
    case: Case,
    actor: Any,
    guardian: Guardian,
    appointed_on: date,
    appointed_by: str,
    reason: str = "",
    over_ceiling_reason: str = "",
) -> GuardianAppointment:
    """Record a guardian's appointment (PS-1). A guardian at their caseload ceiling is refused
    unless a supervisor approves with a reason (PS-2). A guardian who uses Haven gets access to
    the case as its guardian."""
    require(actor, Capability.APPOINT_GUARDIAN, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    if guardian.agency_id != case.lead_agency_id or not guardian.is_active:
        errors["guardian"] = _("Choose an available guardian of the lead agency.")
    if not appointed_by.strip():
        errors["appointed_by"] = _("Say which court or authority appointed the guardian.")
    if case.child.parental_care not in DEPRIVED_OF_PARENTAL_CARE and len(reason.strip()) < 10:
        errors["reason"] = _(
            "The child's record does not say they are deprived of parental care. Say why a "
            "guardian is needed, or correct the child's parental care first."
        )
    if GuardianAppointment.objects.current().filter(case=case).exists():
        errors["guardian"] = _("The child already has a guardian. End that appointment first.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(appointed_on, "appointed_on")
    guardian = Guardian.objects.select_for_update().get(pk=guardian.pk)  # one count at a time
    load = guardian_caseload(guardian)
    approved_by = None
    if load >= guardian.ceiling:
        if not over_ceiling_reason.strip():
            rules.GUARDIAN_CASELOAD.check(load=load, ceiling=guardian.ceiling)
        if not can(actor, Capability.OVERRIDE_CASELOAD, case):
            raise ValidationError(
                {
                    "over_ceiling_reason": _(
                        "Only a supervisor can approve a guardian beyond the ceiling."
                    )
                }
            )
        approved_by = actor
    appointment = GuardianAppointment.objects.create(
        case=case,
        guardian=guardian,
        appointed_on=appointed_on,
        appointed_by=appointed_by.strip()[:200],
        reason=reason.strip(),
        over_ceiling_reason=over_ceiling_reason.strip() if approved_by else "",
        over_ceiling_approved_by=approved_by,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="guardian.appoint",
        obj=appointment,
        case=case,
        changes={
            "guardian": [None, str(guardian.public_id)],
            "caseload": [load, load + 1],
            "over_ceiling": [None, approved_by is not None],
        },
    )
    if guardian.user_id:
        assignment_for_appointment(
            case=case, actor=actor, user=guardian.user, role=AssignmentRole.GUARDIAN
        )
    reevaluate(case, GuardianAppointment, CaseAssignment)
    return appointment


@ends_help(reasons=GuardianshipEndReason)
@transaction.atomic
def guardian_appointment_end(
    *,
    appointment: GuardianAppointment,
    actor: Any,
    ended_on: date,
    reason: str,
    reason_code: str = "",
) -> GuardianAppointment:
    """End a guardianship (the child turned 18, returned to their parents, another guardian
    follows). A guardian who uses Haven loses access to the case with it."""
    require(actor, Capability.APPOINT_GUARDIAN, appointment.case)
    lock_case(appointment.case)
    appointment = GuardianAppointment.objects.select_related("case", "guardian").get(
        pk=appointment.pk
    )
    if appointment.ended_on is not None:
        raise ValidationError(_("This appointment has already ended."))
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why the guardianship ends.")})
    validate_event_date(ended_on, "ended_on")
    if ended_on < appointment.appointed_on:
        raise ValidationError({"ended_on": _("A guardianship cannot end before the appointment.")})
    appointment.ended_on = ended_on
    appointment.end_reason_code = reason_code
    appointment.end_reason = reason.strip()
    appointment.updated_by = actor
    appointment.save(
        update_fields=["ended_on", "end_reason_code", "end_reason", "updated_by", "updated_at"]
    )
    record_event(
        actor=actor,
        action="guardian.end",
        obj=appointment,
        case=appointment.case,
        changes={"ended_on": [None, ended_on]},
    )
    if appointment.guardian.user_id:
        assignment_end_for_appointment(
            case=appointment.case,
            actor=actor,
            user=appointment.guardian.user,
            role=AssignmentRole.GUARDIAN,
        )
    reevaluate(appointment.case, GuardianAppointment, CaseAssignment)
    return appointment


# ---------------------------------------------------------------- needs and strengths (PS-7)


def special_needs_of(case: Case, *, on: date, severe_harm: bool) -> list[str]:
    """The special needs that call for special attention (CC-5)."""
    child = case.child
    found: list[str] = []
    if child.birth_date and age_on(child.birth_date, on) < VERY_YOUNG_AGE:
        found.append(SpecialNeed.VERY_YOUNG)
    if child.has_disability:
        found.append(SpecialNeed.DISABILITY)
    if severe_harm:
        found.append(SpecialNeed.SEVERE_HARM)
    return found


@transaction.atomic
def needs_assessment_record(
    *,
    case: Case,
    actor: Any,
    assessed_on: date,
    findings: Iterable[Mapping[str, str]],
    child_views: str = "",
    severe_harm: bool = False,
    next_review_on: date | None = None,
) -> NeedsAssessment:
    """Record an assessment of needs and strengths in every domain (PS-7). Each domain gets a
    level; a need is described; and the child's strengths are recorded, not only their
    vulnerabilities. Repeat it over time: each one is kept."""
    require(actor, Capability.ASSESS_NEEDS, case)
    lock_case(case)
    rows = {row.get("domain", ""): row for row in findings}
    errors: dict[str, Any] = {}
    for domain in Domain:
        row = rows.get(domain)
        if row is None or row.get("level") not in NeedsFinding.Level.values:
            errors[f"{domain}_level"] = _("Assess this domain.")
        elif row["level"] != NeedsFinding.Level.NONE and not row.get("needs", "").strip():
            errors[f"{domain}_needs"] = _("Describe the need.")
    if set(rows) - set(Domain.values):
        errors["findings"] = _("Choose from the list.")
    if not errors and not any(rows[d].get("strengths", "").strip() for d in Domain.values):
        errors["findings"] = _(
            "Record the child's strengths and resilience too, in at least one domain (PS-7)."
        )
    if next_review_on and assessed_on and next_review_on <= assessed_on:
        errors["next_review_on"] = _("The next assessment must come after this one.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(assessed_on, "assessed_on")
    assessment = NeedsAssessment.objects.create(
        case=case,
        assessed_on=assessed_on,
        assessed_by=actor,
        child_views=child_views.strip(),
        severe_harm=severe_harm,
        special_needs=special_needs_of(case, on=assessed_on, severe_harm=severe_harm),
        next_review_on=next_review_on,
        created_by=actor,
        updated_by=actor,
    )
    NeedsFinding.objects.bulk_create(
        NeedsFinding(
            assessment=assessment,
            domain=domain,
            level=rows[domain]["level"],
            needs=rows[domain].get("needs", "").strip(),
            strengths=rows[domain].get("strengths", "").strip(),
        )
        for domain in Domain.values
    )
    record_event(
        actor=actor,
        action="needs.record",
        obj=assessment,
        case=case,
        # Levels and special needs are the child's health and history: counted, not listed.
        changes={
            "domains": [None, len(Domain.values)],
            "special_needs": [None, len(assessment.special_needs)],
        },
    )
    reevaluate(case, NeedsAssessment, NeedsFinding)
    return assessment


# ---------------------------------------------------------------- services (PS-3, PS-4, CC-8)


def _refusable_purpose(service: Service) -> str:
    """The consent purpose the child can say no to for this service (CC-3): medical care by
    its procedure, psychological support and counselling by its type."""
    if service.consent_purpose:
        return service.consent_purpose
    if service.type == ServiceType.PSYCHOLOGICAL and service.recipient == Recipient.CHILD:
        return Purpose.PSYCHOLOGICAL_SUPPORT
    return ""


def _check_consent(case: Case, service: Service) -> None:
    """PS-4, CC-3: care that needs consent goes ahead only with consent in force, a
    best-interests determination about exactly that, or — in an emergency — a real urgent
    reason, with the determination to follow. Against the child's standing "no" (medical care,
    psychological support), only a determination goes ahead, or a medical emergency."""
    purpose = _refusable_purpose(service)
    if not purpose or service.status not in _GOING_AHEAD:
        return
    if not service.consent_purpose:
        # Psychological support against the child's "no": never urgent, never decided on the
        # service itself; only an override of the refusal, which alerts the supervisor.
        consent_rules.CHILD_SAID_NO.check(refusal=standing_refusal(case, [purpose]))
        return
    if service.decision_id:
        return  # a determination about exactly this was checked in _validate_service
    if service.urgent_reason and service.consent_purpose:
        if not is_real_reason(service.urgent_reason):
            raise ValidationError({"urgent_reason": real_reason_message()})
        return  # a medical emergency: the determination follows (ps4.urgent_care_needs_bid)
    # Medical care needs consent in force: a refusal or a withdrawal is PS-4's to say.
    rules.NO_FORCED_CARE.check(in_force=consent_in_force(case, service.consent_purpose))


def _not_delivered(kwargs: Any) -> bool:
    return kwargs.get("status") == ServiceStatus.NOT_DELIVERED


_GOING_AHEAD = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED)

S = Decision.Subject
# Which determinations decide a service (CC-1, PS-6): the child's care in general, or the
# decision the service carries out. Care that needs consent is decided only by a determination
# about medical care without consent (PS-4).
_SERVICE_SUBJECTS: dict[str, tuple[str, ...]] = {
    ServiceType.ACCOMMODATION: (S.CARE, S.PLACEMENT, S.SEPARATION, S.RETURN),
    ServiceType.PSYCHOLOGICAL: (S.CARE, S.PSYCHOLOGICAL_WITHOUT_CONSENT),
    ServiceType.LEGAL: (S.CARE, S.LEGAL_PARTICIPATION),
    ServiceType.FAMILY_TRACING: (S.CARE, S.RETURN, S.SEPARATION),
}


def _subjects(service: Service) -> tuple[str, ...]:
    if service.consent_purpose:
        return (S.MEDICAL_WITHOUT_CONSENT,)
    return _SERVICE_SUBJECTS.get(service.type, (S.CARE, S.OTHER))


def _validate_service(service: Service) -> None:
    errors: dict[str, Any] = {}
    if service.type == ServiceType.HEALTH and not service.health_procedure:
        errors["health_procedure"] = _("Say what kind of health care.")
    if service.type != ServiceType.HEALTH:
        service.health_procedure = ""
    if service.recipient == Recipient.FAMILY and not service.family_member.strip():
        errors["family_member"] = _("Say which family member (their relationship to the child).")
    if service.end_on and service.end_on < service.start_on:
        errors["end_on"] = _("The service cannot end before it starts.")
    if service.start_on.year < EARLIEST_YEAR:
        errors["start_on"] = _("Check the date: the year is too long ago.")
    if service.status == ServiceStatus.NOT_DELIVERED and not service.not_delivered_reason:
        errors["not_delivered_reason"] = _("Say why it was not delivered.")
    if service.status != ServiceStatus.NOT_DELIVERED:
        service.not_delivered_reason = ""
    if (
        service.not_delivered_reason == NotDeliveredReason.OTHER
        and not service.reason_detail.strip()
    ):
        errors["reason_detail"] = _("Describe why.")
    if service.status == ServiceStatus.COMPLETED and not service.end_on:
        errors["end_on"] = _("Give the date the service ended.")
    if errors:
        raise ValidationError(errors)
    service.consent_purpose = (
        CONSENT_NEEDED.get(HealthProcedure(service.health_procedure), "")
        if service.health_procedure and service.recipient == Recipient.CHILD
        else ""
    )
    if service.decision_id:
        # PS-4: for care that needs consent, only a determination about medical care without
        # consent stands in for it.
        check_determination(service.case_id, service.decision, subjects=_subjects(service))
    HELP_NOT_CONDITIONAL.check(reason=service.reason_detail)


_SERVICE_FIELDS = [
    "recipient",
    "family_member",
    "type",
    "health_procedure",
    "provider",
    "start_on",
    "end_on",
    "status",
    "not_delivered_reason",
    "special_need",
]


# What a service is (its type, the care, for which family member, which special need) says
# something about the child: the audit trail records that it changed, not its value (DP-3).
_SERVICE_CONTENT = ("type", "health_procedure", "family_member", "special_need")


def _service_changes(
    before: Mapping[str, Any], service: Service, before_decision: int | None = None
) -> dict[str, list[Any]]:
    changes = diff(before, snapshot(service, _SERVICE_FIELDS), content_fields=_SERVICE_CONTENT)
    if service.decision_id != before_decision and service.decision is not None:
        changes["decision"] = [None, str(service.decision.public_id)]
    return changes


@ends_help(
    reasons=NotDeliveredReason,
    reason="not_delivered_reason",
    detail="reason_detail",
    when=_not_delivered,
)
@transaction.atomic
def service_record(
    *,
    case: Case,
    actor: Any,
    type: str,
    provider: str,
    start_on: date,
    status: str,
    recipient: str = Recipient.CHILD,
    family_member: str = "",
    health_procedure: str = "",
    description: str = "",
    end_on: date | None = None,
    not_delivered_reason: str = "",
    reason_detail: str = "",
    special_need: str = "",
    urgent_reason: str = "",
    decision: Decision | None = None,
) -> Service:
    """Record a service for the child or a family member (PS-3). Eligibility is need alone:
    nothing asks about cooperation with the authorities or nationality (CC-8, CC-4). Medical
    examination, testing and treatment need consent in force (PS-4)."""
    require(actor, Capability.RECORD_SERVICE, case)
    lock_case(case)
    service = Service(
        case=case,
        recipient=recipient,
        family_member=family_member.strip(),
        type=type,
        health_procedure=health_procedure,
        description=description.strip(),
        provider=provider.strip(),
        start_on=start_on,
        end_on=end_on,
        status=status,
        not_delivered_reason=not_delivered_reason,
        reason_detail=reason_detail.strip(),
        special_need=special_need,
        urgent_reason=urgent_reason.strip(),
        decision=decision,
        created_by=actor,
        updated_by=actor,
    )
    service.full_clean(exclude=["case", "decision", "consent_purpose"])
    _validate_service(service)
    _check_consent(case, service)
    service.save()
    record_event(
        actor=actor,
        action="service.record",
        obj=service,
        case=case,
        changes=_service_changes({}, service),
    )
    reevaluate(case, Service)
    return service


@ends_help(
    reasons=NotDeliveredReason,
    reason="not_delivered_reason",
    detail="reason_detail",
    when=_not_delivered,
)
@transaction.atomic
def service_update(
    *,
    service: Service,
    actor: Any,
    status: str,
    end_on: date | None = None,
    not_delivered_reason: str = "",
    reason_detail: str = "",
    decision: Decision | None = None,
    expected_version: str | None = None,
) -> Service:
    """Move a service on (under way, completed, declined, not delivered). Care that needs
    consent cannot go ahead once consent is withdrawn (PS-4). Refused when someone else saved
    the service after the version the person opened (`expected_version`, lost updates)."""
    require(actor, Capability.RECORD_SERVICE, service.case)
    lock_case(service.case)
    service = (
        Service.objects.select_for_update(of=("self",)).select_related("case").get(pk=service.pk)
    )
    check_version(service, expected_version)
    before = snapshot(service, _SERVICE_FIELDS)
    before_decision = service.decision_id
    service.status = status
    service.end_on = end_on
    service.not_delivered_reason = not_delivered_reason
    service.reason_detail = reason_detail.strip()
    if decision is not None:
        service.decision = decision
    service.updated_by = actor
    service.full_clean(exclude=["case", "decision", "consent_purpose"])
    _validate_service(service)
    _check_consent(service.case, service)
    service.save()
    record_event(
        actor=actor,
        action="service.update",
        obj=service,
        case=service.case,
        changes=_service_changes(before, service, before_decision),
    )
    reevaluate(service.case, Service)
    return service
