"""Staff coming and going (CC-9, DP-2): an agency administrator ends a person's membership of
the agency or changes their role. Both take effect at once: access is read from memberships on
every request, an account left without any agency is deactivated and its sessions end, and the
person's assignments through that agency end, each on its case's timeline as a handover's does.
The cases they held are re-evaluated in the same write, so a child left without a case worker
raises CC-9's alert, and the supervisor hands each case over from "Cases to hand over".

A case worker who must give up a case (leaving, too many cases, a conflict of interest or the
child asked) says so with `handover_request`; the supervisors of the lead agency see open
requests first on "Cases to hand over", and the request is met when they assign a new case
worker (`services.case_assign`), or withdrawn. Until then the case worker keeps the case.

These writes sit in cases, not accounts, because their consequence is on cases: the safeguard
engine lies above accounts."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Membership
from haven.accounts.roles import Capability, Role
from haven.accounts.services import end_sessions
from haven.audit.services import REDACTED, record_event
from haven.cases.access import agencies_where, cases_for_user, require_case_worker
from haven.cases.models import Case, CaseAssignment, HandoverReason, HandoverRequest
from haven.cases.services import create_and_record, end_assignment, lock_case
from haven.safeguards.engine import reevaluate


def _check_may_manage(actor: Any, membership: Membership) -> None:
    managed = {a.pk for a in agencies_where(actor, Capability.MANAGE_MEMBERS)}
    if membership.agency_id not in managed or membership.user_id == actor.pk:
        raise PermissionDenied(_("You cannot change this person's account."))


def _held_cases(membership: Membership) -> list[int]:
    """Open cases the person holds an assignment on through this agency."""
    return list(
        CaseAssignment.objects.filter(
            user_id=membership.user_id, agency_id=membership.agency_id, ended_at__isnull=True
        )
        .exclude(case__stage=Case.Stage.CLOSED)
        .values_list("case_id", flat=True)
        .distinct()
    )


def held_count(membership: Membership) -> int:
    """How many open cases the person holds through this agency: what their leaving hands over."""
    return len(_held_cases(membership))


def _end_assignments(membership: Membership, actor: Any) -> list[int]:
    """End the person's assignments through this agency, each the way a handover ends one
    (audited, on the case's timeline); returns the open cases they leave without them."""
    held = _held_cases(membership)
    now = timezone.now()
    for assignment in CaseAssignment.objects.filter(
        user_id=membership.user_id, agency_id=membership.agency_id, ended_at__isnull=True
    ).select_related("case", "user"):
        lock_case(assignment.case)
        end_assignment(assignment=assignment, actor=actor, at=now)
    return held


def _reevaluate(case_ids: list[int]) -> None:
    if case_ids:
        reevaluate(Case.objects.filter(pk__in=case_ids), Membership, CaseAssignment)


@transaction.atomic
def membership_end(*, actor: Any, membership: Membership) -> Membership:
    """A person leaves the agency: their membership ends; with no other agency, their account
    is deactivated and every session of it ends now."""
    _check_may_manage(actor, membership)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This person has already left the agency."))
    membership.is_active = False
    membership.updated_by = actor
    membership.save(update_fields=["is_active", "updated_by", "updated_at"])
    user = membership.user
    deactivated = not user.memberships.filter(is_active=True).exists()
    if deactivated:
        user.is_active = False
        end_sessions(user)
        user.save(update_fields=["is_active", "session_salt"])
    held = _end_assignments(membership, actor)
    record_event(
        actor=actor,
        action="membership.end",
        obj=membership,
        changes={"is_active": [True, False], "account_deactivated": [False, deactivated]},
    )
    _reevaluate(held)
    return membership


@transaction.atomic
def membership_role_change(*, actor: Any, membership: Membership, role: str) -> Membership:
    """A person takes another role in the agency. Their assignments through the agency end:
    what they held in their old role is handed over by a supervisor ("Cases to hand over")."""
    _check_may_manage(actor, membership)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == Role.SYSTEM_ADMIN and not agencies_where(actor, Capability.MANAGE_AGENCIES):
        raise PermissionDenied(_("Only a system administrator can create this role."))
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise ValidationError(_("This person has left the agency."))
    if membership.role == role:
        raise ValidationError({"role": _("This person already has this role.")})
    before = membership.role
    membership.role = role
    membership.updated_by = actor
    membership.save(update_fields=["role", "updated_by", "updated_at"])
    held = _end_assignments(membership, actor)
    record_event(
        actor=actor,
        action="membership.role",
        obj=membership,
        changes={"role": [before, role], "assignments_ended": [None, len(held)]},
    )
    _reevaluate(held)
    return membership


def cases_to_hand_over(user: Any) -> Any:
    """Open cases of the agencies where the user assigns people that have no case worker now:
    most often because theirs left or changed role. Newest first."""
    agencies = agencies_where(user, Capability.ASSIGN)
    current_worker = CaseAssignment.objects.current().filter(role="case_worker")
    return (
        cases_for_user(user)
        .filter(lead_agency__in=agencies)
        .exclude(stage=Case.Stage.CLOSED)
        .exclude(pk__in=current_worker.values("case_id"))
        .select_related("child", "lead_agency")
        .order_by("-opened_at")
    )


# --- a case worker's request to hand a case over (CC-9) ----------------------------------------


def open_handover_request(case: Case) -> HandoverRequest | None:
    """The case's open request to hand it over, if any (one at most), for a case the caller
    has loaded through haven.cases.access."""
    return (
        HandoverRequest.objects.filter(case=case, resolved_at__isnull=True)
        .select_related("created_by")
        .first()
    )


def handover_requests_to_answer(user: Any) -> QuerySet[HandoverRequest]:
    """Open requests to hand over a case, on the open cases of the agencies where the user
    assigns people and which they may see: oldest first, the longest waiting at the top."""
    agencies = agencies_where(user, Capability.ASSIGN)
    cases = cases_for_user(user).filter(lead_agency__in=agencies).exclude(stage=Case.Stage.CLOSED)
    return (
        HandoverRequest.objects.filter(resolved_at__isnull=True, case__in=cases)
        .select_related("case", "case__child", "case__lead_agency", "created_by")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def handover_request(*, case: Case, actor: Any, reason: str, note: str = "") -> HandoverRequest:
    """A case worker asks for their case to be handed over to someone else (CC-9): they are
    leaving the agency, have too many cases, or have a conflict of interest (or the child
    asked). Only the case's case worker asks; one open request per case. The case worker
    keeps the case until a supervisor assigns a new one, which meets the request."""
    require_case_worker(actor, case)
    lock_case(case)
    note = note.strip()
    errors: dict[str, str] = {}
    if reason not in HandoverReason.values:
        errors["reason"] = _("Choose why the case should be handed over.")
    if len(note) > HandoverRequest.NOTE_MAX_LENGTH:
        errors["note"] = _("Keep it shorter than %(n)s characters.") % {
            "n": HandoverRequest.NOTE_MAX_LENGTH
        }
    elif reason == HandoverReason.OTHER and not note:
        errors["note"] = _("Say in a sentence why the case should be handed over.")
    if errors:
        raise ValidationError(errors)
    if Case.objects.filter(pk=case.pk, stage=Case.Stage.CLOSED).exists():
        raise ValidationError(_("This case is closed: there is nothing to hand over."))
    if (
        HandoverRequest.objects.select_for_update()
        .filter(case=case, resolved_at__isnull=True)
        .exists()
    ):
        raise ValidationError(
            _(
                "You have already asked to hand over this case, and a supervisor has not "
                "answered yet. Withdraw that request first if the reason has changed."
            )
        )
    # The sentence may mention the child: the audit trail says that one was given, never what.
    changes: dict[str, Any] = {"reason": [None, reason]}
    if note:
        changes["note"] = [None, REDACTED]
    return create_and_record(
        HandoverRequest,
        audited=case,
        actor=actor,
        action="handover.request",
        changes=changes,
        case=case,
        reason=reason,
        note=note,
    )


@transaction.atomic
def handover_request_withdraw(*, request: HandoverRequest, actor: Any) -> HandoverRequest:
    """The case worker takes back their request to hand the case over (CC-9): they keep the
    case, as they did while it was open."""
    case = request.case
    require_case_worker(actor, case)
    lock_case(case)
    request = HandoverRequest.objects.select_for_update().get(pk=request.pk)
    if request.resolved_at is not None:
        raise ValidationError(_("This request has already been answered or withdrawn."))
    now = timezone.now()
    request.resolved_at = now
    request.resolved_by = actor
    request.outcome = HandoverRequest.Outcome.WITHDRAWN
    request.updated_by = actor
    request.save(
        update_fields=["resolved_at", "resolved_by", "outcome", "updated_by", "updated_at"]
    )
    record_event(
        actor=actor,
        action="handover.withdraw",
        obj=request,
        case=case,
        changes={"outcome": [None, request.outcome], "resolved_at": [None, now]},
    )
    reevaluate(case, HandoverRequest)
    return request
