"""Identification rules (measures ID-1 … ID-7), and the interpreter (CC-10): whether the child
can be understood is asked again at every handover and every interview, not once."""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.interviews import Keep, interview_check
from haven.cases.languages import (
    for_interview,
    languages_recorded_q,
    previous_interpreter,
    same_interpreter,
    shares_no_language_q,
)
from haven.cases.models import AssignmentRole, Case, CaseAssignment, Interview
from haven.children.age import ADULT_AGE, years_before
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.identification.models import FirstStep, InterpreterReason
from haven.identification.selectors import met_q
from haven.identification.services import (
    OWNED_BY_MEASURE,
    PRECARIOUS_STEPS,
    interpreter_reason_keep,
)
from haven.safeguards.registry import AlertRule, BlockRule, Severity, register


def _step_label(kind: str) -> Any:
    """The overdue step's name, for the alert's line."""
    return dict(FirstStep.Kind.choices).get(kind, "")


def _overdue_steps(measure_id: str, kinds: Collection[str] | None = None) -> Any:
    """The open first steps of `measure_id` (of `kinds` only, when given) past their due time
    and met by no other record."""

    def breaches(cases: Any) -> Any:
        overdue = FirstStep.objects.filter(
            case__in=cases.exclude(stage=Case.Stage.CLOSED),
            status=FirstStep.Status.OPEN,
            measure_id=measure_id,
            due_at__lt=timezone.now(),
        ).exclude(kind__in=list(OWNED_BY_MEASURE))
        # Most evaluations after a write find no step past its due time: this plain query
        # answers them. What meets a step (`met_q`, eight correlated subqueries) costs Django
        # about 5 ms to build, more than the rest of the rule, and is added only when one is.
        if not overdue.exists():
            return []
        return list(overdue.exclude(met_q(kinds)).values_list("case_id", "kind"))

    return breaches


FIRST_STEP_OVERDUE = register(
    AlertRule(
        code="id4.first_step_overdue",
        shows=(S.BASIC,),
        measure_id="ID-4",
        severity=Severity.ALERT,
        title=_("An immediate first step is overdue"),
        message=_(
            "A first step after identification is past its due time. Do it now — referral to "
            "child protection, safe accommodation, urgent medical care, a case worker, an "
            "interpreter, a guardian, information about rights — or close it with the reason "
            "it does not apply. The checklist is on the case page."
        ),
        breaches=_overdue_steps("ID-4"),
        subject_label=_step_label,
        found_in="identification.FirstStep",
        reads=(
            "accounts.Membership",
            "accounts.User",
            "cases.Case",
            "cases.CaseAssignment",
            "consent.InformationSession",
            "identification.FirstStep",
            "placements.Placement",
            "protection.GuardianAppointment",
        ),
    )
)

PRECARIOUS_REFERRAL_OVERDUE = register(
    AlertRule(
        code="id5.referral_overdue",
        shows=(S.BASIC,),
        measure_id="ID-5",
        severity=Severity.ALERT,
        title=_("Referral to child protection is overdue"),
        message=_(
            "This child was not assessed as a victim but is in a precarious situation, and "
            "must still be referred to the child-protection authority. Make the referral now, "
            "and record it in the checklist on the case page."
        ),
        # The referral is the only step of ID-5, and no other record meets it.
        breaches=_overdue_steps("ID-5", PRECARIOUS_STEPS),
        subject_label=_step_label,
        found_in="identification.FirstStep",
        reads=("cases.Case", "identification.FirstStep"),
    )
)


# --- CC-10: an interpreter where the child's language is not spoken ---------------------------
# Read over current data: the case's current case worker and the child's latest interview, so a
# handover or a corrected language raises the alert anew. Haven compares only recorded languages
# (haven.cases.languages): a child or a practitioner without any raises nothing.


def _without_interpreter(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The open cases with no interpreter arranged: no current interpreter assignment, and the
    ID-4 interpreter step not done (an interpreter from outside Haven arranged and recorded
    there). Two exclusions rather than one of an OR: PostgreSQL reads each as an anti-join
    instead of two subqueries per case (1.8 s → 1.0 s for CC-10's rules at 100,000 cases)."""
    assigned = CaseAssignment.objects.current().filter(
        case_id=OuterRef("pk"), role=AssignmentRole.INTERPRETER
    )
    step_done = FirstStep.objects.filter(
        case_id=OuterRef("pk"), kind=FirstStep.Kind.INTERPRETER, status=FirstStep.Status.DONE
    )
    return (
        cases.exclude(stage=Case.Stage.CLOSED).exclude(Exists(assigned)).exclude(Exists(step_done))
    )


def case_worker_without_childs_language(cases: QuerySet[Case]) -> list[tuple[int, str]]:
    """Open cases whose current case worker is recorded as speaking none of the child's
    languages, with no interpreter arranged. The subject is the case worker, so a handover to
    another such case worker raises a new alert even after the last one was resolved."""
    # Without a case worker whose working languages are recorded there is nothing to compare
    # (most practitioners record none): a plain query says so before the rule builds its five
    # correlated subqueries, which cost Django more time than the database takes to run them.
    compared = CaseAssignment.objects.filter(
        role=AssignmentRole.CASE_WORKER,
        ended_at__isnull=True,
        case__in=cases.exclude(stage=Case.Stage.CLOSED),
    ).filter(languages_recorded_q("user__languages"))
    if not compared.exists():
        return []
    rows = (
        CaseAssignment.objects.current()
        .filter(role=AssignmentRole.CASE_WORKER, case__in=_without_interpreter(cases))
        .filter(shares_no_language_q("user__languages", "case__child_id"))
        .values_list("case_id", "user__public_id")
    )
    return [(case_id, str(subject)) for case_id, subject in rows]


CASE_WORKER_LANGUAGE = register(
    AlertRule(
        code="cc10.case_worker_language",
        shows=(S.IDENTITY,),
        measure_id="CC-10",
        severity=Severity.ALERT,
        title=_("The case worker does not speak the child's language"),
        message=_(
            "The case worker is not recorded as speaking any of the child's languages, and no "
            "interpreter is arranged. Assign a trusted interpreter to the case — the same one "
            "each time, where possible — or record the interpreter step as done, saying who "
            "it is. If the case worker does speak the child's language, have it added to "
            "their working languages."
        ),
        breaches=case_worker_without_childs_language,
        reads=(
            "accounts.Membership",
            "accounts.User",
            "cases.Case",
            "cases.CaseAssignment",
            "children.ChildLanguage",
            "identification.FirstStep",
        ),
    )
)


def last_interview_without_interpreter(cases: QuerySet[Case]) -> list[tuple[int, str]]:
    """Open cases whose latest interview had no interpreter and no reason for it, recorded by
    someone recorded as speaking none of the child's languages, with no interpreter arranged
    now. A reason given at the interview answers it; so does a later interview."""
    # The latest interview is the one no later interview of its case follows (conducted later,
    # or at the same moment and recorded after it). An anti-join, not `pk = (the latest by a
    # sorted subquery)`: PostgreSQL cannot estimate how many rows that equality keeps, guessed
    # 186 of 57,000 at 100,000 cases and joined each with every staff member (21 s, against
    # 0.6 s for this form).
    later = Interview.objects.filter(case_id=OuterRef("case_id")).filter(
        Q(conducted_at__gt=OuterRef("conducted_at"))
        | Q(conducted_at=OuterRef("conducted_at"), pk__gt=OuterRef("pk"))
    )
    reason = InterpreterReason.objects.filter(
        interview_id=OuterRef("pk"), kind=InterpreterReason.Kind.NO_INTERPRETER
    )
    # As above: only an interview without interpreter, recorded by someone whose working
    # languages are recorded, can breach; a plain query says whether there is one.
    compared = Interview.objects.filter(
        case__in=cases.exclude(stage=Case.Stage.CLOSED), interpreter=""
    ).filter(languages_recorded_q("created_by__languages"))
    if not compared.exists():
        return []
    rows = (
        Interview.objects.filter(case__in=_without_interpreter(cases), interpreter="")
        .exclude(Exists(later))
        .exclude(Exists(reason))
        .filter(shares_no_language_q("created_by__languages", "case__child_id"))
        .order_by()
        .values_list("case_id", "public_id")
    )
    return [(case_id, str(subject)) for case_id, subject in rows]


INTERVIEW_WITHOUT_INTERPRETER = register(
    AlertRule(
        code="cc10.interview_without_interpreter",
        shows=(S.IDENTITY,),
        measure_id="CC-10",
        severity=Severity.REMINDER,
        title=_("The child's last interview had no interpreter"),
        message=_(
            "The child's last interview was recorded by someone not recorded as speaking any "
            "of the child's languages, without an interpreter and without a reason. Arrange a "
            "trusted interpreter for the next conversation — the same one each time, where "
            "possible — or resolve this with what happened."
        ),
        breaches=last_interview_without_interpreter,
        found_in="cases.Interview",
        reads=(
            "accounts.Membership",
            "accounts.User",
            "cases.Case",
            "cases.CaseAssignment",
            "cases.Interview",
            "children.ChildLanguage",
            "identification.FirstStep",
            "identification.InterpreterReason",
        ),
    )
)


def check_interpreter_needed(*, shares: bool | None, interpreter: str, reason: str) -> None:
    """CC-10: someone recorded as speaking none of the child's languages names the interpreter
    of the interview, or says why there was none."""
    if shares is False and not interpreter and not reason:
        raise SafeguardViolation(
            INTERPRETER_NEEDED.measure_id,
            INTERPRETER_NEEDED.message,
            code="cc10_interpreter_needed",
        )


INTERPRETER_NEEDED = register(
    BlockRule(
        code="cc10.interpreter_needed",
        measure_id="CC-10",
        severity=Severity.BLOCK,
        title=_("An interpreter is needed"),
        message=_(
            "You are not recorded as speaking any of the child's languages. Name the "
            "interpreter, or write why the interview was held without one — for example, "
            "that the interviewer spoke the child's language."
        ),
        check=check_interpreter_needed,
    )
)


def check_interpreter_kept(*, previous: str, interpreter: str, reason: str) -> None:
    """CC-10: the same interpreter is kept where possible; a different one comes with why."""
    if previous and interpreter and not same_interpreter(previous, interpreter) and not reason:
        raise SafeguardViolation(
            INTERPRETER_KEPT.measure_id,
            str(INTERPRETER_KEPT.message) % {"previous": previous},
            code="cc10_interpreter_changed",
        )


INTERPRETER_KEPT = register(
    BlockRule(
        code="cc10.interpreter_kept",
        measure_id="CC-10",
        severity=Severity.BLOCK,
        title=_("A different interpreter"),
        message=_(
            "The child's last interview was interpreted by %(previous)s. The child should meet "
            "the same interpreter where possible: if this one is different, write why."
        ),
        check=check_interpreter_kept,
    )
)

# A reason is a sentence, as for a first step that does not apply.
REASON_MIN_LENGTH = 10


@interview_check
def _interpreter_at_interview(
    *, case: Case, actor: Any, interview: Interview, interpreter_reason: str, **_facts: Any
) -> Keep | None:
    """CC-10 on every interview (cases.interview_record, a screening's interview too): an
    interpreter where the person recording is not recorded as speaking the child's language,
    and the same interpreter as at the child's last interview, each unless a reason is given,
    which is kept beside the interview. A reason where neither applies is not asked for."""
    if not interview.interpreter:
        known = for_interview(case, actor)
        INTERPRETER_NEEDED.check(shares=known.shares, interpreter="", reason=interpreter_reason)
        if known.shares is not False:
            return None
        kind, previous = InterpreterReason.Kind.NO_INTERPRETER, ""
    else:
        last = previous_interpreter(case, before=interview.conducted_at)
        previous = last.interpreter if last is not None else ""
        INTERPRETER_KEPT.check(
            previous=previous, interpreter=interview.interpreter, reason=interpreter_reason
        )
        if not previous or same_interpreter(previous, interview.interpreter):
            return None
        kind = InterpreterReason.Kind.CHANGED
    if len(interpreter_reason) < REASON_MIN_LENGTH:
        raise ValidationError({"interpreter_reason": _("Write the reason in a sentence.")})
    return interpreter_reason_keep(
        case=case, actor=actor, kind=kind, reason=interpreter_reason, previous_interpreter=previous
    )


def _age_assessment_needed(cases: Any) -> Any:
    """Presumed children whose recorded details point to adulthood (a claim to be 18+, or a
    birth date 18 or more years ago) and who have no age assessment at all, pending or done."""
    today = timezone.localdate()
    cutoff = years_before(today, ADULT_AGE)
    rows = (
        cases.exclude(stage=Case.Stage.CLOSED)
        .filter(child__presumed_minor=True)
        .filter(Q(child__claims_adult=True) | Q(child__birth_date__lte=cutoff))
        .exclude(child__age_assessments__isnull=False)
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


AGE_ASSESSMENT_NEEDED = register(
    AlertRule(
        code="id2.age_assessment_needed",
        shows=(S.IDENTITY,),
        measure_id="ID-2",
        severity=Severity.REMINDER,
        title=_("An age assessment is needed"),
        message=_(
            "The recorded details point to 18 or older, but the person is presumed to be a "
            "child and every child measure applies. Arrange an age assessment (method, "
            "evidence, who decides) and record it on the case."
        ),
        breaches=_age_assessment_needed,
        reads=("cases.Case", "children.AgeAssessment", "children.Child"),
    )
)
