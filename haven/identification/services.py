"""Writes for identification (DESIGN idea 1): screening, first steps, victim status."""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import REDACTED, record_event
from haven.cases.access import require
from haven.cases.models import Case, CaseAssignment, Interview
from haven.cases.selectors import reopened_at
from haven.cases.services import interview_record
from haven.children.models import DEPRIVED_OF_PARENTAL_CARE
from haven.core.forms import validate_event_time
from haven.identification.codes import (
    Act,
    Exploitation,
    Industry,
    Means,
    MethodOfControl,
    Movement,
    OtherExploitationType,
    Outcome,
    SexualExploitationType,
)
from haven.identification.indicators import MEANS_DIMENSIONS
from haven.identification.models import (
    FirstStep,
    Indicator,
    InterpreterReason,
    NotNeededReason,
    Screening,
    ScreeningExploitation,
)
from haven.identification.outcome import adult_outcome, child_outcome
from haven.safeguards.ending import ends_help
from haven.safeguards.engine import reevaluate

NONE = "none"  # "asked, and none observed": an answer, unlike an empty list

# Hours from the screening to each first step's due time (ID-4). Override with
# settings.HAVEN_FIRST_STEP_DUE_HOURS.
DEFAULT_DUE_HOURS = {
    FirstStep.Kind.CP_REFERRAL: 24,
    FirstStep.Kind.SAFE_ACCOMMODATION: 24,
    FirstStep.Kind.URGENT_MEDICAL: 24,
    FirstStep.Kind.CASE_WORKER: 24,
    FirstStep.Kind.INTERPRETER: 48,
    FirstStep.Kind.RIGHTS_INFORMATION: 72,
    FirstStep.Kind.GUARDIAN: 168,
}

# Steps met by assigning someone to the case: the checklist and the ID-4 rule read the current
# assignments, so the step needs no second record of the same fact. The guardian step is met by
# a guardian's appointment and the rights step by an information session that explained the
# child's rights (haven.identification.selectors.met_q).
MET_BY_ASSIGNMENT: dict[str, str] = {
    FirstStep.Kind.CASE_WORKER: "case_worker",
    FirstStep.Kind.INTERPRETER: "interpreter",
}
# The one first step of a child in a precarious situation who is not a presumed victim (ID-5).
PRECARIOUS_STEPS = (FirstStep.Kind.CP_REFERRAL,)
# Steps whose lateness is the alert of a more specific measure (PS-1 guardian, PS-5
# information), so the ID-4 rule does not raise a second alert for the same fact.
OWNED_BY_MEASURE: dict[str, str] = {
    FirstStep.Kind.GUARDIAN: "PS-1",
    FirstStep.Kind.RIGHTS_INFORMATION: "PS-5",
}

# Forms whose rows may carry an industry (HTCDS: forced labour industry).
LABOUR_FORMS = frozenset(
    {Exploitation.FORCED_LABOUR, Exploitation.CHILD_LABOUR, Exploitation.SERVITUDE}
)

SUB_TYPES: dict[str, set[str]] = {
    Exploitation.SEXUAL: set(SexualExploitationType.values),
    Exploitation.OTHER: set(OtherExploitationType.values),
}


def _codes(
    values: Iterable[str], allowed: Iterable[str], field: str, *, none_ok: bool
) -> list[str]:
    """Validate a list of codes; "none" alone means the question was asked and nothing found."""
    values = [v for v in dict.fromkeys(v.strip() for v in values) if v]
    allowed = list(allowed)
    if none_ok and NONE in values:
        if len(values) > 1:
            raise ValidationError({field: _("Choose “none observed” or some items, not both.")})
        return []
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            {
                field: _("Unknown code(s): %(codes)s. Allowed: %(allowed)s.")
                % {"codes": ", ".join(unknown), "allowed": ", ".join(allowed)}
            }
        )
    return values


def _forms(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    rows = list(rows)
    if any(row.get("form") == NONE for row in rows) and len(rows) > 1:
        raise ValidationError({"forms": _("Choose “none observed” or some items, not both.")})
    clean: list[dict[str, str]] = []
    for row in rows:
        form = row.get("form", "")
        if form == NONE:
            continue
        if form not in Exploitation.values:
            raise ValidationError(
                {
                    "forms": _("Unknown form of exploitation “%(code)s”. Allowed: %(allowed)s.")
                    % {"code": form, "allowed": ", ".join(Exploitation.values)}
                }
            )
        sub_type = row.get("sub_type", "") or ""
        if sub_type and sub_type not in SUB_TYPES.get(form, set()):
            raise ValidationError(
                {
                    "forms": _("“%(sub)s” is not a kind of “%(form)s”.")
                    % {"sub": sub_type, "form": form}
                }
            )
        industry = row.get("industry", "") or ""
        if industry and form not in LABOUR_FORMS:
            raise ValidationError(
                {"forms": _("An industry is recorded only for labour, child labour or servitude.")}
            )
        if industry and industry not in Industry.values:
            raise ValidationError(
                {
                    "forms": _("Unknown industry “%(code)s”. Allowed: %(allowed)s.")
                    % {"code": industry, "allowed": ", ".join(Industry.values)}
                }
            )
        item = {"form": form, "sub_type": sub_type, "industry": industry}
        if item not in clean:
            clean.append(item)
    return clean


def _due(kind: str, at: datetime) -> datetime:
    hours = {**DEFAULT_DUE_HOURS, **getattr(settings, "HAVEN_FIRST_STEP_DUE_HOURS", {})}
    return at + timedelta(hours=hours[kind])


def _needs_interpreter(case: Case) -> bool:
    child_languages = set(case.child.languages.values_list("language", flat=True))
    if not child_languages:
        return False
    worker = (
        CaseAssignment.objects.current()
        .filter(case=case, role="case_worker")
        .select_related("user")
        .first()
    )
    staff_languages = set(worker.user.languages) if worker else set()
    return not (child_languages & staff_languages)


def _create_first_steps(
    *, case: Case, screening: Screening, actor: Any, outcome: str
) -> list[FirstStep]:
    """The checklist after a screening: every ID-4 step for a presumed victim, the ID-5 referral
    for a child in a precarious situation. A step already open from an earlier screening keeps
    its earlier due date; a step already done on this case is not asked for again."""
    at = screening.screened_at
    if outcome == Outcome.PRESUMED_VICTIM:
        kinds = [
            FirstStep.Kind.CP_REFERRAL,
            FirstStep.Kind.SAFE_ACCOMMODATION,
            FirstStep.Kind.URGENT_MEDICAL,
            FirstStep.Kind.CASE_WORKER,
            FirstStep.Kind.RIGHTS_INFORMATION,
        ]
        if _needs_interpreter(case):
            kinds.append(FirstStep.Kind.INTERPRETER)
        if case.child.parental_care in DEPRIVED_OF_PARENTAL_CARE:
            kinds.append(FirstStep.Kind.GUARDIAN)
        measure = "ID-4"
    elif outcome == Outcome.PRECARIOUS:
        kinds, measure = list(PRECARIOUS_STEPS), "ID-5"
    else:
        return []
    open_steps = {
        step.kind: step
        for step in FirstStep.objects.filter(case=case, status=FirstStep.Status.OPEN)
    }
    # Steps done before the case was last reopened are done again: a child who comes back
    # (RR-6) needs safety, care and information anew.
    reopened = reopened_at(case)
    done_steps = FirstStep.objects.filter(case=case, status=FirstStep.Status.DONE)
    if reopened is not None:
        done_steps = done_steps.filter(closed_at__gte=reopened)
    done = set(done_steps.values_list("kind", flat=True))
    created = []
    for kind in kinds:
        if kind in done:
            continue
        existing = open_steps.get(kind)
        if existing is not None:
            if existing.measure_id == "ID-5" and measure == "ID-4":
                # The child is now a presumed victim: the same referral, now under ID-4.
                existing.measure_id = measure
                existing.updated_by = actor
                existing.save(update_fields=["measure_id", "updated_by", "updated_at"])
                record_event(
                    actor=actor,
                    action="first_step.measure",
                    obj=existing,
                    case=case,
                    changes={"measure_id": ["ID-5", "ID-4"]},
                )
            continue
        step = FirstStep(
            case=case,
            screening=screening,
            kind=kind,
            measure_id=measure,
            due_at=_due(kind, at),
            created_by=actor,
            updated_by=actor,
        )
        if kind == FirstStep.Kind.CP_REFERRAL and case.lead_agency.is_child_protection_authority:
            # The case is already held by the child-protection authority.
            step.status = FirstStep.Status.DONE
            step.closed_at = at
            step.closed_by = actor
            step.note = _("The lead agency is the child-protection authority.")
        step.save()
        created.append(step)
    return created


@transaction.atomic
def screening_record(
    *,
    case: Case,
    actor: Any,
    screened_at: datetime,
    acts: Iterable[str],
    forms: Iterable[Mapping[str, str]],
    means: Iterable[str] = (),
    methods_of_control: Iterable[str] = (),
    movement: str = Movement.UNKNOWN,
    indicator_codes: Iterable[str] = (),
    protection_concerns: bool = False,
    location: str = "",
    interpreter: str = "",
    support_person: str = "",
    notes: str = "",
    child_interviewed: bool = False,
    duration_minutes: int | None = None,
    interpreter_reason: str = "",
) -> Screening:
    """Record a screening (ID-1, ID-3, ID-7) and create the first steps it calls for (ID-4,
    ID-5). The outcome is computed from the act and the purpose for a (presumed) child; means
    and movement are recorded and never change it. Both questions — was there an act, was
    there a purpose of exploitation — must be answered, "none observed" included."""
    require(actor, Capability.SCREEN, case)
    case = (
        Case.objects.select_for_update(no_key=True, of=("self",))
        .select_related("child", "lead_agency")
        .get(pk=case.pk)
    )
    if case.stage == Case.Stage.CLOSED:
        # Its first steps would never raise an alert (ID-4): the case is reopened first (RR-6).
        raise ValidationError(_("This case is closed. Reopen it before screening the child."))
    acts_given, forms_given = list(acts), list(forms)
    errors = {}
    if not acts_given:
        errors["acts"] = _("Say which acts were observed, or “none observed”.")
    if not forms_given:
        errors["forms"] = _("Say which forms of exploitation were observed, or “none observed”.")
    if errors:
        raise ValidationError(errors)
    act_codes = _codes(acts_given, Act.values, "acts", none_ok=True)
    form_rows = _forms(forms_given)
    means_codes = _codes(means, Means.values, "means", none_ok=True)
    control_codes = _codes(
        methods_of_control, MethodOfControl.values, "methods_of_control", none_ok=True
    )
    if movement not in Movement.values:
        raise ValidationError({"movement": _("Choose the kind of movement.")})
    codes = list(dict.fromkeys(indicator_codes))
    indicators = list(Indicator.objects.filter(code__in=codes, is_active=True))
    unknown = sorted(set(codes) - {i.code for i in indicators})
    if unknown:
        raise ValidationError(
            {"indicators": _("Unknown indicator(s): %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    validate_event_time(screened_at, "screened_at")
    if child_interviewed and not duration_minutes:
        raise ValidationError({"duration_minutes": _("Say how long the interview took.")})

    is_child = case.child.is_presumed_child
    forms_present = [row["form"] for row in form_rows]
    # Signs of means never count for a child (ID-1); methods of control show a child at risk.
    signs = [i for i in indicators if i.dimension not in MEANS_DIMENSIONS]
    concerns = protection_concerns or bool(control_codes)
    if is_child:
        outcome = child_outcome(
            acts=act_codes, forms=forms_present, concerns=concerns, indicators=len(signs)
        )
    else:
        outcome = adult_outcome(
            acts=act_codes,
            forms=forms_present,
            means=means_codes,
            concerns=concerns,
            indicators=len(indicators),
        )
    screening = Screening.objects.create(
        case=case,
        screened_at=screened_at,
        screened_by=actor,
        location=location.strip(),
        interpreter=interpreter.strip(),
        support_person=support_person.strip(),
        acts=act_codes,
        means=means_codes,
        methods_of_control=control_codes,
        movement=movement,
        protection_concerns=protection_concerns,
        screened_as_child=is_child,
        outcome=outcome,
        notes=notes.strip(),
        created_by=actor,
        updated_by=actor,
    )
    ScreeningExploitation.objects.bulk_create(
        [ScreeningExploitation(screening=screening, **row) for row in form_rows]
    )
    screening.indicators.set(indicators)
    record_event(
        actor=actor,
        action="screening.record",
        obj=screening,
        case=case,
        # The outcome and the forms of exploitation are case content: recorded as changed only.
        changes={"outcome": [None, REDACTED], "forms": [None, REDACTED]},
    )
    reopened: tuple[type[Case], ...] = ()
    if (
        outcome == Outcome.PRESUMED_VICTIM
        and case.trafficking_status == Case.TraffickingStatus.NOT_A_VICTIM
    ):
        # A later screening that finds an act and a purpose reopens the question (ID-7).
        reopened = (Case,)
        _set_status(case=case, actor=actor, status=Case.TraffickingStatus.POSSIBLE, decided_by="")
    if child_interviewed:
        interview_record(
            case=case,
            actor=actor,
            kind="identification",
            conducted_at=screened_at,
            interviewer=actor.get_full_name() or actor.username,
            interviewer_agency=case.lead_agency.name,
            duration_minutes=duration_minutes or 0,
            location=location,
            interpreter=interpreter,
            support_person=support_person,
            interpreter_reason=interpreter_reason,
        )
    for step in _create_first_steps(case=case, screening=screening, actor=actor, outcome=outcome):
        record_event(
            actor=actor,
            action="first_step.create",
            obj=step,
            case=case,
            changes={"due_at": [None, step.due_at], "status": [None, step.status]},
        )
    reevaluate(case, Screening, ScreeningExploitation, FirstStep, *reopened)
    return screening


def _set_status(*, case: Case, actor: Any, status: str, decided_by: str) -> None:
    before = [case.trafficking_status, case.status_decided_by]
    case.trafficking_status = status
    case.status_decided_by = decided_by
    case.updated_by = actor
    case.save(update_fields=["trafficking_status", "status_decided_by", "updated_by", "updated_at"])
    record_event(
        actor=actor,
        action="case.status",
        obj=case,
        case=case,
        changes={
            "trafficking_status": [REDACTED, REDACTED],
            "status_decided_by": [before[1], decided_by],
        },
    )


@transaction.atomic
def trafficking_status_decide(*, case: Case, actor: Any, status: str, decided_by: str) -> Case:
    """Record the competent authority's decision on the child's status (HTCDS). A child found
    "not a victim" is still a child in need of protection (ID-5): first steps stay."""
    require(actor, Capability.DECIDE_STATUS, case)
    case = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
    if status not in Case.TraffickingStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if decided_by not in Case.StatusDecidedBy.values:
        raise ValidationError({"decided_by": _("Say which kind of authority decided.")})
    _set_status(case=case, actor=actor, status=status, decided_by=decided_by)
    reevaluate(case, Case)
    return case


def _close_step(
    *, step: FirstStep, actor: Any, status: str, note: str, code: str = ""
) -> FirstStep:
    require(actor, Capability.SCREEN, step.case)
    step = FirstStep.objects.select_for_update(of=("self",)).select_related("case").get(pk=step.pk)
    if step.status != FirstStep.Status.OPEN:
        raise ValidationError(_("This step is already closed."))
    step.status = status
    step.closed_at = timezone.now()
    step.closed_by = actor
    step.note = note.strip()
    step.not_needed_code = code
    step.updated_by = actor
    step.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_by",
            "note",
            "not_needed_code",
            "updated_by",
            "updated_at",
        ]
    )
    record_event(
        actor=actor,
        action="first_step.close",
        obj=step,
        case=step.case,
        changes={"status": [FirstStep.Status.OPEN, status], "note": ["[changed]", "[changed]"]},
    )
    reevaluate(Case.objects.filter(pk=step.case_id), FirstStep)
    return step


@transaction.atomic
def first_step_done(*, step: FirstStep, actor: Any, note: str = "") -> FirstStep:
    """Mark a first step done (ID-4, ID-5), saying briefly what was done."""
    return _close_step(step=step, actor=actor, status=FirstStep.Status.DONE, note=note)


@ends_help(reasons=NotNeededReason)
@transaction.atomic
def first_step_not_needed(
    *, step: FirstStep, actor: Any, reason: str, reason_code: str = ""
) -> FirstStep:
    """Close a first step that does not apply, with the reason from the closed list and in a
    sentence (audited); never the child's cooperation (CC-8)."""
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("Write the reason in a sentence.")})
    return _close_step(
        step=step,
        actor=actor,
        status=FirstStep.Status.NOT_NEEDED,
        note=reason,
        code=reason_code,
    )


def interpreter_reason_keep(
    *,
    case: Case,
    actor: Any,
    kind: str,
    reason: str,
    previous_interpreter: str = "",
) -> Callable[[Interview], tuple[type[InterpreterReason]]]:
    """What the interpreter check (CC-10, rules.py) keeps once `interview_record` has saved the
    interview: the reason it asked for, beside the interview, audited as changed only. It runs
    inside `interview_record`'s transaction, whose actor was checked there."""

    def keep(interview: Interview) -> tuple[type[InterpreterReason]]:
        row = InterpreterReason.objects.create(
            case=case,
            interview=interview,
            kind=kind,
            previous_interpreter=previous_interpreter,
            reason=reason,
            created_by=actor,
            updated_by=actor,
        )
        record_event(
            actor=actor,
            action="interview.interpreter_reason",
            obj=row,
            case=case,
            changes={"kind": [None, kind], "reason": [None, REDACTED]},
        )
        return (InterpreterReason,)

    return keep
