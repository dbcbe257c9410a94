"""Every write about a child as a victim-witness (VW-1 … VW-8). Each is one transaction: who
may act, validation naming the field, the blocking safeguards, save, audit (codes and dates,
never content), re-evaluation of the alerts of every case the write concerns.

Every function takes the case through which the person acts; a proceeding is reached through
the child's part in it (`ChildInProceeding`), which belongs to that case. A proceeding shared
by several children is changed from any of their cases, and the alerts of all of them are
re-evaluated; nothing about one child is written to another's case."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import require
from haven.cases.models import AssignmentRole, Case, CaseAssignment
from haven.cases.services import create_and_record, interview_record, lock_case
from haven.consent.models import InformationSession, Topic
from haven.core.codes import languages
from haven.core.forms import (
    chosen_codes,
    missing_texts,
    validate_event_date,
    validate_event_time,
)
from haven.core.versions import check_version
from haven.decisions.models import Decision
from haven.decisions.services import check_determination
from haven.justice.models import (
    ChildInProceeding,
    ChildRole,
    ChildUpdate,
    Choice,
    Compensation,
    EventKind,
    Form,
    Hearing,
    HearingAttendance,
    Measure,
    Participation,
    Proceeding,
    ProceedingEvent,
    ProceedingKind,
    ProceedingStatement,
    ProtectionMeasure,
    ReprisalRisk,
    Risk,
    Stage,
)
from haven.justice.rules import (
    FORM_OF_KIND,
    StatementFor,
    check_not_implicated,
    check_takes_part,
)
from haven.safeguards.engine import reevaluate


def _cases_of(proceeding: Proceeding) -> QuerySet[Case]:
    return Case.objects.filter(proceedings__proceeding=proceeding)


def _check_part(case: Case, part: ChildInProceeding) -> None:
    if part.case_id != case.pk:
        raise ValidationError(_("This proceeding is not on this child's case."))


def _proceeding_fields(
    *,
    kind: str,
    authority: str,
    reference: str,
    stage: str,
    opened_on: date | None,
    closed_on: date | None,
    prosecutor: str,
    accused: str,
    defence: str,
) -> dict[str, Any]:
    errors = missing_texts(
        {"authority": authority}, {"authority": _("Name the authority or court.")}
    )
    if kind not in ProceedingKind.values:
        errors["kind"] = _("Choose the kind of proceeding.")
    if stage not in Stage.values:
        errors["stage"] = _("Choose the stage the proceeding is at.")
    if opened_on is None:
        errors["opened_on"] = _("Give the date the proceeding opened.")
    if stage == Stage.CLOSED and closed_on is None:
        errors["closed_on"] = _("Give the date the proceeding closed.")
    if closed_on is not None and opened_on is not None and closed_on < opened_on:
        errors["closed_on"] = _("A proceeding cannot close before it opened.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(opened_on, "opened_on")
    validate_event_date(closed_on, "closed_on")
    return {
        "kind": kind,
        "authority": authority.strip(),
        "reference": reference.strip(),
        "stage": stage,
        "opened_on": opened_on,
        "closed_on": closed_on if stage == Stage.CLOSED else None,
        "prosecutor": prosecutor.strip(),
        "accused": accused.strip(),
        "defence": defence.strip(),
    }


def _role(role: str) -> None:
    if role not in ChildRole.values:
        raise ValidationError({"role": _("Choose the child's role in the proceeding.")})


# --- proceedings and the child's part in them ---------------------------------------------


@transaction.atomic
def proceeding_open(
    *,
    case: Case,
    actor: Any,
    kind: str,
    authority: str,
    stage: str,
    opened_on: date | None,
    role: str,
    reference: str = "",
    closed_on: date | None = None,
    prosecutor: str = "",
    accused: str = "",
    defence: str = "",
    child_lawyer: str = "",
) -> ChildInProceeding:
    """Record a proceeding connected with the case, and the child's role in it (VW-1)."""
    require(actor, Capability.RECORD_LEGAL, case)
    lock_case(case)
    fields = _proceeding_fields(
        kind=kind,
        authority=authority,
        reference=reference,
        stage=stage,
        opened_on=opened_on,
        closed_on=closed_on,
        prosecutor=prosecutor,
        accused=accused,
        defence=defence,
    )
    _role(role)
    proceeding = Proceeding.objects.create(**fields, created_by=actor, updated_by=actor)
    part = ChildInProceeding.objects.create(
        case=case,
        proceeding=proceeding,
        role=role,
        child_lawyer=child_lawyer.strip(),
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="justice.proceeding_open",
        obj=proceeding,
        case=case,
        changes={"kind": [None, kind], "stage": [None, stage], "role": [None, role]},
    )
    reevaluate(case, Proceeding, ChildInProceeding)
    return part


@transaction.atomic
def proceeding_join(
    *, case: Case, actor: Any, proceeding: Proceeding, role: str, child_lawyer: str = ""
) -> ChildInProceeding:
    """Add this child to a proceeding already recorded for another child (one trafficker,
    several victims). The caller found the proceeding among those they may read."""
    require(actor, Capability.RECORD_LEGAL, case)
    lock_case(case)
    _role(role)
    if ChildInProceeding.objects.filter(case=case, proceeding=proceeding).exists():
        raise ValidationError({"proceeding": _("This child is already in this proceeding.")})
    return create_and_record(
        ChildInProceeding,
        audited=case,
        actor=actor,
        action="justice.proceeding_join",
        changes={"role": [None, role]},
        case=case,
        proceeding=proceeding,
        role=role,
        child_lawyer=child_lawyer.strip(),
    )


@transaction.atomic
def proceeding_update(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    kind: str,
    authority: str,
    stage: str,
    opened_on: date | None,
    role: str,
    reference: str = "",
    closed_on: date | None = None,
    prosecutor: str = "",
    accused: str = "",
    defence: str = "",
    child_lawyer: str = "",
    expected_version: str | None = None,
) -> ChildInProceeding:
    """Change a proceeding (its stage, above all) and the child's part in it. The proceeding is
    shared: every child's case in it is re-evaluated, and two people changing it from two
    children's cases never silently overwrite each other (`expected_version`: the version of
    the proceeding the person opened). A support person it now names among the accused or
    their representatives is not refused here (who is accused is a fact to record): they no
    longer count as the child's support, and VW-3 is raised for the hearings to come."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    fields = _proceeding_fields(
        kind=kind,
        authority=authority,
        reference=reference,
        stage=stage,
        opened_on=opened_on,
        closed_on=closed_on,
        prosecutor=prosecutor,
        accused=accused,
        defence=defence,
    )
    _role(role)
    proceeding = Proceeding.objects.select_for_update().get(pk=part.proceeding_id)
    check_version(proceeding, expected_version)
    first_hearing = (
        proceeding.hearings.order_by("held_on").values_list("held_on", flat=True).first()
    )
    if first_hearing is not None and fields["opened_on"] > first_hearing:
        raise ValidationError(
            {"opened_on": _("A hearing is recorded before this date: check the dates.")}
        )
    before = {"stage": proceeding.stage, "kind": proceeding.kind}
    for name, value in fields.items():
        setattr(proceeding, name, value)
    proceeding.updated_by = actor
    proceeding.save()
    part = ChildInProceeding.objects.select_for_update().get(pk=part.pk)
    before["role"] = part.role
    part.role = role
    part.child_lawyer = child_lawyer.strip()
    part.updated_by = actor
    part.save()
    changes = {
        name: [before[name], value]
        for name, value in (("stage", stage), ("kind", kind), ("role", role))
        if before[name] != value
    }
    record_event(
        actor=actor, action="justice.proceeding_update", obj=proceeding, case=case, changes=changes
    )
    reevaluate(_cases_of(proceeding), Proceeding, ChildInProceeding)
    return part


# --- hearings and events --------------------------------------------------------------------


@transaction.atomic
def hearing_record(
    *, case: Case, actor: Any, part: ChildInProceeding, held_on: date | None, purpose: str = ""
) -> Hearing:
    """A hearing date of the proceeding. Setting one is news the child is told within 48 hours
    (VW-6), and the reprisal risk is reviewed before it (VW-7)."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    proceeding = part.proceeding
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the hearing.")})
    if held_on < proceeding.opened_on:
        raise ValidationError(
            {
                "held_on": _("A hearing cannot be before the proceeding opened (%(date)s).")
                % {"date": proceeding.opened_on.isoformat()}
            }
        )
    if held_on.year > 2200:
        raise ValidationError({"held_on": _("Check the date.")})
    return create_and_record(
        Hearing,
        audited=case,
        actor=actor,
        action="justice.hearing_record",
        changes={"held_on": [None, held_on]},
        cases=_cases_of(proceeding),
        proceeding=proceeding,
        held_on=held_on,
        purpose=purpose.strip(),
    )


@transaction.atomic
def event_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    kind: str,
    occurred_on: date | None,
    summary: str = "",
) -> ProceedingEvent:
    """A verdict, a release or an appeal of the accused: every child in the proceeding is told
    within 48 hours (VW-6); on a release or verdict the reprisal risk is reviewed (VW-7)."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    if kind not in EventKind.values:
        raise ValidationError({"kind": _("Choose what happened.")})
    if occurred_on is None:
        raise ValidationError({"occurred_on": _("Give the date.")})
    validate_event_date(occurred_on, "occurred_on")
    if occurred_on < part.proceeding.opened_on:
        raise ValidationError({"occurred_on": _("This cannot be before the proceeding opened.")})
    return create_and_record(
        ProceedingEvent,
        audited=case,
        actor=actor,
        action="justice.event_record",
        changes={"kind": [None, kind], "occurred_on": [None, occurred_on]},
        cases=_cases_of(part.proceeding),
        proceeding=part.proceeding,
        kind=kind,
        occurred_on=occurred_on,
        summary=summary.strip(),
    )


# --- participation (VW-1, VW-2, VW-8) ----------------------------------------------------------


@transaction.atomic
def participation_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    form: str,
    choice: str,
    decided_on: date | None,
    information_session: InformationSession | None,
    retraumatisation_risk: str,
    intimidation_risk: str,
    reprisal_risk: str,
    child_views: str,
    decision: Decision | None = None,
) -> Participation:
    """Whether the child takes part in one way (VW-1, PS-6). Both answers need the information
    session on the legal process and the right to decline (VW-2), the three risks weighed and
    the child's views; agreeing also needs a best-interests determination about legal
    participation. Declining is recorded and changes nothing else (VW-8)."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    errors: dict[str, Any] = missing_texts(
        {"child_views": child_views},
        {
            "child_views": _(
                "Write the child's views, in their words: their choice is theirs (VW-1)."
            )
        },
    )
    if form not in Form.values:
        errors["form"] = _("Choose how the child would take part.")
    if choice not in Choice.values:
        errors["choice"] = _("Record the child's choice.")
    for field, value in (
        ("retraumatisation_risk", retraumatisation_risk),
        ("intimidation_risk", intimidation_risk),
        ("reprisal_risk", reprisal_risk),
    ):
        if value not in Risk.values:
            errors[field] = _("Weigh this risk: low, medium or high.")
    if decided_on is None:
        errors["decided_on"] = _("Give the date.")
    if information_session is None or information_session.case_id != case.pk:
        errors["information_session"] = _(
            "Choose the information session in which the child was told about the legal "
            "process and that they may decline (VW-2)."
        )
    elif Topic.LEGAL_PROCESS not in information_session.topics:
        errors["information_session"] = _(
            "This session did not cover the legal process and the right to decline: tell the "
            "child first, and record that session (VW-2)."
        )
    elif decided_on is not None and timezone.localdate(information_session.given_at) > decided_on:
        errors["information_session"] = _("The child must be told before the decision, not after.")
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None and information_session is not None
    validate_event_date(decided_on, "decided_on")
    if choice == Choice.AGREES:
        check_determination(case.pk, decision, subjects={Decision.Subject.LEGAL_PARTICIPATION})
        assert decision is not None
        if decision.decided_on > decided_on:
            raise ValidationError(
                {"decision": _("This determination is dated after the child's choice.")}
            )
    elif decision is not None:
        check_determination(case.pk, decision, subjects={Decision.Subject.LEGAL_PARTICIPATION})
    return create_and_record(
        Participation,
        audited=case,
        actor=actor,
        action="justice.participation_record",
        changes={"form": [None, form], "choice": [None, choice]},
        child_in_proceeding=part,
        form=form,
        choice=choice,
        decided_on=decided_on,
        information_session=information_session,
        decision=decision,
        retraumatisation_risk=retraumatisation_risk,
        intimidation_risk=intimidation_risk,
        reprisal_risk=reprisal_risk,
        child_views=child_views.strip(),
    )


# --- hearings: support person and measures (VW-3, VW-4) -----------------------------------------


@transaction.atomic
def attendance_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    hearing: Hearing,
    testifies: bool = False,
    support_user: Any = None,
    support_name: str = "",
    support_relation: str = "",
    requested: Iterable[str] = (),
    granted: Iterable[str] = (),
    applied: Iterable[str] = (),
) -> HearingAttendance:
    """The child at a hearing: whether they testify there (only under an agreed participation,
    VW-1), their support person (a Haven user assigned to the case as support person, or a
    named person; never someone among the accused or representing them, VW-3), and the
    child-friendly measures requested, granted and applied (VW-4). Recorded again, it replaces
    what was recorded for that hearing."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    if hearing.proceeding_id != part.proceeding_id:
        raise ValidationError({"hearing": _("Choose a hearing of this proceeding.")})
    # Read afresh: who is accused may have changed since the part was loaded.
    proceeding = Proceeding.objects.get(pk=part.proceeding_id)
    requested = chosen_codes(requested, Measure.values, "requested")
    granted = chosen_codes(granted, Measure.values, "granted")
    applied = chosen_codes(applied, Measure.values, "applied")
    if support_user is not None and support_name.strip():
        raise ValidationError(
            {"support_name": _("Choose a Haven user or name someone else, not both.")}
        )
    if support_user is not None:
        assigned = CaseAssignment.objects.current().filter(
            case=case, user=support_user, role=AssignmentRole.SUPPORT_PERSON
        )
        if not assigned.exists():
            raise ValidationError(
                {"support_user": _("Assign this person to the case as support person first.")}
            )
        check_not_implicated(proceeding, support_user.get_full_name(), "support_user")
    check_not_implicated(proceeding, support_name, "support_name")
    if testifies:
        check_takes_part(part, Form.TESTIMONY)
    attendance, _created = HearingAttendance.objects.select_for_update().get_or_create(
        child_in_proceeding=part,
        hearing=hearing,
        defaults={"created_by": actor, "updated_by": actor},
    )
    attendance.testifies = testifies
    attendance.support_user = support_user
    attendance.support_name = support_name.strip()
    attendance.support_relation = support_relation.strip()
    attendance.requested, attendance.granted, attendance.applied = requested, granted, applied
    attendance.updated_by = actor
    attendance.save()
    record_event(
        actor=actor,
        action="justice.attendance_record",
        obj=attendance,
        case=case,
        changes={
            "testifies": [None, testifies],
            "support": [None, attendance.has_support],
            "requested": [None, requested],
            "granted": [None, granted],
            "applied": [None, applied],
        },
    )
    reevaluate(case, HearingAttendance)
    return attendance


# --- statements (VW-4, VW-5, CC-6) -------------------------------------------------------------


@transaction.atomic
def statement_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    kind: str,
    conducted_at: datetime,
    interviewer: str,
    duration_minutes: int,
    support_person: str,
    video_recorded: bool = False,
    why_not_reused: str = "",
    **interview: Any,
) -> ProceedingStatement:
    """A statement, testimony or cross-examination for a proceeding: an interview, counted in
    the child's retellings (CC-6, VW-5), refused without the child's agreed participation in
    that form (VW-1) or without a support person (VW-3). The case is locked first, so two
    statements saved at once are checked one after the other (the count, the reuse of a
    recording)."""
    require(actor, Capability.RECORD_LEGAL, case)
    require(actor, Capability.RECORD_INTERVIEW, case)
    _check_part(case, part)
    lock_case(case)
    if kind not in FORM_OF_KIND:
        raise ValidationError({"kind": _("Choose a statement, testimony or cross-examination.")})
    validate_event_time(conducted_at, "conducted_at")
    recorded = interview_record(
        case=case,
        actor=actor,
        kind=kind,
        conducted_at=conducted_at,
        interviewer=interviewer,
        duration_minutes=duration_minutes,
        support_person=support_person,
        proceeding=StatementFor(part, video_recorded, why_not_reused.strip()),
        **interview,
    )
    return recorded.proceeding_statement


# --- updates to the child (VW-6) ---------------------------------------------------------------


@transaction.atomic
def update_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    given_at: datetime | None,
    given_by: str,
    language: str,
    explained: str,
    support_person_told: bool = True,
) -> ChildUpdate:
    """An update to the child (and their support person) on the proceeding (VW-6)."""
    require(actor, Capability.INFORM_CHILD, case)
    _check_part(case, part)
    lock_case(case)
    errors: dict[str, Any] = missing_texts(
        {"given_by": given_by, "explained": explained},
        {
            "given_by": _("Say who gave the update."),
            "explained": _("Say what was explained to the child."),
        },
    )
    if language not in dict(languages()):
        errors["language"] = _("Choose the language the update was given in.")
    if given_at is None:
        errors["given_at"] = _("Give the date and time.")
    if errors:
        raise ValidationError(errors)
    assert given_at is not None
    validate_event_time(given_at, "given_at")
    return create_and_record(
        ChildUpdate,
        audited=case,
        actor=actor,
        action="justice.update_record",
        changes={"language": [None, language]},
        child_in_proceeding=part,
        given_at=given_at,
        given_by=given_by.strip(),
        language=language,
        support_person_told=support_person_told,
        explained=explained.strip(),
    )


# --- reprisal risk (VW-7) -----------------------------------------------------------------------


@transaction.atomic
def risk_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    assessed_on: date | None,
    level: str,
    measures: Iterable[str] = (),
    threats: bool = False,
    contact_attempts: bool = False,
    family_at_risk: bool = False,
    online_harassment: bool = False,
    accused_release_on: date | None = None,
    notes: str = "",
) -> ReprisalRisk:
    """An assessment of the risk of reprisal, with the measures that protect the child (VW-7).
    A high risk without a measure raises an alert; it is not refused, so that the risk is on
    record while the measure is arranged."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    errors: dict[str, Any] = {}
    if level not in Risk.values:
        errors["level"] = _("Weigh the risk: low, medium or high.")
    if assessed_on is None:
        errors["assessed_on"] = _("Give the date.")
    if errors:
        raise ValidationError(errors)
    assert assessed_on is not None
    validate_event_date(assessed_on, "assessed_on")
    if accused_release_on is not None and not 1990 <= accused_release_on.year <= 2200:
        raise ValidationError({"accused_release_on": _("Check the date.")})
    codes = chosen_codes(measures, ProtectionMeasure.values, "measures")
    return create_and_record(
        ReprisalRisk,
        audited=case,
        actor=actor,
        action="justice.risk_record",
        changes={"level": [None, level], "measures": [None, codes]},
        child_in_proceeding=part,
        assessed_on=assessed_on,
        level=level,
        measures=codes,
        threats=threats,
        contact_attempts=contact_attempts,
        family_at_risk=family_at_risk,
        online_harassment=online_harassment,
        accused_release_on=accused_release_on,
        notes=notes.strip(),
    )


# --- compensation (the guide's access to remedies) ------------------------------------------------


def _compensation_fields(
    *,
    claimed_on: date | None,
    currency: str,
    amount_claimed: Decimal | None,
    amount_awarded: Decimal | None,
    awarded_on: date | None,
    amount_paid: Decimal | None,
    held_for_child: Decimal | None,
    held_by: str,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    paid = amount_paid or Decimal(0)
    held = held_for_child or Decimal(0)
    if claimed_on is None:
        errors["claimed_on"] = _("Give the date of the claim.")
    if len(currency) != 3 or not currency.isalpha():
        errors["currency"] = _("Give the currency as its three-letter code (THB, IDR, USD).")
    if amount_claimed is None or amount_claimed <= 0:
        errors["amount_claimed"] = _("Give the amount claimed.")
    for field, value in (
        ("amount_awarded", amount_awarded),
        ("amount_paid", paid),
        ("held_for_child", held),
    ):
        if value is not None and value < 0:
            errors[field] = _("An amount cannot be negative.")
    if amount_awarded is not None and awarded_on is None:
        errors["awarded_on"] = _("Give the date of the award.")
    if amount_awarded is None and paid > 0:
        errors["amount_paid"] = _("Nothing can be paid before an amount is awarded.")
    elif amount_awarded is not None and paid > amount_awarded:
        errors["amount_paid"] = _("More cannot be paid than was awarded (%(amount)s).") % {
            "amount": amount_awarded
        }
    if held > paid:
        errors["held_for_child"] = _("More cannot be held for the child than was paid.")
    if errors:
        raise ValidationError(errors)
    validate_event_date(claimed_on, "claimed_on")
    validate_event_date(awarded_on, "awarded_on")
    if awarded_on is not None and claimed_on is not None and awarded_on < claimed_on:
        raise ValidationError({"awarded_on": _("An award cannot come before the claim.")})
    return {
        "claimed_on": claimed_on,
        "currency": currency.upper(),
        "amount_claimed": amount_claimed,
        "amount_awarded": amount_awarded,
        "awarded_on": awarded_on,
        "amount_paid": paid,
        "held_for_child": held,
        "held_by": held_by.strip(),
    }


@transaction.atomic
def compensation_record(
    *,
    case: Case,
    actor: Any,
    part: ChildInProceeding,
    claimed_on: date | None,
    currency: str,
    amount_claimed: Decimal | None,
    amount_awarded: Decimal | None = None,
    awarded_on: date | None = None,
    amount_paid: Decimal | None = None,
    held_for_child: Decimal | None = None,
    held_by: str = "",
    compensation: Compensation | None = None,
    expected_version: str | None = None,
) -> Compensation:
    """A claim for compensation, or (with `compensation`) what became of it. Claiming is taking
    part: it needs the child's agreed participation in claiming (VW-1)."""
    require(actor, Capability.RECORD_LEGAL, case)
    _check_part(case, part)
    lock_case(case)
    fields = _compensation_fields(
        claimed_on=claimed_on,
        currency=currency,
        amount_claimed=amount_claimed,
        amount_awarded=amount_awarded,
        awarded_on=awarded_on,
        amount_paid=amount_paid,
        held_for_child=held_for_child,
        held_by=held_by,
    )
    if compensation is None:
        check_takes_part(part, Form.COMPENSATION_CLAIM)
        compensation = Compensation(child_in_proceeding=part, created_by=actor)
        action = "justice.compensation_record"
    else:
        if compensation.child_in_proceeding_id != part.pk:
            raise ValidationError(_("This claim is not in this proceeding."))
        compensation = Compensation.objects.select_for_update().get(pk=compensation.pk)
        check_version(compensation, expected_version)
        action = "justice.compensation_update"
    for name, value in fields.items():
        setattr(compensation, name, value)
    compensation.updated_by = actor
    compensation.save()
    record_event(
        actor=actor,
        action=action,
        obj=compensation,
        case=case,
        changes={"awarded": [None, fields["amount_awarded"] is not None]},
    )
    reevaluate(case, Compensation)
    return compensation
