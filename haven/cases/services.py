"""Every write to a case (DESIGN idea 1). Each function is one transaction: it checks that the
actor may act, validates, runs the blocking safeguards, saves, writes the audit event and
re-evaluates the case's alerts in the same transaction, so an alert never lags its cause."""

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Agency, Membership
from haven.accounts.roles import ASSIGNABLE, CASE_WORKER_ROLES, Capability
from haven.audit.services import diff, jsonable, record_event, snapshot
from haven.cases.access import (
    agencies_where,
    assignable_people,
    can,
    cases_for_user,
    forget_roles,
    require,
)
from haven.cases.closing import check_may_close
from haven.cases.interviews import check_interview
from haven.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    CaseNote,
    ClosingReason,
    ClosureRequest,
    HandoverRequest,
    Interview,
    StageChange,
)
from haven.children.models import CHILD_MODELS, Child
from haven.children.services import child_create
from haven.core.forms import validate_event_time
from haven.safeguards.ending import ends_help
from haven.safeguards.engine import evaluate_opened, reevaluate

_REFERENCE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no look-alikes (0/O, 1/I, 5/S, 8/B)


def _new_reference() -> str:
    """A random reference: it says nothing about how many children an agency sees."""
    while True:
        ref = "HV-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(7))
        if not Case.objects.filter(reference=ref).exists():
            return ref


def lock_case(case: Case) -> None:
    """Lock the case row for the rest of the transaction, before the audit chain: every service
    that writes about a case takes the locks in this order, so two writes about one case run one
    after the other and never deadlock. NO KEY: rows that point to the case can still be
    inserted."""
    Case.objects.select_for_update(no_key=True).get(pk=case.pk)


def create_and_record[M: Model](
    model: type[M],
    *,
    audited: Case,
    actor: Any,
    action: str,
    changes: dict[str, Any],
    cases: QuerySet[Case] | None = None,
    **fields: Any,
) -> M:
    """The tail of a write that creates one record about a case: create it, append its audit
    event on the case the person acts through (`audited`), and re-evaluate the rules that read
    it on `cases` (every child of a shared proceeding) or on that case. The caller has checked
    who may act, locked the case and validated, inside its transaction."""
    row = model._default_manager.create(**fields, created_by=actor, updated_by=actor)
    record_event(actor=actor, action=action, obj=row, case=audited, changes=changes)
    reevaluate(audited if cases is None else cases, model)
    return row


def _open_case(
    *,
    actor: Any,
    agency: Agency,
    child: Any,
    summary: str,
    registered: bool = False,
    **changes: Any,
) -> Case:
    """Open a case for `child` in `agency`: the case row, its audit event, the person opening it
    as case worker when their role allows it (CC-9), otherwise as the identifying officer (ID-4:
    police and immigration identify, child protection takes the case), and the rules a new
    case can breach."""
    now = timezone.now()
    case = Case.objects.create(
        reference=_new_reference(),
        child=child,
        lead_agency=agency,
        stage=Case.Stage.IDENTIFICATION,
        stage_changed_at=now,
        opened_at=now,
        summary=summary,
        created_by=actor,
        updated_by=actor,
    )
    if registered:
        record_event(actor=actor, action="child.register", obj=child, case=case)
    record_event(
        actor=actor,
        action="case.open",
        obj=case,
        case=case,
        changes={
            "stage": [None, case.stage],
            "lead_agency": [None, str(agency.public_id)],
            **changes,
        },
    )
    role = next(m.role for m in actor.memberships.all() if m.agency_id == agency.pk and m.is_active)
    assignment_role = (
        AssignmentRole.CASE_WORKER
        if role in CASE_WORKER_ROLES
        else AssignmentRole.IDENTIFYING_OFFICER
    )
    _start_assignment(case=case, actor=actor, user=actor, role=assignment_role, at=now)
    evaluate_opened(case, Case, StageChange, CaseAssignment, *CHILD_MODELS)
    return case


def _may_open_in(actor: Any, agency: Agency) -> None:
    if agency not in agencies_where(actor, Capability.REGISTER_CHILD):
        raise PermissionDenied(_("You cannot open cases for this agency."))


@transaction.atomic
def case_register(
    *,
    actor: Any,
    agency: Agency,
    child: dict[str, Any],
    nationalities: Iterable[str] = (),
    languages: Iterable[str] = (),
    aliases: Iterable[str] = (),
    summary: str = "",
) -> Case:
    """Register a child and open their case in `agency`."""
    _may_open_in(actor, agency)
    new_child = child_create(
        actor=actor, nationalities=nationalities, languages=languages, aliases=aliases, **child
    )
    return _open_case(actor=actor, agency=agency, child=new_child, summary=summary, registered=True)


@transaction.atomic
def case_open_for_child(*, actor: Any, agency: Agency, earlier: Case, summary: str = "") -> Case:
    """Open a new case for a child Haven already knows, found through one of their earlier cases
    the actor may see (RR-6: a child who comes back is not registered as a new child). The child's
    record, names and languages are the same; the times they told their story count on; the new
    case's first steps are asked again by its screening; those who may see an earlier case see
    it from the new one. Refused while the child has a case still open: that case is reopened or
    handed over, so the child keeps one case worker."""
    _may_open_in(actor, agency)
    if not cases_for_user(actor).filter(pk=earlier.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    child = Child.objects.select_for_update().get(pk=earlier.child_id)
    _refuse_second_open_case(child.pk)
    earlier_count = Case.objects.filter(child=child).count()
    return _open_case(
        actor=actor,
        agency=agency,
        child=child,
        summary=summary,
        earlier_cases=[None, earlier_count],
    )


def _assigned_through(*, case: Case, user: Any, role: str) -> int:
    """The agency through which `user` takes `role` on the case: the lead agency for a case
    worker or when they work there, otherwise their agency whose role allows the part."""
    memberships = list(Membership.objects.filter(user=user, is_active=True))
    allowed = CASE_WORKER_ROLES if role == AssignmentRole.CASE_WORKER else ASSIGNABLE[role]
    fitting = [m for m in memberships if m.role in allowed]
    lead = next((m for m in fitting if m.agency_id == case.lead_agency_id), None)
    chosen = lead or (fitting[0] if fitting else None)
    if chosen is None:
        raise ValidationError({"user": _("This person has no active account for this part.")})
    return chosen.agency_id


def _start_assignment(
    *, case: Case, actor: Any, user: Any, role: str, at: datetime, handover_note: str = ""
) -> CaseAssignment:
    forget_roles(case)
    assignment = CaseAssignment.objects.create(
        case=case,
        user=user,
        agency_id=_assigned_through(case=case, user=user, role=role),
        role=role,
        started_at=at,
        handover_note=handover_note,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="assignment.start",
        obj=assignment,
        case=case,
        # The person's name too, so the timeline says who was assigned, not only who assigned.
        changes={
            "user": [None, str(user.public_id)],
            "name": [None, user.get_full_name()],
            "role": [None, role],
        },
    )
    return assignment


def end_assignment(*, assignment: CaseAssignment, actor: Any, at: datetime) -> None:
    forget_roles(assignment.case)
    assignment.ended_at = at
    assignment.updated_by = actor
    assignment.save(update_fields=["ended_at", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="assignment.end",
        obj=assignment,
        case=assignment.case,
        changes={
            "ended_at": [None, at],
            "name": [assignment.user.get_full_name(), None],
            "role": [assignment.role, None],
        },
    )


def assignment_for_appointment(*, case: Case, actor: Any, user: Any, role: str) -> CaseAssignment:
    """Give a person the access that an appointment recorded by another service brings (a
    guardian appointed by a court sees the case). The caller has checked the actor may record
    the appointment and holds the case lock; the person's own role must still allow the part."""
    current = CaseAssignment.objects.current().filter(case=case, user=user, role=role).first()
    if current is not None:
        return current
    return _start_assignment(case=case, actor=actor, user=user, role=role, at=timezone.now())


def assignment_end_for_appointment(*, case: Case, actor: Any, user: Any, role: str) -> None:
    """End the access an appointment brought, when the appointment ends."""
    for assignment in CaseAssignment.objects.filter(
        case=case, user=user, role=role, ended_at__isnull=True
    ):
        end_assignment(assignment=assignment, actor=actor, at=timezone.now())


@transaction.atomic
def case_assign(
    *, case: Case, actor: Any, user: Any, role: str, handover_note: str = ""
) -> CaseAssignment:
    """Assign a person to a case. A new case worker replaces the current one: that is a
    handover (CC-9), and it needs a handover note so the child does not have to retell; the
    case worker's open request to hand the case over, if any, is met by it. Who may take which
    part is `access.assignable_people`, the list the person picker offers (DP-1, DP-2)."""
    require(actor, Capability.ASSIGN, case)
    # Lock the case first (before the audit chain, like every service) so that two handovers
    # of one case run one after the other. NO KEY: the lock must not block inserting rows that
    # point to the case.
    lock_case(case)
    if role not in AssignmentRole.values:
        raise ValidationError({"role": _("Choose a role on the case.")})
    if role == AssignmentRole.REFERRAL_RECIPIENT:
        raise ValidationError(
            {"role": _("A referral recipient is assigned only by accepting a referral (DP-2).")}
        )
    if role == AssignmentRole.EMERGENCY:
        raise ValidationError(
            {
                "role": _(
                    "Emergency access is taken by the person who needs it, with a reason (DP-4)."
                )
            }
        )
    if not assignable_people(case, role).filter(pk=user.pk).exists():
        # Refused by the one rule; the message says which part of it the person fails.
        membership_roles = set(
            Membership.objects.filter(user=user, is_active=True, user__is_active=True).values_list(
                "role", flat=True
            )
        )
        if not membership_roles:
            raise ValidationError({"user": _("This person has no active account.")})
        if not membership_roles & ASSIGNABLE[role]:
            raise ValidationError(
                {
                    "role": _(
                        "%(name)s cannot be assigned as %(part)s: their role does not allow it."
                    )
                    % {"name": user, "part": AssignmentRole(role).label.lower()}
                }
            )
        if CaseAssignment.objects.filter(
            case=case, user=user, role=role, ended_at__isnull=True
        ).exists():
            raise ValidationError({"user": _("This person already has this role on the case.")})
        raise ValidationError(
            {"user": _("The case worker must be a case worker of the lead agency.")}
        )
    now = timezone.now()
    current = CaseAssignment.objects.select_for_update().filter(case=case, ended_at__isnull=True)
    asked = None
    if role == AssignmentRole.CASE_WORKER:
        previous = current.filter(role=AssignmentRole.CASE_WORKER).first()
        if previous is not None:
            if not handover_note.strip():
                raise ValidationError(
                    {
                        "handover_note": _(
                            "Write a handover note so the child does not have to tell "
                            "their story again."
                        )
                    }
                )
            end_assignment(assignment=previous, actor=actor, at=now)
        asked = (
            HandoverRequest.objects.select_for_update()
            .filter(case=case, resolved_at__isnull=True)
            .first()
        )
    assignment = _start_assignment(
        case=case, actor=actor, user=user, role=role, at=now, handover_note=handover_note.strip()
    )
    if asked is not None:
        # The case worker's request to hand the case over is met in the same write (CC-9).
        asked.resolved_at = now
        asked.resolved_by = actor
        asked.outcome = HandoverRequest.Outcome.HANDED_OVER
        asked.updated_by = actor
        asked.save(
            update_fields=["resolved_at", "resolved_by", "outcome", "updated_by", "updated_at"]
        )
        record_event(
            actor=actor,
            action="handover.complete",
            obj=asked,
            case=case,
            changes={"outcome": [None, asked.outcome], "resolved_at": [None, now]},
        )
    reevaluate(case, CaseAssignment, *([HandoverRequest] if asked is not None else []))
    return assignment


@transaction.atomic
def assignment_end(*, assignment: CaseAssignment, actor: Any) -> None:
    """End someone's assignment to a case (their access ends with it)."""
    require(actor, Capability.ASSIGN, assignment.case)
    lock_case(assignment.case)
    assignment = CaseAssignment.objects.select_related("case").get(pk=assignment.pk)
    expired = assignment.expires_at is not None and assignment.expires_at <= timezone.now()
    if assignment.ended_at is not None or expired:
        raise ValidationError(_("This assignment has already ended."))
    end_assignment(assignment=assignment, actor=actor, at=timezone.now())
    reevaluate(assignment.case, CaseAssignment)


def _move_stage(*, case: Case, actor: Any, to_stage: str, reason: str, closed_reason: str) -> Case:
    """Move a locked case to `to_stage`, checked by the caller: the stage change, its history
    row and audit event, and the end of the identifying officer's access when the case leaves
    identification."""
    now = timezone.now()
    before = snapshot(case, ["closed_at"])
    if case.stage == Case.Stage.IDENTIFICATION:
        for officer in CaseAssignment.objects.filter(
            case=case, role=AssignmentRole.IDENTIFYING_OFFICER, ended_at__isnull=True
        ):
            end_assignment(assignment=officer, actor=actor, at=now)
    closed_at = now if to_stage == Case.Stage.CLOSED else None
    case.set_status(
        to_stage,
        actor=actor,
        action="case.stage",
        case=case,
        fields={
            "stage_changed_at": now,
            "closed_at": closed_at,
            "closed_reason": closed_reason if closed_at else "",
        },
        changes=diff(before, {"closed_at": jsonable(closed_at)}),
        reason=reason.strip(),
    )
    return case


def _check_closing(case: Case, *, reason: str, closed_reason: str) -> None:
    """What every closing needs, asked or approved: a stage that may close, a reason from the
    closed list with its detail, and the areas' checks (not while the child is held, ND-2, nor
    with a critical alert open, RR-6, nor "back with the family" before the return is followed
    up, RR-5...)."""
    case.check_transition(Case.Stage.CLOSED)
    if closed_reason not in ClosingReason.values:
        raise ValidationError({"closed_reason": _("Choose why the case closes.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is being closed or reopened.")})
    check_may_close(case, closed_reason)


def _pending_closure(case: Case) -> ClosureRequest | None:
    return (
        ClosureRequest.objects.select_for_update()
        .filter(case=case, status=ClosureRequest.Status.PENDING)
        .first()
    )


@ends_help(
    reasons=ClosingReason,
    reason="closed_reason",
    detail="reason",
    when=lambda kwargs: kwargs.get("to_stage") == Case.Stage.CLOSED,
)
@transaction.atomic
def case_change_stage(
    *, case: Case, actor: Any, to_stage: str, reason: str = "", closed_reason: str = ""
) -> Case:
    """Move a case along the stage map (Case.TRANSITIONS). Closing or reopening needs a reason;
    closing, a reason from the closed list, never the child's cooperation (CC-8), and someone
    who may approve closures (a supervisor): a case worker asks with `closure_request` (RR-6,
    CC-1). Leaving identification ends the identifying officer's access."""
    require(actor, Capability.CHANGE_STAGE, case)
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if to_stage not in Case.Stage.values:
        raise ValidationError({"to_stage": _("Choose a stage.")})
    case.check_transition(to_stage)
    if to_stage == Case.Stage.CLOSED:
        if not can(actor, Capability.APPROVE_CLOSURE, case):
            raise PermissionDenied(
                _("A supervisor approves the closing of a case: ask for their approval.")
            )
        if _pending_closure(case) is not None:
            raise ValidationError(
                {"to_stage": _("A request to close this case is waiting: approve or decline it.")}
            )
        _check_closing(case, reason=reason, closed_reason=closed_reason)
    elif case.stage == Case.Stage.CLOSED:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why the case is being closed or reopened.")})
        _refuse_second_open_case(case.child_id, besides=case)
    _move_stage(
        case=case, actor=actor, to_stage=to_stage, reason=reason, closed_reason=closed_reason
    )
    reevaluate(case, Case, StageChange)
    return case


def _refuse_second_open_case(child_id: int, *, besides: Case | None = None) -> None:
    """A child has one open case at a time (RR-6, RR-7): the one case worker, the one plan.
    A closed case does not reopen (`besides`), nor a new one open, while another of the
    child's cases is open."""
    others = Case.objects.filter(child_id=child_id).exclude(stage=Case.Stage.CLOSED)
    if besides is not None:
        others = others.exclude(pk=besides.pk)
    still_open = others.select_related("lead_agency").first()
    if still_open is not None:
        raise ValidationError(
            _(
                "This child's case %(ref)s is still open at %(agency)s: work on that case, or "
                "ask that agency to hand it over, so the child keeps one case worker."
            )
            % {"ref": still_open.reference, "agency": still_open.lead_agency.name}
        )


@transaction.atomic
def case_hand_over(*, earlier: Case, actor: Any, agency: Agency, reason: str) -> Case:
    """The cases' half of a transfer of responsibility (RR-7), run by haven.directory's
    `transfer_accept` once the receiving agency accepts: the earlier case closes as handed over
    (its closing checks run, so no child held and no critical alert is left behind in a closed
    case) and a case for the same child opens in `agency`, with `actor` as case worker. The
    caller has checked who may act and the sharing basis."""
    case = Case.objects.select_for_update(no_key=True).get(pk=earlier.pk)
    _check_closing(case, reason=reason, closed_reason=ClosingReason.TRANSFERRED)
    _move_stage(
        case=case,
        actor=actor,
        to_stage=Case.Stage.CLOSED,
        reason=reason,
        closed_reason=ClosingReason.TRANSFERRED,
    )
    reevaluate(case, Case, StageChange)
    return _open_case(
        actor=actor,
        agency=agency,
        child=case.child,
        summary="",
        handed_over_from=[None, str(case.public_id)],
    )


@ends_help(reasons=ClosingReason, reason="closed_reason", detail="reason")
@transaction.atomic
def closure_request(*, case: Case, actor: Any, closed_reason: str, reason: str) -> ClosureRequest:
    """Ask for a case to be closed (RR-6, CC-1). The closing checks run now, so the case worker
    learns at once what still keeps the case open; a supervisor approves or declines."""
    require(actor, Capability.CHANGE_STAGE, case)
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    _check_closing(case, reason=reason, closed_reason=closed_reason)
    if _pending_closure(case) is not None:
        raise ValidationError(
            _("A request to close this case is already waiting for a supervisor's approval.")
        )
    return create_and_record(
        ClosureRequest,
        audited=case,
        actor=actor,
        action="case.closure_request",
        changes={"closed_reason": [None, closed_reason]},
        case=case,
        closed_reason=closed_reason,
        reason=reason.strip(),
    )


@transaction.atomic
def closure_decide(
    *, request: ClosureRequest, actor: Any, approve: bool, note: str = ""
) -> ClosureRequest:
    """Approve a request to close a case, which closes it after the closing checks run again
    (the case may have changed since it was asked), or decline it with a note for the case
    worker. The person who asked does not approve their own request."""
    require(actor, Capability.APPROVE_CLOSURE, request.case)
    case = Case.objects.select_for_update(no_key=True).get(pk=request.case_id)
    request = ClosureRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ClosureRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if request.created_by_id == actor.pk:
        raise ValidationError(
            _("Someone other than the person who asked approves or declines a closure.")
        )
    if approve:
        _check_closing(case, reason=request.reason, closed_reason=request.closed_reason)
        _move_stage(
            case=case,
            actor=actor,
            to_stage=Case.Stage.CLOSED,
            reason=request.reason,
            closed_reason=request.closed_reason,
        )
    elif not note.strip():
        raise ValidationError({"note": _("Say why the case stays open, for the case worker.")})
    request.set_status(
        ClosureRequest.Status.APPROVED if approve else ClosureRequest.Status.DECLINED,
        actor=actor,
        action="case.closure_decide",
        case=case,
        fields={
            "decided_by": actor,
            "decided_at": case.closed_at if approve else timezone.now(),
            "decision_note": note.strip(),
        },
    )
    reevaluate(case, Case, StageChange, ClosureRequest)
    return request


@transaction.atomic
def interview_record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    conducted_at: datetime,
    interviewer: str,
    duration_minutes: int,
    interviewer_agency: str = "",
    location: str = "",
    interpreter: str = "",
    support_person: str = "",
    child_told_story: bool = True,
    notes: str = "",
    interpreter_reason: str = "",
    proceeding: Any = None,
) -> Interview:
    """Log an interview, statement or testimony (ID-6, CC-6, VW-5). Each one in which the child
    was asked about what happened adds to the count of times they have told their story.
    `interpreter_reason` says why there was no interpreter, or a different one from the child's
    last interview, where the interpreter check (CC-10, registered by identification) asks.
    `proceeding` is the child's part in the proceeding a statement, testimony or
    cross-examination is for: the justice area's check refuses one without it (VW-1)."""
    require(actor, Capability.RECORD_INTERVIEW, case)
    interview = Interview(
        case=case,
        kind=kind,
        conducted_at=conducted_at,
        interviewer=interviewer.strip(),
        interviewer_agency=interviewer_agency.strip(),
        location=location.strip(),
        interpreter=interpreter.strip(),
        support_person=support_person.strip(),
        duration_minutes=duration_minutes,
        child_told_story=child_told_story,
        notes=notes.strip(),
        created_by=actor,
        updated_by=actor,
    )
    # Not asked of the database again: the case and the actor were just read, and the public ID
    # is a new random UUID (3 of the 25 queries of recording an interview).
    interview.full_clean(exclude=["case", "created_by", "updated_by", "public_id"])
    validate_event_time(conducted_at, "conducted_at")
    # The areas' checks (an interpreter where the child's language is not spoken, CC-10) may
    # refuse the interview before anything is written.
    keeps = check_interview(
        case=case,
        actor=actor,
        interview=interview,
        interpreter_reason=interpreter_reason.strip(),
        proceeding=proceeding,
    )
    interview.save()
    record_event(
        actor=actor,
        # Evidence in a proceeding is a legal matter: its own label, of that class, so the
        # timeline does not tell a reader without legal matters that the child testified.
        action="interview.proceedings" if kind in Interview.PROCEEDINGS else "interview.record",
        obj=interview,
        case=case,
        changes={"kind": [None, kind], "child_told_story": [None, child_told_story]},
    )
    kept = [model for keep in keeps for model in keep(interview)]
    reevaluate(case, Interview, *kept)
    return interview


@transaction.atomic
def case_note_add(*, case: Case, actor: Any, body: str) -> CaseNote:
    require(actor, Capability.WRITE_NOTE, case)
    if not body.strip():
        raise ValidationError({"body": _("The note is empty.")})
    note = CaseNote.objects.create(case=case, body=body.strip(), created_by=actor, updated_by=actor)
    record_event(actor=actor, action="note.add", obj=note, case=case)
    reevaluate(case, CaseNote)
    return note
