"""Need-to-know access to cases and children (DESIGN idea 3; DP-1, DP-2, CC-7).

The only ways views, the API and services load a case, a child or a record of a case:
- `cases_for_user(user)` / `children_for_user(user)`: querysets of what the user may see;
- `access_case_by_id(user, public_id)` / `access_child_by_id(user, public_id)`: one record, or
  Http404 whether it is missing or forbidden, so the answer reveals nothing;
- `record_for(user, case, rows, public_id)`: one record of a visible case, when the user may
  read its class (`row_sensitivity`, declared on the model); Http404 otherwise, on every door.

A user sees a case when (a) they hold, in the case's lead agency, a role that sees all of that
agency's cases (supervisor, child-protection officer), or (b) they have a current assignment on
the case (case worker, guardian, support person, interpreter...). Nothing else: an unassigned
case worker of the same agency, another agency, statisticians and administrators see nothing.
A child is visible through any visible case. Which fields of a visible case a user may read
comes from their roles on it (haven.accounts.roles.READABLE).

Who may act in an agency, whatever the case (its staff pages, its directory entries), is
answered by the memberships below (`agencies_where`, from haven.accounts.access, which this
module builds on and offers again).

A referral recipient (haven.directory) holds an assignment that grants only while its referral
is accepted and its sharing basis holds: the consent it named is in force (not withdrawn, not
expired), or a legal basis was recorded (DP-5). They read the classes agreed on the referral
intersected with what their own role in the receiving agency may read (DP-9).

Emergency access (DP-4, haven.cases.emergency) is an assignment too, one that expires by
itself: while it lasts, the person reads what their own role in the lead agency reads and does
only what keeps the child safe now (EMERGENCY_CAPABILITIES).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import rules
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.access import agencies_where, memberships
from haven.accounts.models import Membership, User
from haven.accounts.roles import (
    ASSIGNABLE,
    ASSIGNMENT_ACTS_AS,
    CAPABILITIES,
    EMERGENCY,
    EMERGENCY_CAPABILITIES,
    READABLE,
    REFERRAL_RECIPIENT,
    REFERRAL_RECIPIENT_CAPABILITIES,
    Capability,
    roles_with,
)
from haven.cases.models import ASSIGNED_BY_HAND, AssignmentRole, Case, CaseAssignment
from haven.children.models import Child
from haven.core.sensitivity import Sensitivity
from haven.safeguards.registry import alert_rules, rules_shown


def granting_assignments() -> QuerySet[CaseAssignment]:
    """Current assignments that grant access: every current one, except a referral
    recipient's whose referral is no longer accepted or whose sharing basis lapsed (the consent
    was withdrawn or expired, DP-5). One filter in SQL, so a withdrawal ends access at once
    without a job, and the number of queries does not change."""
    consent_in_force = (
        Q(referral__consent__withdrawn_at__isnull=True)
        & (
            Q(referral__consent__grants=True)
            | Q(referral__consent__override_decision__isnull=False)
        )
        & (
            Q(referral__consent__expires_on__isnull=True)
            | Q(referral__consent__expires_on__gte=timezone.localdate())
        )
    )
    basis = Q(referral__legal_basis__gt="") | (
        Q(referral__consent__isnull=False) & consent_in_force
    )
    return CaseAssignment.objects.current().filter(
        ~Q(role=REFERRAL_RECIPIENT) | (Q(referral__status="accepted") & basis)
    )


def _active_staff(user: Any) -> bool:
    """Signed in, active, and staff somewhere: without an active membership a person is no
    longer staff anywhere, and assignments they still hold (nobody ended them when they left)
    grant nothing (DP-2)."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active and memberships(user))


def _seeing_every_case(user: Any) -> set[int]:
    """The agencies where the user's role sees every case the agency leads."""
    return {a.pk for a in agencies_where(user, Capability.SEE_AGENCY_CASES)}


def _seen(user: Any, beside: Iterable[int] = ()) -> Q | None:
    """What the user may see: every case of the agencies where they see the agency's cases,
    and the cases their assignments grant; the agencies in `beside` left out of the first part.
    None for someone who may see nothing (`_active_staff`)."""
    if not _active_staff(user):
        return None
    agency_ids = sorted(_seeing_every_case(user) - set(beside))
    assigned = granting_assignments().filter(user=user).values("case_id")
    return Q(lead_agency_id__in=agency_ids) | Q(pk__in=assigned)


def may_see(user: Any, case: Case) -> bool:
    """Whether the user may see this one case: `_seen` weighed in Python for a case already
    loaded, the same rule (tests/cases/test_may_see.py holds them equal). Its lead agency is one
    where their role sees every case, or an assignment of theirs on it grants access."""
    if not _active_staff(user):
        return False
    return case.lead_agency_id in _seeing_every_case(user) or bool(_held(user, case))


def cases_for_user(user: Any) -> QuerySet[Case]:
    seen = _seen(user)
    return Case.objects.none() if seen is None else Case.objects.filter(seen)


def cases_led_by(user: Any, agency_ids: Iterable[int]) -> QuerySet[Case]:
    """The cases led by these agencies that the user may see: `cases_for_user` narrowed to
    them. Where the user sees every case of each of them (a supervisor's own agencies), that is
    simply their cases, without the OR of the user's own assignments: with it, PostgreSQL could
    not read the agencies' cases by their index, and the dashboard's aggregates over an
    agency's 32,618 open cases took twice as long at 100,000 cases."""
    ids = sorted(set(agency_ids))
    if sees_every_case(user, ids):
        return led_by(ids)
    return cases_for_user(user).filter(lead_agency_id__in=ids)


def led_by(agency_ids: Iterable[int]) -> QuerySet[Case]:
    """Every case these agencies lead, whoever may see it: for figures counted per set of
    agencies (the dashboard's, haven.reports.snapshots), shown only to readers who
    `sees_every_case` of them."""
    return Case.objects.filter(lead_agency_id__in=sorted(set(agency_ids)))


def sees_every_case(user: Any, agency_ids: Iterable[int]) -> bool:
    """Whether the user sees every case these agencies lead, whoever is assigned: then what
    they see of them is the agencies' alone, the same for each such user (the dashboard keeps
    its figures per set of agencies on that ground, haven.reports.snapshots)."""
    if not _active_staff(user):
        return False
    return _seeing_every_case(user).issuperset(agency_ids)


def cases_beyond(user: Any, agency_ids: Iterable[int]) -> QuerySet[Case]:
    """The cases the user may see that these agencies do not lead: `cases_for_user` without
    them. Built from its two parts, the other agencies whose cases they see and their own
    assignments, so that PostgreSQL reads each by its index; `cases_for_user().exclude()` read
    every case of the table to keep the few left."""
    ids = set(agency_ids)
    seen = _seen(user, beside=ids)
    if seen is None:
        return Case.objects.none()
    return Case.objects.filter(seen).exclude(lead_agency_id__in=ids)


def access_case_by_id(user: Any, public_id: UUID | str) -> Case:
    """The case with this public ID, when the user may see it; Http404 alike when it does not
    exist and when they may not (DP-1). Read by its key alone and then weighed by `may_see`,
    which reads the user's granting assignments on it, the rows its grant is built from anyway.
    The access condition as the read's subquery cost more to build than the read itself: the
    case and its grant took 6.2 ms, now 5.0, at 100,000 cases."""
    try:
        case = Case.objects.select_related("child", "lead_agency").get(public_id=public_id)
    except (Case.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not may_see(user, case):
        raise Http404
    return case


def access_case_reading(
    user: Any, public_id: UUID | str, sensitivity: str, *capabilities: str
) -> Case:
    """The case, for a user who may read `sensitivity` on it (a child's legal or family
    matters): 404 when they cannot see the case or may not read that class there, the same
    answer as for a case that does not exist (DP-1), and PermissionDenied when they may but
    lack one of `capabilities`."""
    case = access_case_by_id(user, public_id)
    if sensitivity not in readable(user, case):
        raise Http404
    for capability in capabilities:
        require(user, capability, case)
    return case


def children_for_user(user: Any) -> QuerySet[Child]:
    return Child.objects.filter(pk__in=cases_for_user(user).values("child_id"))


def access_case_for(user: Any, public_id: UUID | str, capability: str) -> Case:
    """The case, for a user who may take `capability` on it: 404 when they cannot see it,
    PermissionDenied when they can see it but not act."""
    case = access_case_by_id(user, public_id)
    require(user, capability, case)
    return case


def access_child_by_id(user: Any, public_id: UUID | str) -> Child:
    try:
        return children_for_user(user).get(public_id=public_id)
    except (Child.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class Grant:
    """What a user may read and do on one case."""

    readable: frozenset[Sensitivity]
    capabilities: frozenset[str]


_NO_GRANT = Grant(frozenset(), frozenset())


# One granting assignment as read for a grant: (part on the case, agency it was made through,
# the referral's agreed data points when the part is referral recipient).
_Held = tuple[str, int | None, list[str] | None]


def _grant(user: Any, agency_roles: set[str], held: list[_Held]) -> Grant:
    """Agency-wide roles grant what the role allows. An assignment grants what its part on the
    case allows, but never more than the person's own staff role allows: a shelter worker who is
    a child's support person does not read what a psychologist would (DP-1). A referral
    recipient reads what their own role in the receiving agency allows, and of that only the
    data points agreed on the referral (DP-9); they do care work, nothing more (DP-2). Emergency
    access reads what the person's role in the lead agency reads, and acts only to keep the
    child safe (DP-4)."""
    own = {m.role for m in memberships(user)}
    own_readable: set[Sensitivity] = set().union(*(READABLE[r] for r in own)) if own else set()
    own_caps: set[str] = set().union(*(CAPABILITIES[r] for r in own)) if own else set()
    readable_classes: set[Sensitivity] = set()
    caps: set[str] = set()
    for role in agency_roles:
        readable_classes |= READABLE[role]
        caps |= CAPABILITIES[role]
    for assignment_role, through, data_points in held:
        if assignment_role == REFERRAL_RECIPIENT:
            there = {m.role for m in memberships(user) if m.agency_id == through}
            agreed = {Sensitivity(p) for p in data_points or () if p in Sensitivity.values}
            for role in there:
                readable_classes |= READABLE[role] & agreed
                caps |= CAPABILITIES[role] & REFERRAL_RECIPIENT_CAPABILITIES
            continue
        if assignment_role == EMERGENCY:
            there = {m.role for m in memberships(user) if m.agency_id == through}
            for role in there & roles_with(Capability.BREAK_GLASS):
                readable_classes |= READABLE[role]
                caps |= CAPABILITIES[role] & EMERGENCY_CAPABILITIES
            continue
        acts_as = ASSIGNMENT_ACTS_AS[assignment_role]
        readable_classes |= READABLE[acts_as] & own_readable
        caps |= CAPABILITIES[acts_as] & own_caps
    return Grant(frozenset(readable_classes), frozenset(caps))


def _agency_roles(user: Any, agency_id: int) -> set[str]:
    see_all = roles_with(Capability.SEE_AGENCY_CASES)
    return {m.role for m in memberships(user) if m.agency_id == agency_id and m.role in see_all}


def case_grant(user: Any, case: Case) -> Grant:
    """What the user may read and do on this case (nothing when they cannot see it)."""
    if not _active_staff(user):
        return _NO_GRANT
    cache: dict[int, Grant] = case.__dict__.setdefault("_haven_grants", {})
    if user.pk not in cache:
        cache[user.pk] = _grant(user, _agency_roles(user, case.lead_agency_id), _held(user, case))
    return cache[user.pk]


def _held(user: Any, case: Case) -> list[_Held]:
    """The user's granting assignments on this case, read once per case object and user."""
    cache: dict[int, list[_Held]] = case.__dict__.setdefault("_haven_held", {})
    if user.pk not in cache:
        assigned = granting_assignments().filter(case=case, user=user)
        cache[user.pk] = list(assigned.values_list("role", "agency_id", "referral__data_points"))
    return cache[user.pk]


def forget_roles(case: Case) -> None:
    """Drop the grants cached on this case object; called when its assignments change."""
    case.__dict__.pop("_haven_grants", None)
    case.__dict__.pop("_haven_held", None)


def readable(user: Any, case: Case) -> frozenset[Sensitivity]:
    """Sensitivity classes the user may read on this case (DP-1)."""
    return case_grant(user, case).readable


def readable_by_case(user: Any, cases: list[Case]) -> dict[int, frozenset[Sensitivity]]:
    """readable() for many cases with one query, for lists and exports."""
    if not _active_staff(user):
        return {case.pk: frozenset() for case in cases}
    assigned: dict[int, list[_Held]] = {}
    rows = (
        granting_assignments()
        .filter(user=user, case_id__in=[c.pk for c in cases])
        .values_list("case_id", "role", "agency_id", "referral__data_points")
    )
    for case_id, role, through, data_points in rows:
        assigned.setdefault(case_id, []).append((role, through, data_points))
    return {
        case.pk: _grant(
            user, _agency_roles(user, case.lead_agency_id), assigned.get(case.pk, [])
        ).readable
        for case in cases
    }


def shown_alerts(user: Any, prefix: str = "") -> Q:
    """A filter on alerts (`prefix` leads from another model, "alerts__" from a case): those of
    the cases the user may see whose subject is of a class the user may read there (DP-1,
    DP-9). A referral recipient agreed to health alone does not learn from an alert that the
    child is held somewhere, nor from a count of alerts. One query for the user's
    assignments; the filter holds one term per agency and per set of classes."""
    nothing = Q(**{f"{prefix}pk__in": []})
    if not _active_staff(user):
        return nothing
    see_all = roles_with(Capability.SEE_AGENCY_CASES)
    by_agency: dict[int, set[Sensitivity]] = {}
    for m in memberships(user):
        if m.role in see_all:
            by_agency.setdefault(m.agency_id, set()).update(READABLE[m.role])
    held: dict[int, list[_Held]] = {}
    rows = (
        granting_assignments()
        .filter(user=user)
        .values_list("case_id", "role", "agency_id", "referral__data_points")
    )
    for case_id, role, through, data_points in rows:
        held.setdefault(case_id, []).append((role, through, data_points))
    by_classes: dict[frozenset[Sensitivity], list[int]] = {}
    classes: frozenset[Sensitivity] | set[Sensitivity]
    for case_id, assignments in held.items():
        by_classes.setdefault(_grant(user, set(), assignments).readable, []).append(case_id)
    shown = nothing
    for agency_id, classes in by_agency.items():
        shown |= Q(
            **{
                f"{prefix}case__lead_agency_id": agency_id,
                f"{prefix}rule_code__in": rules_shown(classes),
            }
        )
    for classes, case_ids in by_classes.items():
        shown |= Q(
            **{f"{prefix}case_id__in": case_ids, f"{prefix}rule_code__in": rules_shown(classes)}
        )
    return shown


def agencies_seeing_every_alert(user: Any) -> list[int]:
    """The agencies on whose cases the user sees every alert (DP-9): where their role sees
    all the agency's cases and may read every class an alert rule tells of. A count of all a
    case's open alerts tells them nothing more there (haven.safeguards.tally)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    every = {rule.code for rule in alert_rules()}
    see_all = roles_with(Capability.SEE_AGENCY_CASES)
    return sorted(
        {
            m.agency_id
            for m in memberships(user)
            if m.role in see_all and set(rules_shown(READABLE[m.role])) >= every
        }
    )


def record_for[M: Model](user: Any, case: Case, rows: QuerySet[M], public_id: UUID | str) -> M:
    """The record of `case` with this public ID, when the user may read its class on the case
    (DP-1). `rows` are the case's records of one kind (a selector's queryset). Missing, of
    another case, or of a class the user may not read: Http404 alike, so a page and the API
    answer the same and neither reveals that a family or legal record exists."""
    try:
        record = rows.get(public_id=public_id)
    except (ObjectDoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc
    if not record.readable_with(readable(user, case)):  # type: ignore[attr-defined]
        raise Http404
    return record


def can(user: Any, capability: str, case: Case | None = None) -> bool:
    """Whether the user may take an action: on a case when one is given, else anywhere."""
    if case is None:
        return any(capability in CAPABILITIES[m.role] for m in memberships(user))
    return capability in case_grant(user, case).capabilities


def require(user: Any, capability: str, case: Case | None = None) -> None:
    """Raise PermissionDenied unless the user may take the action. Services call this first."""
    if not can(user, capability, case):
        raise PermissionDenied(_("You are not allowed to do this."))


# Who may take a part on a case ------------------------------------------------------------------

# At most this many words of a name are searched: a name, not a paragraph.
NAME_WORDS_MAX = 5


def assignable_people(case: Case, role: str | None = None, name: str = "") -> QuerySet[User]:
    """The people who may be given `role` on the case (CC-9, DP-1, DP-2): the one answer that
    the person picker lists, the assignment form validates against and `case_assign` checks,
    so the page never offers someone the service would refuse.

    An active account with an active membership whose staff role may take the part
    (roles.ASSIGNABLE: an interpreter is assigned as an interpreter, never as a lawyer); a case
    worker only from the case's lead agency; and not someone who already holds the part on the
    case. Without a role: anyone who may take at least one of the parts given by hand. `name`
    narrows it to people whose first name, last name or username holds every word typed, in
    any order and any letter case ("kyaw aung" finds Aung Kyaw). Unordered."""
    parts = [value for value, _label in ASSIGNED_BY_HAND]
    if role is not None and role not in parts:
        return User.objects.none()
    fitting = Membership.objects.filter(user_id=OuterRef("pk"), is_active=True)
    if role is None:
        fitting = fitting.filter(role__in=set().union(*(ASSIGNABLE[part] for part in parts)))
    elif role == AssignmentRole.CASE_WORKER:
        fitting = fitting.filter(agency_id=case.lead_agency_id, role__in=ASSIGNABLE[role])
    else:
        fitting = fitting.filter(role__in=ASSIGNABLE[role])
    people = User.objects.filter(Exists(fitting), is_active=True)
    if role is not None:
        holding = CaseAssignment.objects.filter(
            case_id=case.pk, user_id=OuterRef("pk"), role=role, ended_at__isnull=True
        )
        people = people.exclude(Exists(holding))
    for word in name.split()[:NAME_WORDS_MAX]:
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
        )
    return people


def is_case_worker(user: Any, case: Case) -> bool:
    """Whether the user is the case's case worker now (CC-9): a current assignment as case
    worker, held while they are active in the agency it was made through."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return (
        granting_assignments()
        .filter(case=case, user=user, role=AssignmentRole.CASE_WORKER)
        .exists()
    )


def require_case_worker(user: Any, case: Case) -> None:
    """Raise PermissionDenied unless the user is the case's case worker now: what only they
    may do, such as asking for their case to be handed over (CC-9)."""
    if not is_case_worker(user, case):
        raise PermissionDenied(_("Only the case worker of this case can do this."))


def access_case_as_case_worker(user: Any, public_id: UUID | str) -> Case:
    """The case, for its case worker: 404 when the user cannot see it, PermissionDenied when
    they can but are not its case worker (a supervisor, an interpreter)."""
    case = access_case_by_id(user, public_id)
    require_case_worker(user, case)
    return case


def _capability_predicate(capability: str) -> rules.Predicate:
    def check(user: Any, obj: Any = None) -> bool:
        return can(user, capability, obj)

    return rules.predicate(check, name=f"can_{capability}")


def _register_permissions() -> None:
    """Expose every capability as a Django permission (`haven.<capability>`) through `rules`, so
    templates and DRF can ask `user.has_perm("haven.change_stage", case)`."""
    for capability in Capability:
        rules.add_perm(f"haven.{capability}", _capability_predicate(capability))


_register_permissions()
