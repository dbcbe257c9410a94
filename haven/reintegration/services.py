"""Every write about a child's recovery and reintegration (RR-1 … RR-6, RR-8). Each is one
transaction: who may act (PLAN_REINTEGRATION on the case), validation naming the field, the
blocking safeguard of RR-3, save, audit (codes and dates, never what people said), and
re-evaluation of the rules that read what was written.

A record reached through another (a plan's review, a family member's service) must belong to
the case the person acts through: anything else is refused as if it did not exist."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import require
from haven.cases.models import Case
from haven.cases.services import case_change_stage, create_and_record, lock_case
from haven.core.forms import (
    LINE_MAX_LENGTH,
    chosen_codes,
    missing_texts,
    validate_event_date,
)
from haven.core.versions import check_version
from haven.decisions.models import Decision
from haven.decisions.services import check_determination
from haven.identification.codes import Exploitation
from haven.reintegration.models import (
    WITH_FAMILY,
    Capacity,
    ContactAttempt,
    ContactMethod,
    FamilyAssessment,
    FamilyMember,
    Finding,
    FollowUpVisit,
    Level,
    Pathway,
    PathwayKind,
    PlanKind,
    PlanReview,
    PlanService,
    ReintegrationPlan,
    Relationship,
    Retrafficking,
    RiskSource,
    SafetyPlan,
    ServiceStatus,
)
from haven.reintegration.rules import check_implicated_addressed
from haven.safeguards.engine import reevaluate


def _start(actor: Any, case: Case) -> None:
    require(actor, Capability.PLAN_REINTEGRATION, case)
    lock_case(case)


def _on_case(row: Any, case: Case, field: str) -> None:
    if row is None or row.case_id != case.pk:
        raise ValidationError({field: _("Choose a record of this child's case.")})


def _required_date(value: date | None, field: str, errors: dict[str, Any]) -> None:
    if value is None:
        errors[field] = _("Give the date.")


def _required_codes(
    values: Iterable[str], allowed: Iterable[str], field: str, errors: dict[str, Any], none: str
) -> list[str]:
    """The codes chosen from `allowed`, at least one: a code not in the list, or none at all
    (`none`, the message), is added to `errors` under `field` with the form's other errors."""
    try:
        codes = chosen_codes(values, allowed, field)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        return []
    if not codes:
        errors[field] = none
    return codes


def _after(
    later: date | None, earlier: date | None, field: str, message: str, *, strictly: bool = False
) -> None:
    """Refuse `later` before `earlier` (or on the same day, `strictly`); a missing date is
    reported by the required-field check instead."""
    if (
        later is not None
        and earlier is not None
        and (later <= earlier if strictly else later < earlier)
    ):
        raise ValidationError({field: message})


# --- family (RR-3) --------------------------------------------------------------------------------


def _member_errors(name: str, relationship: str) -> dict[str, Any]:
    errors: dict[str, Any] = missing_texts(
        {"name": name}, {"name": _("Give the name the family member is known by.")}
    )
    if relationship not in Relationship.values:
        errors["relationship"] = _("Choose who they are to the child.")
    return errors


@transaction.atomic
def family_member_record(
    *,
    case: Case,
    actor: Any,
    name: str,
    relationship: str,
    contact: str = "",
    implicated: bool = False,
    safe_contact: bool = True,
    notes: str = "",
) -> FamilyMember:
    """A member of the child's family (RR-3), implicated in the trafficking or not."""
    _start(actor, case)
    errors = _member_errors(name, relationship)
    if errors:
        raise ValidationError(errors)
    return create_and_record(
        FamilyMember,
        audited=case,
        actor=actor,
        action="reintegration.family_member_record",
        changes={"relationship": [None, relationship], "implicated": [None, implicated]},
        case=case,
        name=name.strip(),
        relationship=relationship,
        contact=contact.strip(),
        implicated=implicated,
        implicated_at=timezone.now() if implicated else None,
        safe_contact=safe_contact and not implicated,
        notes=notes.strip(),
    )


@transaction.atomic
def family_member_update(
    *,
    case: Case,
    actor: Any,
    member: FamilyMember,
    name: str,
    relationship: str,
    contact: str = "",
    implicated: bool = False,
    safe_contact: bool = True,
    notes: str = "",
    expected_version: str | None = None,
) -> FamilyMember:
    """What is known of a family member changes: above all, that they were implicated in the
    trafficking. A pathway with the family decided before that is no longer enough (RR-3's
    alert is raised at once), and contact with them is no longer recorded as safe."""
    _start(actor, case)
    _on_case(member, case, "member")
    errors = _member_errors(name, relationship)
    if errors:
        raise ValidationError(errors)
    member = FamilyMember.objects.select_for_update().get(pk=member.pk)
    check_version(member, expected_version)
    changes = {
        field: [getattr(member, field), value]
        for field, value in (("relationship", relationship), ("implicated", implicated))
        if getattr(member, field) != value
    }
    if implicated and not member.implicated:
        member.implicated_at = timezone.now()
    elif not implicated:
        member.implicated_at = None
    member.name = name.strip()
    member.relationship = relationship
    member.contact = contact.strip()
    member.implicated = implicated
    member.safe_contact = safe_contact and not implicated
    member.notes = notes.strip()
    member.updated_by = actor
    member.save()
    record_event(
        actor=actor,
        action="reintegration.family_member_update",
        obj=member,
        case=case,
        changes=changes,
    )
    reevaluate(case, FamilyMember)
    return member


@transaction.atomic
def family_assessment_record(
    *,
    case: Case,
    actor: Any,
    assessed_on: date | None,
    safety: str,
    abuse: str,
    complicity: str,
    capacity: str,
    needs: str = "",
    child_views: str = "",
) -> FamilyAssessment:
    """An assessment of the family: safety, abuse, complicity, capacity to care and needs
    (RR-3), with what the child says about their family (CC-2)."""
    _start(actor, case)
    errors: dict[str, Any] = missing_texts(
        {"child_views": child_views},
        {"child_views": _("Write what the child says about their family, in their words.")},
    )
    _required_date(assessed_on, "assessed_on", errors)
    if safety not in Level.values:
        errors["safety"] = _("Weigh the risk to the child's safety: low, medium or high.")
    for field, value in (("abuse", abuse), ("complicity", complicity)):
        if value not in Finding.values:
            errors[field] = _("Choose an answer; “not known yet” is an answer.")
    if capacity not in Capacity.values:
        errors["capacity"] = _("Choose the family's capacity to care for the child.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(assessed_on, "assessed_on")
    return create_and_record(
        FamilyAssessment,
        audited=case,
        actor=actor,
        action="reintegration.family_assessment_record",
        changes={"safety": [None, safety], "complicity": [None, complicity]},
        case=case,
        assessed_on=assessed_on,
        safety=safety,
        abuse=abuse,
        complicity=complicity,
        capacity=capacity,
        needs=needs.strip(),
        child_views=child_views.strip(),
    )


# --- the pathway (RR-1, RR-2, RR-3) ---------------------------------------------------------------


def pathway_subjects(kind: str) -> set[str]:
    """Which determinations may decide a pathway: one about the pathway itself, or about the
    return to the family (with the family) or about where the child lives (any other)."""
    other = Decision.Subject.RETURN if kind in WITH_FAMILY else Decision.Subject.PLACEMENT
    return {Decision.Subject.REINTEGRATION, other}


@transaction.atomic
def pathway_decide(
    *,
    case: Case,
    actor: Any,
    kind: str,
    decided_on: date | None,
    decision: Decision | None,
    reasons: str,
    child_views: str,
    implicated_addressed: str = "",
    last_resort_reason: str = "",
) -> Pathway:
    """The child's pathway (RR-1), decided by a best-interests determination (CC-1) with the
    child's views (CC-2). With the family, the family must have been assessed first, and every
    family member recorded as implicated in the trafficking must be addressed by a
    determination taken after Haven knew of it (RR-3, blocked otherwise). Residential care is
    the last resort: it needs the reason no family-based care serves the child."""
    _start(actor, case)
    errors: dict[str, Any] = missing_texts(
        {"reasons": reasons, "child_views": child_views},
        {
            "reasons": _("Say which needs, wishes and risks point to this pathway."),
            "child_views": _("Write the child's views, in their words (CC-2)."),
        },
    )
    if kind not in PathwayKind.values:
        errors["kind"] = _("Choose a pathway.")
    _required_date(decided_on, "decided_on", errors)
    if kind == PathwayKind.RESIDENTIAL and not last_resort_reason.strip():
        errors["last_resort_reason"] = _(
            "Residential care is the last resort: say why no family-based care serves the child "
            "now."
        )
    if errors:
        raise ValidationError(errors)
    validate_event_date(decided_on, "decided_on")
    check_determination(case.pk, decision, subjects=pathway_subjects(kind))
    assert decision is not None and decided_on is not None
    _after(
        decided_on,
        decision.decided_on,
        "decision",
        _("This determination is dated after the pathway was decided."),
    )
    if kind in WITH_FAMILY:
        assessed = FamilyAssessment.objects.filter(case=case, assessed_on__lte=decided_on)
        if not assessed.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "Assess the family first: safety, abuse, complicity, capacity and needs "
                        "(RR-3)."
                    )
                }
            )
        check_implicated_addressed(
            case=case, decision=decision, implicated_addressed=implicated_addressed
        )
    return create_and_record(
        Pathway,
        audited=case,
        actor=actor,
        action="reintegration.pathway_decide",
        changes={"kind": [None, kind], "decided_on": [None, decided_on]},
        case=case,
        kind=kind,
        decided_on=decided_on,
        decision=decision,
        reasons=reasons.strip(),
        child_views=child_views.strip(),
        implicated_addressed=implicated_addressed.strip() if kind in WITH_FAMILY else "",
        last_resort_reason=last_resort_reason.strip() if kind == PathwayKind.RESIDENTIAL else "",
    )


@transaction.atomic
def pathway_carried_out(
    *, case: Case, actor: Any, pathway: Pathway, carried_out_on: date | None
) -> Pathway:
    """The decided pathway happened: the child went home, moved to relatives or to a family
    (RR-2). Only the pathway that stands (the latest) can be carried out."""
    _start(actor, case)
    _on_case(pathway, case, "pathway")
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    latest = Pathway.objects.filter(case=case).order_by("-decided_on", "-created_at").first()
    if latest is None or latest.pk != pathway.pk:
        raise ValidationError(
            {"pathway": _("A later pathway was decided: this one no longer stands.")}
        )
    if pathway.carried_out_on is not None:
        raise ValidationError({"carried_out_on": _("This pathway is already carried out.")})
    if carried_out_on is None:
        raise ValidationError({"carried_out_on": _("Give the date.")})
    validate_event_date(carried_out_on, "carried_out_on")
    _after(
        carried_out_on,
        pathway.decided_on,
        "carried_out_on",
        _("A pathway cannot be carried out before it was decided."),
    )
    pathway.carried_out_on = carried_out_on
    pathway.updated_by = actor
    pathway.save()
    record_event(
        actor=actor,
        action="reintegration.pathway_carried_out",
        obj=pathway,
        case=case,
        changes={"carried_out_on": [None, carried_out_on]},
    )
    reevaluate(case, Pathway)
    return pathway


# --- the safety plan (RR-4) -----------------------------------------------------------------------


@transaction.atomic
def safety_plan_record(
    *,
    case: Case,
    actor: Any,
    agreed_on: date | None,
    sources: Iterable[str],
    risks: str,
    measures: str,
    child_words: str,
    review_on: date | None,
) -> SafetyPlan:
    """The safety plan, written with the child (RR-4): recording it again is its review."""
    _start(actor, case)
    errors: dict[str, Any] = missing_texts(
        {"risks": risks, "measures": measures, "child_words": child_words},
        {
            "risks": _("Say what could harm the child."),
            "measures": _(
                "Say what keeps the child safe: who to call, where to go, what to avoid."
            ),
            "child_words": _("The child helps write their safety plan: keep their own words here."),
        },
    )
    _required_date(agreed_on, "agreed_on", errors)
    _required_date(review_on, "review_on", errors)
    codes = _required_codes(
        sources, RiskSource.values, "sources", errors, _("Choose where the risks come from.")
    )
    if errors:
        raise ValidationError(errors)
    validate_event_date(agreed_on, "agreed_on")
    _after(
        review_on,
        agreed_on,
        "review_on",
        _("The review comes after the plan is agreed."),
        strictly=True,
    )
    return create_and_record(
        SafetyPlan,
        audited=case,
        actor=actor,
        action="reintegration.safety_plan_record",
        changes={"sources": [None, codes], "review_on": [None, review_on]},
        case=case,
        agreed_on=agreed_on,
        sources=codes,
        risks=risks.strip(),
        measures=measures.strip(),
        child_words=child_words.strip(),
        review_on=review_on,
    )


# --- the reintegration plan, its services, reviews and visits (RR-5, RR-8) ------------------------


@transaction.atomic
def plan_record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    agreed_on: date | None,
    goals: str,
    responsible: str,
    review_on: date | None,
    first_visit_on: date | None,
) -> ReintegrationPlan:
    """A reintegration plan, or a young person's transition plan to independent life (RR-5,
    RR-8): goals in the child's words, who is responsible, when it is reviewed and visited."""
    _start(actor, case)
    errors: dict[str, Any] = missing_texts(
        {"goals": goals, "responsible": responsible},
        {
            "goals": _("Write the goals in the child's words."),
            "responsible": _("Say who is responsible for what."),
        },
    )
    if kind not in PlanKind.values:
        errors["kind"] = _("Choose the kind of plan.")
    for field, value in (
        ("agreed_on", agreed_on),
        ("review_on", review_on),
        ("first_visit_on", first_visit_on),
    ):
        _required_date(value, field, errors)
    if errors:
        raise ValidationError(errors)
    validate_event_date(agreed_on, "agreed_on")
    later = _("This comes after the plan is agreed.")
    _after(review_on, agreed_on, "review_on", later)
    _after(first_visit_on, agreed_on, "first_visit_on", later)
    return create_and_record(
        ReintegrationPlan,
        audited=case,
        actor=actor,
        action="reintegration.plan_record",
        changes={"kind": [None, kind], "review_on": [None, review_on]},
        case=case,
        kind=kind,
        agreed_on=agreed_on,
        goals=goals.strip(),
        responsible=responsible.strip(),
        review_on=review_on,
        first_visit_on=first_visit_on,
    )


@transaction.atomic
def plan_service_add(
    *,
    case: Case,
    actor: Any,
    plan: ReintegrationPlan,
    description: str,
    provider: str,
    status: str,
    family_member: FamilyMember | None = None,
    in_community: bool = True,
) -> PlanService:
    """A service of the plan, for the child or for a family member (RR-3, RR-5)."""
    _start(actor, case)
    _on_case(plan, case, "plan")
    if family_member is not None:
        _on_case(family_member, case, "family_member")
    errors: dict[str, Any] = missing_texts(
        {"description": description, "provider": provider},
        {
            "description": _("Say what the service is."),
            "provider": _("Say who provides it."),
        },
    )
    for field, value in (("description", description), ("provider", provider)):
        if len(value.strip()) > LINE_MAX_LENGTH:
            errors[field] = _("Keep it to %(count)d characters.") % {"count": LINE_MAX_LENGTH}
    if status not in ServiceStatus.values:
        errors["status"] = _("Choose the service's status.")
    if errors:
        raise ValidationError(errors)
    return create_and_record(
        PlanService,
        audited=case,
        actor=actor,
        action="reintegration.plan_service_add",
        changes={"status": [None, status], "for_family": [None, family_member is not None]},
        plan=plan,
        family_member=family_member,
        description=description.strip(),
        provider=provider.strip(),
        in_community=in_community,
        status=status,
    )


@transaction.atomic
def plan_review_record(
    *,
    case: Case,
    actor: Any,
    plan: ReintegrationPlan,
    reviewed_on: date | None,
    progress: str,
    child_views: str,
    next_review_on: date | None,
) -> PlanReview:
    """A review of the plan, with the child's view and the next review date (RR-5)."""
    _start(actor, case)
    _on_case(plan, case, "plan")
    errors: dict[str, Any] = missing_texts(
        {"progress": progress, "child_views": child_views},
        {
            "progress": _("Say how far the goals are met."),
            "child_views": _("Write the child's view, in their words (CC-2)."),
        },
    )
    _required_date(reviewed_on, "reviewed_on", errors)
    _required_date(next_review_on, "next_review_on", errors)
    if errors:
        raise ValidationError(errors)
    validate_event_date(reviewed_on, "reviewed_on")
    _after(reviewed_on, plan.agreed_on, "reviewed_on", _("A review cannot be before the plan."))
    _after(
        next_review_on,
        reviewed_on,
        "next_review_on",
        _("The next review comes after this one."),
        strictly=True,
    )
    return create_and_record(
        PlanReview,
        audited=case,
        actor=actor,
        action="reintegration.plan_review_record",
        changes={"reviewed_on": [None, reviewed_on], "next_review_on": [None, next_review_on]},
        plan=plan,
        reviewed_on=reviewed_on,
        progress=progress.strip(),
        child_views=child_views.strip(),
        next_review_on=next_review_on,
    )


@transaction.atomic
def visit_record(
    *,
    case: Case,
    actor: Any,
    plan: ReintegrationPlan,
    visited_on: date | None,
    visited_by: str,
    observations: str,
    child_views: str,
    next_visit_on: date | None,
) -> FollowUpVisit:
    """A follow-up visit: what was seen, what the child said, when the next is (RR-5)."""
    _start(actor, case)
    _on_case(plan, case, "plan")
    errors: dict[str, Any] = missing_texts(
        {"visited_by": visited_by, "observations": observations, "child_views": child_views},
        {
            "visited_by": _("Say who visited."),
            "observations": _("Say what was observed."),
            "child_views": _("Write the child's view, in their words (CC-2)."),
        },
    )
    _required_date(visited_on, "visited_on", errors)
    _required_date(next_visit_on, "next_visit_on", errors)
    if errors:
        raise ValidationError(errors)
    validate_event_date(visited_on, "visited_on")
    _after(
        visited_on,
        plan.agreed_on,
        "visited_on",
        _("A follow-up visit cannot be before the plan was agreed (%(date)s).")
        % {"date": plan.agreed_on.isoformat()},
    )
    _after(
        next_visit_on,
        visited_on,
        "next_visit_on",
        _("The next visit comes after this one."),
        strictly=True,
    )
    return create_and_record(
        FollowUpVisit,
        audited=case,
        actor=actor,
        action="reintegration.visit_record",
        changes={"visited_on": [None, visited_on], "next_visit_on": [None, next_visit_on]},
        plan=plan,
        visited_on=visited_on,
        visited_by=visited_by.strip(),
        observations=observations.strip(),
        child_views=child_views.strip(),
        next_visit_on=next_visit_on,
    )


# --- back in exploitation (RR-6) ------------------------------------------------------------------


@transaction.atomic
def retrafficking_record(
    *, case: Case, actor: Any, occurred_on: date | None, forms: Iterable[str], notes: str
) -> Retrafficking:
    """The child was found back in exploitation (RR-6). It is recorded on the child's own case,
    never as a new child: the retelling count, the family, the plans and what the child said
    stay together. A closed case reopens to protection in the same transaction, so the first
    steps of protection are asked again (the episode starts at the reopening)."""
    _start(actor, case)
    case.refresh_from_db(fields=["stage", "opened_at"])  # as it stands under the lock
    errors: dict[str, Any] = missing_texts(
        {"notes": notes},
        {"notes": _("Say what is known: where the child was found, by whom, in what situation.")},
    )
    _required_date(occurred_on, "occurred_on", errors)
    codes = _required_codes(
        forms,
        Exploitation.values,
        "forms",
        errors,
        _("Choose the forms of exploitation; “Other” when not known yet."),
    )
    if errors:
        raise ValidationError(errors)
    validate_event_date(occurred_on, "occurred_on")
    opened_on = timezone.localdate(case.opened_at)
    _after(
        occurred_on,
        opened_on,
        "occurred_on",
        _("A return to exploitation comes after the case was opened (%(date)s).")
        % {"date": opened_on.isoformat()},
    )
    if case.stage == Case.Stage.CLOSED:
        case_change_stage(
            case=case,
            actor=actor,
            to_stage=Case.Stage.PROTECTION,
            reason=_("Found back in exploitation on %(date)s: the case reopens.")
            % {"date": occurred_on.isoformat()},  # type: ignore[union-attr]
        )
    return create_and_record(
        Retrafficking,
        audited=case,
        actor=actor,
        action="reintegration.retrafficking_record",
        changes={"occurred_on": [None, occurred_on], "forms": [None, codes]},
        case=case,
        occurred_on=occurred_on,
        forms=codes,
        notes=notes.strip(),
    )


# --- losing touch with the child (RR-5, RR-6) ----------------------------------------------------


@transaction.atomic
def contact_attempt_record(
    *, case: Case, actor: Any, attempted_on: date | None, method: str, notes: str
) -> ContactAttempt:
    """An attempt to reach a child the case has lost touch with: when, how, what was learnt.
    The case closes as "contact lost" only after enough of them (the closing check in
    haven.reintegration.rules)."""
    _start(actor, case)
    case.refresh_from_db(fields=["opened_at"])
    errors: dict[str, Any] = missing_texts(
        {"notes": notes}, {"notes": _("Say what was done, and what was learnt.")}
    )
    _required_date(attempted_on, "attempted_on", errors)
    if method not in ContactMethod.values:
        errors["method"] = _("Choose how you tried to reach the child.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(attempted_on, "attempted_on")
    opened_on = timezone.localdate(case.opened_at)
    _after(
        attempted_on,
        opened_on,
        "attempted_on",
        _("An attempt comes after the case was opened (%(date)s).")
        % {"date": opened_on.isoformat()},
    )
    return create_and_record(
        ContactAttempt,
        audited=case,
        actor=actor,
        action="reintegration.contact_attempt",
        changes={"attempted_on": [None, attempted_on], "method": [None, method]},
        case=case,
        attempted_on=attempted_on,
        method=method,
        notes=notes.strip(),
    )
