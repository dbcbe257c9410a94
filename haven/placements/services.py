"""Every write about where the child lives (ND-1 … ND-5, CC-1). Each is one transaction: access,
validation, the blocking safeguards, save, audit, re-evaluation."""

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import diff, record_event, snapshot
from haven.cases.access import require
from haven.cases.models import Case
from haven.cases.services import (
    lock_case,
)
from haven.core.forms import (
    is_real_reason,
    missing_texts,
    real_reason_message,
    validate_event_date,
)
from haven.core.versions import check_version
from haven.decisions import rules as decision_rules
from haven.decisions.models import Decision
from haven.decisions.services import check_determination
from haven.placements import rules as rules_placement
from haven.placements.models import (
    PLACEMENT_SUBJECTS,
    Charge,
    FamilyContact,
    Liberty,
    LibertyChallenge,
    Placement,
    PlacementEndReason,
    PlacementReview,
    PlacementType,
    Restriction,
    effective_liberty,
    needs_determination,
    needs_review,
)
from haven.safeguards.ending import ends_help
from haven.safeguards.engine import reevaluate

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


_PLACEMENT_FIELDS = ["type", "liberty", "start_on", "end_on", "review_on", "decision"]


@transaction.atomic
def placement_record(
    *,
    case: Case,
    actor: Any,
    type: str,
    facility: str,
    start_on: date,
    can_leave: str = "",
    end_on: date | None = None,
    review_on: date | None = None,
    decision: Decision | None = None,
    urgent_reason: str = "",
) -> Placement:
    """Record where the child lives from `start_on`. The placement the child is in now ends
    that day (the child moves). Whether the child can leave (`can_leave`, a Liberty value) is
    taken with the kind of place, never freer than it (`effective_liberty`). Custody is
    recorded because it happens, and raises ND-2's critical alert; a shelter or a place the
    child cannot leave needs a review date (ND-3, ND-5); a placement decided for the child rests
    on a best-interests determination or, when urgent, the reason it could not wait (CC-1)."""
    require(actor, Capability.RECORD_PLACEMENT, case)
    lock_case(case)
    errors: dict[str, Any] = {}
    if type not in PlacementType.values:
        errors["type"] = _("Choose where the child lives from the list.")
    if not facility.strip():
        errors["facility"] = _("Write the facility or household.")
    if end_on is not None and start_on and end_on < start_on:
        errors["end_on"] = _("A placement cannot end before it starts.")
    if can_leave and can_leave not in Liberty.values:
        errors["can_leave"] = _("Choose whether the child can leave from the list.")
    liberty = effective_liberty(type, can_leave)
    if needs_determination(type, liberty) and decision is None:
        if not urgent_reason.strip():
            errors["decision"] = _(
                "Choose the best-interests determination that decided this placement, or say "
                "why it could not wait (the determination then follows)."
            )
        elif not is_real_reason(urgent_reason):
            errors["urgent_reason"] = real_reason_message()
    if errors:
        raise ValidationError(errors)
    validate_event_date(start_on, "start_on")
    if decision is not None:
        check_determination(case.pk, decision, subjects=PLACEMENT_SUBJECTS)
    if needs_review(type, liberty) and end_on is None:
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
        _end_placement(
            current,
            actor=actor,
            end_on=start_on,
            code=PlacementEndReason.MOVED,
            reason=_("The child moved."),
        )
    placement = Placement.objects.create(
        case=case,
        type=type,
        liberty=liberty,
        facility=facility.strip(),
        start_on=start_on,
        end_on=end_on,
        review_on=review_on if needs_review(type, liberty) else None,
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


def _end_placement(
    placement: Placement, *, actor: Any, end_on: date, code: str, reason: str
) -> None:
    before = snapshot(placement, ["end_on"])
    placement.end_on = end_on
    placement.end_reason_code = code
    placement.end_reason = str(reason)[:300]
    placement.updated_by = actor
    placement.save(
        update_fields=["end_on", "end_reason_code", "end_reason", "updated_by", "updated_at"]
    )
    record_event(
        actor=actor,
        action="placement.end",
        obj=placement,
        case=placement.case,
        changes=diff(before, snapshot(placement, ["end_on"])),
    )


@ends_help(reasons=PlacementEndReason)
@transaction.atomic
def placement_end(
    *, placement: Placement, actor: Any, end_on: date, reason: str, reason_code: str = ""
) -> Placement:
    """End a placement without recording the next one (the child went missing, turned 18),
    for a reason from the closed list, never the child's cooperation (CC-8, VW-8)."""
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
    _end_placement(placement, actor=actor, end_on=end_on, code=reason_code, reason=reason.strip())
    reevaluate(placement.case, Placement)
    return placement


@transaction.atomic
def placement_link_decision(*, placement: Placement, actor: Any, decision: Decision) -> Placement:
    """Link the determination that followed an urgent placement (CC-1)."""
    require(actor, Capability.RECORD_PLACEMENT, placement.case)
    lock_case(placement.case)
    placement = Placement.objects.select_related("case", "decision").get(pk=placement.pk)
    check_determination(placement.case_id, decision, subjects=PLACEMENT_SUBJECTS)
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
    if not placement.is_reviewed or placement.end_on is not None:
        raise ValidationError(
            _("Only a shelter or closed placement the child is in now is reviewed here.")
        )
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
    expected_version: str | None = None,
) -> Restriction:
    """Review a restriction (ND-4): lift it, or keep it with a justification and a new date.
    Refused when someone else reviewed it after the version the person opened
    (`expected_version`, lost updates): their justification is not silently replaced."""
    require(actor, Capability.RECORD_PLACEMENT, restriction.case)
    lock_case(restriction.case)
    restriction = (
        Restriction.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=restriction.pk)
    )
    if restriction.ended_on is not None:
        raise ValidationError(_("This restriction was already lifted."))
    check_version(restriction, expected_version)
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
    expected_version: str | None = None,
) -> Charge:
    """Move a charge on, and record that the non-punishment principle was raised (ND-1).
    Refused when someone else saved the charge after the version the person opened
    (`expected_version`, lost updates)."""
    require(actor, Capability.RECORD_LEGAL, charge.case)
    lock_case(charge.case)
    charge = Charge.objects.select_for_update(of=("self",)).select_related("case").get(pk=charge.pk)
    check_version(charge, expected_version)
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
    if not placement.is_closed:
        raise ValidationError(
            _("A challenge can be recorded only for a placement the child cannot leave.")
        )
    errors = missing_texts(
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
