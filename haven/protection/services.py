"""Every write about protection and support (DESIGN idea 1): best-interests decisions,
guardianship, needs and strengths, services. One transaction each: check the actor may act,
validate, run the blocking safeguards, save, audit, re-evaluate the case's alerts."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
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
from haven.core.forms import EARLIEST_YEAR, validate_event_date
from haven.decisions import rules as decision_rules
from haven.decisions.models import Decision
from haven.decisions.services import check_determination
from haven.protection import placement_rules as rules_placement
from haven.protection import rules
from haven.protection.models import (
    CLOSED,
    CONSENT_NEEDED,
    DECIDED,
    SHELTERS,
    Charge,
    Domain,
    FamilyContact,
    Guardian,
    GuardianAppointment,
    HealthProcedure,
    LibertyChallenge,
    NeedsAssessment,
    NeedsFinding,
    NotDeliveredReason,
    Placement,
    PlacementReview,
    PlacementType,
    Recipient,
    Restriction,
    Service,
    ServiceStatus,
    ServiceType,
    SpecialNeed,
)
from haven.safeguards.engine import reevaluate

# Under this age a child is "very young" and needs special attention (CC-5, CC-11).
VERY_YOUNG_AGE = 6


def _required(values: Mapping[str, str], messages: Mapping[str, Any]) -> dict[str, Any]:
    return {field: message for field, message in messages.items() if not values[field].strip()}


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


@transaction.atomic
def guardian_appointment_end(
    *, appointment: GuardianAppointment, actor: Any, ended_on: date, reason: str
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
    appointment.end_reason = reason.strip()
    appointment.updated_by = actor
    appointment.save(update_fields=["ended_on", "end_reason", "updated_by", "updated_at"])
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


def _check_consent(case: Case, service: Service) -> None:
    """PS-4: care that needs consent goes ahead only with consent in force, a best-interests
    determination, or — in an emergency — an urgent reason, with the determination to follow."""
    from haven.consent.selectors import consent_in_force

    if not service.consent_purpose or service.status not in _GOING_AHEAD:
        return
    if service.urgent_reason or service.decision_id:
        return  # the determination, if any, was checked in _validate_service
    rules.NO_FORCED_CARE.check(in_force=consent_in_force(case, service.consent_purpose))


_GOING_AHEAD = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED)


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
    if service.decision_id:
        # PS-4: for care that needs consent, only a determination about medical care without
        # consent stands in for it.
        check_determination(
            service.case_id,
            service.decision,
            medical=bool(CONSENT_NEEDED.get(HealthProcedure(service.health_procedure or "other")))
            and service.recipient == Recipient.CHILD,
        )
    rules.HELP_NOT_CONDITIONAL.check(reason=service.reason_detail)
    service.consent_purpose = (
        CONSENT_NEEDED.get(HealthProcedure(service.health_procedure), "")
        if service.health_procedure and service.recipient == Recipient.CHILD
        else ""
    )


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
) -> Service:
    """Move a service on (under way, completed, declined, not delivered). Care that needs
    consent cannot go ahead once consent is withdrawn (PS-4)."""
    require(actor, Capability.RECORD_SERVICE, service.case)
    lock_case(service.case)
    service = (
        Service.objects.select_for_update(of=("self",)).select_related("case").get(pk=service.pk)
    )
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


# ---------------------------------------------------------------- placements (ND-1 … ND-5)


def _check_review_date(review_on: date | None, *, since: date, field: str) -> None:
    """ND-3: a review date is required, not in the past, and within the longest interval."""
    from django.conf import settings

    rules_placement.SHELTER_REVIEW.check(review_on=review_on)
    assert review_on is not None
    today = timezone.localdate()
    if review_on < today:
        raise ValidationError({field: _("The review date cannot be in the past.")})
    latest = max(since, today) + timedelta(days=settings.HAVEN_SHELTER_REVIEW_MAX_DAYS)
    if review_on > latest:
        raise ValidationError(
            {
                field: _("Review within %(days)d days: by %(date)s at the latest.")
                % {"days": settings.HAVEN_SHELTER_REVIEW_MAX_DAYS, "date": latest.isoformat()}
            }
        )


def _overlap(case: Case, start_on: date, end_on: date | None, exclude_pk: int | None) -> Any:
    """A recorded placement of this case that overlaps [start_on, end_on)."""
    others = Placement.objects.filter(case=case)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    q = Q(end_on__isnull=True) | Q(end_on__gt=start_on)
    if end_on is not None:
        q &= Q(start_on__lt=end_on)
    return others.filter(q).order_by("start_on").first()


_PLACEMENT_FIELDS = ["type", "start_on", "end_on", "review_on", "decision"]


@transaction.atomic
def placement_record(
    *,
    case: Case,
    actor: Any,
    type: str,
    facility: str,
    start_on: date,
    end_on: date | None = None,
    review_on: date | None = None,
    decision: Decision | None = None,
    urgent_reason: str = "",
) -> Placement:
    """Record where the child lives from `start_on`. The placement the child is in now ends
    that day (the child moves). Detention is recorded because it happens, and raises ND-2's
    critical alert; a shelter needs a review date (ND-3); a placement decision rests on a
    best-interests determination or, when urgent, the reason it could not wait (CC-1)."""
    require(actor, Capability.RECORD_PLACEMENT, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    if type not in PlacementType.values:
        errors["type"] = _("Choose where the child lives from the list.")
    if not facility.strip():
        errors["facility"] = _("Write the facility or household.")
    if end_on is not None and start_on and end_on < start_on:
        errors["end_on"] = _("A placement cannot end before it starts.")
    if type in DECIDED and decision is None and len(urgent_reason.strip()) < 10:
        errors["decision"] = _(
            "Choose the best-interests determination that decided this placement, or say why "
            "it could not wait (the determination then follows)."
        )
    if errors:
        raise ValidationError(errors)
    validate_event_date(start_on, "start_on")
    if decision is not None:
        check_determination(case.pk, decision)
    if type in SHELTERS and end_on is None:
        _check_review_date(review_on, since=start_on, field="review_on")
    # The child moves: the open-ended placement the child is in ends the day the new one
    # starts (a child held by the police this morning is in a shelter this afternoon). A past,
    # closed period never ends the current placement: it must not overlap it.
    current = (
        Placement.objects.select_for_update()
        .filter(case=case, end_on__isnull=True, start_on__lte=start_on)
        .first()
        if end_on is None
        else None
    )
    clash = _overlap(case, start_on, end_on, exclude_pk=current.pk if current else None)
    if clash is not None:
        if clash.end_on:
            message = _(
                "This overlaps the placement “%(type)s” from %(start)s to %(end)s. A child "
                "lives in one place at a time: correct the dates."
            )
        else:
            message = _(
                "This overlaps the placement “%(type)s” since %(start)s. A child lives in one "
                "place at a time: correct the dates."
            )
        raise ValidationError(
            {
                "start_on": message
                % {
                    "type": clash.get_type_display(),
                    "start": clash.start_on.isoformat(),
                    "end": clash.end_on.isoformat() if clash.end_on else "",
                }
            }
        )
    if current is not None:
        _end_placement(current, actor=actor, end_on=start_on, reason=_("The child moved."))
    placement = Placement.objects.create(
        case=case,
        type=type,
        facility=facility.strip(),
        start_on=start_on,
        end_on=end_on,
        review_on=review_on if type in SHELTERS else None,
        decision=decision,
        urgent_reason="" if decision else urgent_reason.strip(),
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="placement.record",
        obj=placement,
        case=case,
        changes=diff({}, snapshot(placement, _PLACEMENT_FIELDS)),
    )
    reevaluate(case, Placement)
    return placement


def _end_placement(placement: Placement, *, actor: Any, end_on: date, reason: str) -> None:
    before = snapshot(placement, ["end_on"])
    placement.end_on = end_on
    placement.end_reason = str(reason)[:300]
    placement.updated_by = actor
    placement.save(update_fields=["end_on", "end_reason", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="placement.end",
        obj=placement,
        case=placement.case,
        changes=diff(before, snapshot(placement, ["end_on"])),
    )


@transaction.atomic
def placement_end(*, placement: Placement, actor: Any, end_on: date, reason: str) -> Placement:
    """End a placement without recording the next one (the child went missing, turned 18)."""
    require(actor, Capability.RECORD_PLACEMENT, placement.case)
    lock_case(placement.case)
    placement = Placement.objects.select_related("case").get(pk=placement.pk)
    if placement.end_on is not None:
        raise ValidationError(_("This placement has already ended."))
    if len(reason.strip()) < 5:
        raise ValidationError({"reason": _("Say why it ended.")})
    validate_event_date(end_on, "end_on")
    if end_on < placement.start_on:
        raise ValidationError({"end_on": _("A placement cannot end before it starts.")})
    _end_placement(placement, actor=actor, end_on=end_on, reason=reason.strip())
    reevaluate(placement.case, Placement)
    return placement


@transaction.atomic
def placement_link_decision(*, placement: Placement, actor: Any, decision: Decision) -> Placement:
    """Link the determination that followed an urgent placement (CC-1)."""
    require(actor, Capability.RECORD_PLACEMENT, placement.case)
    lock_case(placement.case)
    placement = Placement.objects.select_related("case", "decision").get(pk=placement.pk)
    check_determination(placement.case_id, decision)
    if placement.decision_id is not None:
        raise ValidationError(
            {"decision": _("A determination is already linked to this placement.")}
        )
    placement.decision = decision
    placement.updated_by = actor
    placement.save(update_fields=["decision", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="placement.decision",
        obj=placement,
        case=placement.case,
        changes={"decision": [None, str(decision.public_id)]},
    )
    reevaluate(placement.case, Placement)
    return placement


@transaction.atomic
def placement_review_record(
    *,
    placement: Placement,
    actor: Any,
    reviewed_on: date,
    still_in_best_interests: bool,
    next_review_on: date | None,
    child_views: str = "",
    child_views_not_obtained: str = "",
    notes: str = "",
) -> PlacementReview:
    """Review a shelter placement (ND-3): hear the child (CC-2), decide whether it is still in
    their best interests, and set the next review, within the longest interval."""
    require(actor, Capability.RECORD_PLACEMENT, placement.case)
    lock_case(placement.case)
    placement = Placement.objects.select_related("case").get(pk=placement.pk)
    if placement.type not in SHELTERS or placement.end_on is not None:
        raise ValidationError(_("Only a shelter placement the child is in now is reviewed here."))
    decision_rules.CHILD_VIEWS_HEARD.check(
        child_views=child_views, not_obtained_reason=child_views_not_obtained
    )
    validate_event_date(reviewed_on, "reviewed_on")
    if reviewed_on < placement.start_on:
        raise ValidationError({"reviewed_on": _("The review cannot come before the placement.")})
    _check_review_date(next_review_on, since=reviewed_on, field="next_review_on")
    review = PlacementReview.objects.create(
        placement=placement,
        reviewed_on=reviewed_on,
        child_views=child_views.strip(),
        child_views_not_obtained="" if child_views.strip() else child_views_not_obtained.strip(),
        still_in_best_interests=still_in_best_interests,
        notes=notes.strip(),
        next_review_on=next_review_on,
        reviewed_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    before = snapshot(placement, ["review_on"])
    placement.review_on = next_review_on
    placement.updated_by = actor
    placement.save(update_fields=["review_on", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="placement.review",
        obj=review,
        case=placement.case,
        changes={
            **diff(before, snapshot(placement, ["review_on"])),
            "still_in_best_interests": [None, still_in_best_interests],
        },
    )
    reevaluate(placement.case, PlacementReview, Placement)
    return review


@transaction.atomic
def restriction_record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    description: str,
    decided_by: str,
    start_on: date,
    review_on: date | None,
    justification: str = "",
    placement: Placement | None = None,
) -> Restriction:
    """Record a restriction on the child (ND-4). It is recorded even without a justification —
    it is a fact — and then raises an alert until one is written; it always has a review date."""
    require(actor, Capability.RECORD_PLACEMENT, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    if kind not in Restriction.Kind.values:
        errors["kind"] = _("Choose what is restricted.")
    if not description.strip():
        errors["description"] = _("Describe the restriction.")
    if not decided_by.strip():
        errors["decided_by"] = _("Say who decided it.")
    if review_on is None:
        errors["review_on"] = _("Give a date to review the restriction (ND-4).")
    elif review_on < timezone.localdate():
        errors["review_on"] = _("The review date cannot be in the past.")
    if placement is not None and placement.case_id != case.pk:
        errors["placement"] = _("Choose a placement of this child.")
    if errors:
        raise ValidationError(errors)
    assert review_on is not None
    validate_event_date(start_on, "start_on")
    restriction = Restriction.objects.create(
        case=case,
        placement=placement,
        kind=kind,
        description=description.strip(),
        justification=justification.strip(),
        decided_by=decided_by.strip()[:200],
        start_on=start_on,
        review_on=review_on,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="restriction.record",
        obj=restriction,
        case=case,
        changes={
            "kind": [None, kind],
            "justified": [None, bool(justification.strip())],
            "review_on": [None, review_on],
        },
    )
    reevaluate(case, Restriction)
    return restriction


@transaction.atomic
def restriction_review(
    *,
    restriction: Restriction,
    actor: Any,
    lift: bool,
    on: date,
    justification: str = "",
    review_on: date | None = None,
) -> Restriction:
    """Review a restriction (ND-4): lift it, or keep it with a justification and a new date."""
    require(actor, Capability.RECORD_PLACEMENT, restriction.case)
    lock_case(restriction.case)
    restriction = (
        Restriction.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=restriction.pk)
    )
    if restriction.ended_on is not None:
        raise ValidationError(_("This restriction was already lifted."))
    validate_event_date(on, "on")
    if on < restriction.start_on:
        raise ValidationError({"on": _("The review cannot come before the restriction began.")})
    before = snapshot(restriction, ["review_on", "ended_on"])
    if lift:
        restriction.ended_on = on
    else:
        if len(justification.strip()) < 10:
            raise ValidationError(
                {"justification": _("Say why the restriction is still in the child's interests.")}
            )
        if review_on is None or review_on <= max(on, timezone.localdate()):
            raise ValidationError({"review_on": _("Give the next review date, after today.")})
        restriction.justification = justification.strip()
        restriction.review_on = review_on
    restriction.updated_by = actor
    restriction.save()
    record_event(
        actor=actor,
        action="restriction.review",
        obj=restriction,
        case=restriction.case,
        changes=diff(before, snapshot(restriction, ["review_on", "ended_on"])),
    )
    reevaluate(restriction.case, Restriction)
    return restriction


@transaction.atomic
def family_contact_record(
    *,
    case: Case,
    actor: Any,
    with_whom: str,
    means: str,
    frequency: str,
    start_on: date,
    supervised: bool = False,
    child_views: str = "",
) -> FamilyContact:
    """Record how the child keeps in touch with family (ND-4): a right, restricted only in the
    child's best interests (as a restriction of family contact)."""
    require(actor, Capability.RECORD_PLACEMENT, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    if not with_whom.strip():
        errors["with_whom"] = _("Say with whom.")
    if means not in FamilyContact.Means.values:
        errors["means"] = _("Choose how.")
    if not frequency.strip():
        errors["frequency"] = _("Say how often.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(start_on, "start_on")
    contact = FamilyContact.objects.create(
        case=case,
        with_whom=with_whom.strip(),
        means=means,
        frequency=frequency.strip()[:100],
        supervised=supervised,
        child_views=child_views.strip(),
        start_on=start_on,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="family_contact.record",
        obj=contact,
        case=case,
        changes={"means": [None, means], "supervised": [None, supervised]},
    )
    reevaluate(case, FamilyContact)
    return contact


@transaction.atomic
def charge_record(
    *,
    case: Case,
    actor: Any,
    offence: str,
    authority: str,
    status: str,
    recorded_on: date,
    description: str = "",
) -> Charge:
    """Record a charge, sanction or proceeding against the child (ND-1). For a presumed child
    victim it raises the non-punishment alert until legal assistance is recorded and the
    principle has been raised with the authority."""
    require(actor, Capability.RECORD_LEGAL, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    if offence not in Charge.Offence.values:
        errors["offence"] = _("Choose the offence.")
    if status not in Charge.Status.values:
        errors["status"] = _("Choose the status.")
    if not authority.strip():
        errors["authority"] = _("Say which authority.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(recorded_on, "recorded_on")
    charge = Charge.objects.create(
        case=case,
        offence=offence,
        description=description.strip(),
        authority=authority.strip()[:200],
        status=status,
        recorded_on=recorded_on,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="charge.record",
        obj=charge,
        case=case,
        changes={"offence": [None, offence], "status": [None, status]},
    )
    reevaluate(case, Charge)
    return charge


@transaction.atomic
def charge_update(
    *,
    charge: Charge,
    actor: Any,
    status: str,
    non_punishment_raised_on: date | None = None,
    non_punishment_raised_with: str = "",
) -> Charge:
    """Move a charge on, and record that the non-punishment principle was raised (ND-1)."""
    require(actor, Capability.RECORD_LEGAL, charge.case)
    lock_case(charge.case)
    charge = Charge.objects.select_for_update(of=("self",)).select_related("case").get(pk=charge.pk)
    if status not in Charge.Status.values:
        raise ValidationError({"status": _("Choose the status.")})
    if non_punishment_raised_on is not None:
        validate_event_date(non_punishment_raised_on, "non_punishment_raised_on")
        if not non_punishment_raised_with.strip():
            raise ValidationError(
                {"non_punishment_raised_with": _("Say with whom the principle was raised.")}
            )
    fields = ["status", "non_punishment_raised_on"]
    before = snapshot(charge, fields)
    charge.status = status
    if non_punishment_raised_on is not None:
        charge.non_punishment_raised_on = non_punishment_raised_on
        charge.non_punishment_raised_with = non_punishment_raised_with.strip()[:200]
    charge.updated_by = actor
    charge.save()
    record_event(
        actor=actor,
        action="charge.update",
        obj=charge,
        case=charge.case,
        changes=diff(before, snapshot(charge, fields)),
    )
    reevaluate(charge.case, Charge)
    return charge


@transaction.atomic
def liberty_challenge_record(
    *, placement: Placement, actor: Any, lodged_on: date, lodged_with: str, lodged_by: str
) -> LibertyChallenge:
    """Record a challenge to the child's deprivation of liberty (ND-5)."""
    require(actor, Capability.RECORD_LEGAL, placement.case)
    lock_case(placement.case)
    if placement.type not in CLOSED:
        raise ValidationError(_("A challenge can be recorded only for a closed placement."))
    errors = _required(
        {"lodged_with": lodged_with, "lodged_by": lodged_by},
        {
            "lodged_with": _("Say with which court or authority."),
            "lodged_by": _("Say who lodged it."),
        },
    )
    if errors:
        raise ValidationError(errors)
    validate_event_date(lodged_on, "lodged_on")
    if lodged_on < placement.start_on:
        raise ValidationError({"lodged_on": _("The challenge cannot come before the placement.")})
    challenge = LibertyChallenge.objects.create(
        placement=placement,
        lodged_on=lodged_on,
        lodged_with=lodged_with.strip()[:200],
        lodged_by=lodged_by.strip()[:200],
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="liberty_challenge.record",
        obj=challenge,
        case=placement.case,
        changes={"lodged_on": [None, lodged_on]},
    )
    reevaluate(placement.case, LibertyChallenge)
    return challenge


@transaction.atomic
def liberty_challenge_decide(
    *, challenge: LibertyChallenge, actor: Any, decided_on: date, outcome: str
) -> LibertyChallenge:
    """Record the decision on a challenge (ND-5): the time to a decision is reported."""
    require(actor, Capability.RECORD_LEGAL, challenge.placement.case)
    lock_case(challenge.placement.case)
    challenge = (
        LibertyChallenge.objects.select_for_update(of=("self",))
        .select_related("placement__case")
        .get(pk=challenge.pk)
    )
    if challenge.decided_on is not None:
        raise ValidationError(_("The decision is already recorded."))
    if outcome not in LibertyChallenge.Outcome.values:
        raise ValidationError({"outcome": _("Choose the decision.")})
    validate_event_date(decided_on, "decided_on")
    if decided_on < challenge.lodged_on:
        raise ValidationError({"decided_on": _("The decision cannot come before the challenge.")})
    challenge.decided_on = decided_on
    challenge.outcome = outcome
    challenge.updated_by = actor
    challenge.save(update_fields=["decided_on", "outcome", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="liberty_challenge.decide",
        obj=challenge,
        case=challenge.placement.case,
        changes={"decided_on": [None, decided_on], "outcome": [None, outcome]},
    )
    reevaluate(challenge.placement.case, LibertyChallenge)
    return challenge
