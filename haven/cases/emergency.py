"""Emergency ("break-glass") access to a case outside one's normal access (DP-4).

At night the case worker cannot be reached, and the police call about a child of the agency
held in a cell: the person on duty needs the case now. They give the case's reference and say
why; they get an assignment of the part "emergency access" that expires by itself (60 minutes
unless they choose otherwise), and while it lasts they read what their own role in the lead
agency reads and do only what keeps the child safe (haven.accounts.roles.EMERGENCY_CAPABILITIES;
the grant itself is decided in haven.cases.access like every other). Every page they open is in
the access log and every change in the audit chain, as always; opening, ending and reviewing
the access are audited too. A supervisor of the agency (who may assign its cases) reviews each
one: justified or not, with a note.

Only cases led by an agency where the person holds a role that may break the glass: an
emergency is never a way into another agency's cases (DP-2)."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.models import AccessLog, AuditEvent
from haven.audit.services import record_event
from haven.cases.access import agencies_where, cases_for_user, forget_roles
from haven.cases.models import (
    AssignmentRole,
    Case,
    CaseAssignment,
    EmergencyAccess,
    EmergencyReason,
)
from haven.cases.services import lock_case
from haven.core.forms import TEXT_MAX_LENGTH
from haven.safeguards.engine import reevaluate

DEFAULT_MINUTES = 60
# Long enough to deal with a night's emergency, short enough that access does not linger: a
# longer need is an assignment, which a supervisor gives.
MINUTES_CHOICES = (15, 30, 60, 120, 240)


def _localtime(moment: Any) -> str:
    return time_format(timezone.localtime(moment), "H:i")


@transaction.atomic
def emergency_access_open(
    *, actor: Any, reference: str, reason: str, detail: str, minutes: int = DEFAULT_MINUTES
) -> EmergencyAccess:
    """Open a case of the actor's agency in an emergency, for `minutes`, with a reason."""
    agencies = agencies_where(actor, Capability.BREAK_GLASS)
    if not agencies:
        raise PermissionDenied(_("You are not allowed to do this."))
    errors: dict[str, str] = {}
    if reason not in EmergencyReason.values:
        errors["reason"] = _("Choose what the emergency is.")
    if not detail.strip():
        errors["detail"] = _(
            "Say what is happening and why it cannot wait: a supervisor will read it."
        )
    elif len(detail) > TEXT_MAX_LENGTH:
        errors["detail"] = _("Keep it shorter than %(n)s characters.") % {"n": TEXT_MAX_LENGTH}
    if minutes not in MINUTES_CHOICES:
        errors["minutes"] = _("Choose how long you need: %(choices)s minutes.") % {
            "choices": ", ".join(str(m) for m in MINUTES_CHOICES)
        }
    case = (
        Case.objects.filter(
            lead_agency__in=agencies, reference__iexact=(reference or "").strip()[:20]
        )
        .select_related("lead_agency")
        .first()
    )
    if case is None:
        errors["reference"] = _(
            "No case of your agency has this reference. Check it with the person who gave it "
            "to you (it looks like HV-ABC3DEF)."
        )
    if errors:
        raise ValidationError(errors)
    assert case is not None
    lock_case(case)
    now = timezone.now()
    own = CaseAssignment.objects.current().filter(case=case, user=actor)
    open_already = own.filter(role=AssignmentRole.EMERGENCY).first()
    if open_already is not None:
        raise ValidationError(
            {
                "reference": _("Your emergency access to this case is open until %(time)s.")
                % {"time": _localtime(open_already.expires_at)}
            }
        )
    if cases_for_user(actor).filter(pk=case.pk).exists():
        raise ValidationError(
            {"reference": _("You can already open this case: no emergency access is needed.")}
        )
    # An earlier emergency access that expired by itself is ended at its expiry, so the record
    # says when it stopped (and the one-current-part-per-person constraint holds).
    CaseAssignment.objects.filter(
        case=case, user=actor, role=AssignmentRole.EMERGENCY, ended_at__isnull=True
    ).update(ended_at=F("expires_at"))
    forget_roles(case)
    assignment = CaseAssignment.objects.create(
        case=case,
        user=actor,
        agency=case.lead_agency,
        role=AssignmentRole.EMERGENCY,
        started_at=now,
        expires_at=now + timedelta(minutes=minutes),
        created_by=actor,
        updated_by=actor,
    )
    access = EmergencyAccess.objects.create(
        assignment=assignment,
        reason=reason,
        detail=detail.strip(),
        created_by=actor,
        updated_by=actor,
    )
    # The detail is content: the chain says that it was given, never what it says (DP-15).
    record_event(
        actor=actor,
        action="emergency.open",
        obj=access,
        case=case,
        changes={
            "reason": [None, reason],
            "minutes": [None, minutes],
            "expires_at": [None, assignment.expires_at],
            "detail": "changed",
        },
    )
    reevaluate(case, CaseAssignment)
    return access


@transaction.atomic
def emergency_access_end(*, access: EmergencyAccess, actor: Any) -> EmergencyAccess:
    """End an emergency access before it expires: by the person who holds it, or by someone who
    may assign the agency's cases."""
    assignment = access.assignment
    case = assignment.case
    if actor.pk != assignment.user_id and case.lead_agency not in agencies_where(
        actor, Capability.ASSIGN
    ):
        raise PermissionDenied(_("You are not allowed to do this."))
    lock_case(case)
    assignment = CaseAssignment.objects.select_for_update().get(pk=assignment.pk)
    now = timezone.now()
    if assignment.ended_at is not None or (
        assignment.expires_at is not None and assignment.expires_at <= now
    ):
        raise ValidationError(_("This emergency access has already ended."))
    forget_roles(case)
    assignment.ended_at = now
    assignment.updated_by = actor
    assignment.save(update_fields=["ended_at", "updated_by", "updated_at"])
    access.assignment = assignment
    record_event(
        actor=actor,
        action="emergency.end",
        obj=access,
        case=case,
        changes={"ended_at": [None, now]},
    )
    reevaluate(case, CaseAssignment)
    return access


@transaction.atomic
def emergency_access_review(
    *, access: EmergencyAccess, actor: Any, outcome: str, note: str = ""
) -> EmergencyAccess:
    """A supervisor's review of an emergency access (DP-4): justified or not. Nobody reviews
    their own; a review is final (a second opinion is a concern about the practitioner)."""
    case = access.assignment.case
    if case.lead_agency not in agencies_where(actor, Capability.ASSIGN):
        raise PermissionDenied(_("You are not allowed to do this."))
    if actor.pk == access.assignment.user_id:
        raise ValidationError(
            {"outcome": _("Someone else reviews your emergency access: you cannot review it.")}
        )
    access = EmergencyAccess.objects.select_for_update().get(pk=access.pk)
    errors: dict[str, str] = {}
    if outcome not in EmergencyAccess.Outcome.values:
        errors["outcome"] = _("Choose whether the emergency access was justified.")
    if outcome == EmergencyAccess.Outcome.NOT_JUSTIFIED and not note.strip():
        errors["review_note"] = _("Say why it was not justified and what you have done about it.")
    if len(note) > TEXT_MAX_LENGTH:
        errors["review_note"] = _("Keep it shorter than %(n)s characters.") % {"n": TEXT_MAX_LENGTH}
    if access.reviewed_at is not None:
        errors["outcome"] = _("This emergency access has already been reviewed.")
    if errors:
        raise ValidationError(errors)
    access.reviewed_at = timezone.now()
    access.reviewed_by = actor
    access.outcome = outcome
    access.review_note = note.strip()
    access.updated_by = actor
    access.save()
    record_event(
        actor=actor,
        action="emergency.review",
        obj=access,
        case=case,
        changes={"outcome": [None, outcome], **({"review_note": "changed"} if note else {})},
    )
    return access


# Reading ------------------------------------------------------------------------------------


def _window_count(rows: QuerySet[Any], who: str) -> Coalesce:
    """How many rows of the access log or the audit chain the holder left on the case while the
    access lasted: what they opened and what they changed."""
    rows = (
        rows.filter(
            **{who: OuterRef("assignment__user_id")},
            case_id=OuterRef("assignment__case_id"),
            occurred_at__gte=OuterRef("assignment__started_at"),
            occurred_at__lte=OuterRef("window_end"),
        )
        .order_by()
        .values(who)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def with_activity(rows: QuerySet[EmergencyAccess]) -> QuerySet[EmergencyAccess]:
    return (
        rows.select_related("assignment__case", "assignment__user", "reviewed_by")
        .annotate(window_end=Coalesce("assignment__ended_at", "assignment__expires_at"))
        .annotate(
            pages_opened=_window_count(AccessLog.objects.all(), "user_id"),
            # Not the opening and ending of the emergency access itself.
            changes_made=_window_count(
                AuditEvent.objects.exclude(action__startswith="emergency."), "actor_id"
            ),
        )
    )


def for_review(user: Any) -> QuerySet[EmergencyAccess]:
    """Emergency accesses to the cases of the agencies where the user may assign cases, except
    their own: waiting for review first, oldest first; then the reviewed, newest first."""
    agencies = agencies_where(user, Capability.ASSIGN)
    rows = EmergencyAccess.objects.filter(assignment__case__lead_agency__in=agencies).exclude(
        assignment__user=user
    )
    return with_activity(rows)


def waiting_for_review(user: Any) -> QuerySet[EmergencyAccess]:
    return for_review(user).filter(reviewed_at__isnull=True).order_by("created_at")


def reviewed(user: Any) -> QuerySet[EmergencyAccess]:
    return for_review(user).filter(reviewed_at__isnull=False).order_by("-reviewed_at")


def own(user: Any) -> QuerySet[EmergencyAccess]:
    """The user's own emergency accesses, newest first."""
    return with_activity(EmergencyAccess.objects.filter(assignment__user=user)).order_by(
        "-created_at"
    )


def access_for_review(user: Any, public_id: Any) -> EmergencyAccess:
    """One emergency access the user may review; Http404 otherwise."""
    try:
        return for_review(user).get(public_id=public_id)
    except (EmergencyAccess.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def own_access(user: Any, public_id: Any) -> EmergencyAccess:
    """One of the user's own emergency accesses; Http404 otherwise."""
    try:
        return own(user).get(public_id=public_id)
    except (EmergencyAccess.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def is_active(access: EmergencyAccess) -> bool:
    a = access.assignment
    return a.ended_at is None and a.expires_at is not None and a.expires_at > timezone.now()


def active_until(user: Any, case: Case) -> Any:
    """When the user's emergency access to this case ends, or None when they have none."""
    return (
        CaseAssignment.objects.current()
        .filter(case=case, user=user, role=AssignmentRole.EMERGENCY)
        .values_list("expires_at", flat=True)
        .first()
    )
