"""Children as victim-witnesses: the safeguards (VW-1, VW-3, VW-5, VW-6, VW-7).

Each alert rule reads in a fixed number of queries whatever the number of cases: rows are
fetched for the cases given and grouped in Python, so the sweep's query count does not grow
with the caseload (bench/)."""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Model, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.interviews import interview_check
from haven.cases.models import AssignmentRole, Case, CaseAssignment, Interview
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.justice.models import (
    ChildInProceeding,
    ChildRole,
    ChildUpdate,
    Choice,
    EventKind,
    Form,
    Hearing,
    HearingAttendance,
    Participation,
    Proceeding,
    ProceedingEvent,
    ProceedingStatement,
    ReprisalRisk,
    Risk,
    Stage,
)
from haven.safeguards.registry import AlertRule, BlockRule, Severity, register

# How many statements and testimonies (cross-examinations count as testimony) a child gives in
# one proceeding before Haven asks why another is needed (VW-5). Settings: HAVEN_VW5_*.
# How long a child in an open proceeding may go without an update (VW-6), and how far ahead a
# hearing makes the reprisal risk due for review (VW-7).


def max_statements() -> int:
    return int(getattr(settings, "HAVEN_VW5_MAX_STATEMENTS", 1))


def max_testimonies() -> int:
    return int(getattr(settings, "HAVEN_VW5_MAX_TESTIMONIES", 1))


def update_days() -> int:
    return int(getattr(settings, "HAVEN_VW6_UPDATE_DAYS", 30))


REVIEW_BEFORE_HEARING_DAYS = 14


# What each interview kind of proceedings is, as a form of taking part (VW-1).
FORM_OF_KIND: dict[str, str] = {
    Interview.Kind.STATEMENT: Form.STATEMENT,
    Interview.Kind.TESTIMONY: Form.TESTIMONY,
    Interview.Kind.CROSS_EXAMINATION: Form.CROSS_EXAMINATION,
}


def _names(text: str) -> set[str]:
    return {_folded(line) for line in text.splitlines() if line.strip()}


def _folded(name: str) -> str:
    """A name as compared: case, accents, spacing and punctuation aside."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(c for c in decomposed if c.isalnum() or c.isspace())
    return " ".join(kept.split())


def implicated(proceeding: Proceeding, name: str) -> str | None:
    """Why this person cannot support the child in this proceeding, or None: they are among the
    accused, or represent them (VW-3)."""
    folded = _folded(name)
    if not folded:
        return None
    if folded in _names(proceeding.accused):
        return str(_("This person is recorded among the accused: they cannot support the child."))
    if folded in _names(proceeding.defence):
        return str(_("This person represents the accused: they cannot support the child."))
    return None


def check_not_implicated(proceeding: Proceeding, name: str, field: str) -> None:
    """A support person who is among the accused or represents them is refused (VW-3)."""
    reason = implicated(proceeding, name)
    if reason is not None:
        raise ValidationError({field: reason})


def participation_in_force(part: ChildInProceeding, form: str) -> Participation | None:
    """The latest decision about taking part in this way: the one that stands."""
    return (
        Participation.objects.filter(child_in_proceeding=part, form=form)
        .order_by("-decided_on", "-created_at")
        .first()
    )


def check_takes_part(part: ChildInProceeding, form: str) -> None:
    """VW-1: the child takes part in this way only under a participation decided in their best
    interests that they agreed to. Raises the VW-1 safeguard otherwise."""
    standing = participation_in_force(part, form)
    PARTICIPATION_DECIDED.check(
        form=form,
        declined=standing is not None and standing.choice == Choice.DECLINES,
        decided=standing is not None,
    )


@dataclass(frozen=True)
class StatementFor:
    """What a statement, testimony or cross-examination is recorded for: the child's part in a
    proceeding, and whether it is video-recorded (to be reused) or why an earlier recording
    does not serve. Given to `interview_record`, whose justice check reads it."""

    part: ChildInProceeding
    video_recorded: bool = False
    why_not_reused: str = ""


def check_statement(*, case: Case, interview: Interview, proceeding: Any) -> Any:
    """The justice area's check of an interview about to be saved (registered in rules.py):
    a statement, testimony or cross-examination is taken only for a proceeding, under the
    child's agreed participation (VW-1), with a support person who is not on the accused's
    side (VW-3); a further one after a video-recorded statement says why the recording does not
    serve (VW-4). Returns what keeps the link once the interview is saved."""
    if interview.kind not in FORM_OF_KIND:
        return None
    if not isinstance(proceeding, StatementFor):
        raise ValidationError(
            {
                "kind": _(
                    "Statements, testimony and cross-examination are recorded under their "
                    "proceeding, on the case's Justice page, where the child's participation "
                    "is checked (VW-1)."
                )
            }
        )
    part = proceeding.part
    if part.case_id != case.pk:
        raise ValidationError(_("This proceeding is not on this child's case."))
    if part.proceeding.stage == Stage.CLOSED:
        raise ValidationError(
            {"kind": _("This proceeding is closed: no statement or testimony is taken in it.")}
        )
    check_takes_part(part, FORM_OF_KIND[interview.kind])
    if not interview.support_person.strip():
        raise ValidationError(
            {
                "support_person": _(
                    "Name the child's support person: nobody gives a statement or testimony "
                    "without one (VW-3)."
                )
            }
        )
    check_not_implicated(part.proceeding, interview.support_person, "support_person")
    recorded = ProceedingStatement.objects.filter(child_in_proceeding=part, video_recorded=True)
    if recorded.exists() and not proceeding.why_not_reused:
        raise ValidationError(
            {
                "why_not_reused": _(
                    "A video-recorded statement exists for this proceeding: it is used instead "
                    "of asking the child again. Say why it does not serve (VW-4)."
                )
            }
        )

    def keep(saved: Interview) -> list[type[Model]]:
        ProceedingStatement.objects.create(
            child_in_proceeding=part,
            interview=saved,
            video_recorded=proceeding.video_recorded,
            why_not_reused=proceeding.why_not_reused,
            created_by=saved.created_by,
            updated_by=saved.created_by,
        )
        return [ProceedingStatement]

    return keep


def check_participation(*, form: str, decided: bool, declined: bool) -> None:
    if not decided or declined:
        raise SafeguardViolation(
            PARTICIPATION_DECIDED.measure_id,
            str(PARTICIPATION_DECLINED.message if declined else PARTICIPATION_DECIDED.message)
            % {"form": str(Form(form).label).lower()},
        )


PARTICIPATION_DECIDED = register(
    BlockRule(
        code="vw1.participation_decided",
        measure_id="VW-1",
        severity=Severity.BLOCK,
        title=_("Taking part in proceedings is decided first"),
        message=_(
            "The child does not take part (%(form)s) until it is decided in their best "
            "interests: tell the child about the legal process and that they may decline, "
            "weigh the risks, record a best-interests determination about legal participation "
            "and the child's choice (Justice → Participation)."
        ),
        check=check_participation,
    )
)

PARTICIPATION_DECLINED = register(
    BlockRule(
        code="vw1.participation_declined",
        measure_id="VW-1",
        severity=Severity.BLOCK,
        title=_("The child declined to take part"),
        message=_(
            "The child declined (%(form)s) and that choice stands: do not go ahead. Their help "
            "goes on exactly as before (VW-8). If the child changes their mind, record the new "
            "decision first."
        ),
        check=check_participation,
    )
)


@interview_check
def _statement_for_a_proceeding(
    *, case: Any, interview: Any, proceeding: Any = None, **_facts: Any
) -> Any:
    return check_statement(case=case, interview=interview, proceeding=proceeding)


# --- the alert rules ---------------------------------------------------------------------------


def _parts(cases: Any, *, roles: bool = True) -> Any:
    """The children's parts in open proceedings, on open cases."""
    rows = ChildInProceeding.objects.filter(
        case__in=cases.exclude(stage=Case.Stage.CLOSED)
    ).exclude(proceeding__stage=Stage.CLOSED)
    if roles:
        rows = rows.exclude(role=ChildRole.NONE)
    return rows


def _in_force(parts: Iterable[int]) -> dict[tuple[int, str], str]:
    """(part, form) → the child's choice in force."""
    rows = (
        Participation.objects.filter(child_in_proceeding_id__in=list(parts))
        .order_by("child_in_proceeding_id", "form", "-decided_on", "-created_at")
        .values_list("child_in_proceeding_id", "form", "choice")
    )
    choice: dict[tuple[int, str], str] = {}
    for part, form, answer in rows:
        choice.setdefault((part, form), answer)
    return choice


def hearing_without_support(cases: Any) -> list[tuple[int, str]]:
    """A hearing to come where the child testifies, or has agreed to testify or be
    cross-examined, and no support person stands for them there (VW-3). A support person
    recorded earlier no longer stands once the proceeding names them among the accused or their
    representatives, or, for a Haven user, once their assignment to the case as support person
    has ended: the child is then without support as much as if none had been recorded."""
    today = timezone.localdate()
    parts = {p.pk: p for p in _parts(cases).only("pk", "case_id", "proceeding_id")}
    if not parts:
        return []
    agreed = _in_force(parts)
    hearings = Hearing.objects.filter(
        proceeding_id__in={p.proceeding_id for p in parts.values()}, held_on__gte=today
    ).values_list("pk", "proceeding_id", "public_id")
    attendance = {
        (a.child_in_proceeding_id, a.hearing_id): a
        for a in HearingAttendance.objects.filter(
            child_in_proceeding_id__in=list(parts), hearing__held_on__gte=today
        ).select_related("support_user")
    }
    supported = {a.child_in_proceeding_id for a in attendance.values() if a.has_support}
    proceedings = Proceeding.objects.in_bulk(
        {parts[pk].proceeding_id for pk in supported}, field_name="pk"
    )
    assigned = set(
        CaseAssignment.objects.current()
        .filter(
            case_id__in={parts[pk].case_id for pk in supported},
            role=AssignmentRole.SUPPORT_PERSON,
        )
        .values_list("case_id", "user_id")
    )

    def stands(there: HearingAttendance, part: ChildInProceeding) -> bool:
        if not there.has_support:
            return False
        proceeding = proceedings[part.proceeding_id]
        if there.support_user is not None:
            return (part.case_id, there.support_user_id) in assigned and not implicated(
                proceeding, there.support_user.get_full_name()
            )
        return not implicated(proceeding, there.support_name)

    # The parts of each proceeding, so that each hearing meets only its own children (not
    # every part of every proceeding: that grew with the square of the caseload).
    by_proceeding: dict[int, list[ChildInProceeding]] = defaultdict(list)
    for part in parts.values():
        by_proceeding[part.proceeding_id].append(part)
    out = []
    for hearing_id, proceeding_id, public_id in hearings:
        for part in by_proceeding[proceeding_id]:
            there = attendance.get((part.pk, hearing_id))
            takes_part = (there is not None and there.testifies) or any(
                agreed.get((part.pk, form)) == Choice.AGREES
                for form in (Form.TESTIMONY, Form.CROSS_EXAMINATION)
            )
            if takes_part and (there is None or not stands(there, part)):
                out.append((part.case_id, str(public_id)))
    return out


NO_SUPPORT_PERSON = register(
    AlertRule(
        code="vw3.no_support_person",
        shows=(S.LEGAL,),
        measure_id="VW-3",
        severity=Severity.ALERT,
        title=_("No support person for a hearing"),
        message=_(
            "The child takes part in a hearing to come and no support person stands for them "
            "there: none is recorded, or the one recorded is no longer assigned to the case or "
            "is now named on the accused's side. Arrange one the child trusts — never someone "
            "on the accused's side — and record them on the hearing (Justice)."
        ),
        breaches=hearing_without_support,
        found_in="justice.ChildInProceeding",
        reads=(
            "cases.Case",
            "justice.Proceeding",
            "justice.ChildInProceeding",
            "justice.Participation",
            "justice.Hearing",
            "justice.HearingAttendance",
            # A support user's assignment and name (a user named among the accused later).
            "accounts.Membership",
            "accounts.User",
            "cases.CaseAssignment",
        ),
    )
)


def too_many_statements(cases: Any) -> list[tuple[int, str]]:
    """More statements, or more testimonies and cross-examinations, in one proceeding than the
    set number (VW-5, CC-6): someone must say why the child is asked again.

    The subject is the child's part, the form and the count ("<part>:statement:3"; a
    cross-examination counts as testimony), so each further one raises a new alert even after
    the previous one was resolved with a reason, as CC-6 does; a form within its number raises
    nothing. The part's public ID is the subject up to its first colon."""
    rows = (
        ProceedingStatement.objects.filter(
            child_in_proceeding__case__in=cases.exclude(stage=Case.Stage.CLOSED)
        )
        .values(
            "child_in_proceeding_id",
            "child_in_proceeding__case_id",
            "child_in_proceeding__public_id",
        )
        .annotate(
            statements=Count("pk", filter=Q(interview__kind=Interview.Kind.STATEMENT)),
            testimonies=Count("pk", filter=~Q(interview__kind=Interview.Kind.STATEMENT)),
        )
        .order_by()
    )
    out = []
    for row in rows:
        for form, count, limit in (
            (Form.STATEMENT, row["statements"], max_statements()),
            (Form.TESTIMONY, row["testimonies"], max_testimonies()),
        ):
            if count > limit:
                subject = f"{row['child_in_proceeding__public_id']}:{form}:{count}"
                out.append((row["child_in_proceeding__case_id"], subject))
    return out


TOO_MANY_STATEMENTS = register(
    AlertRule(
        code="vw5.too_many_statements",
        shows=(S.LEGAL,),
        measure_id="VW-5",
        severity=Severity.ALERT,
        title=_("The child was asked for evidence again"),
        message=_(
            "The child has given more statements or testimonies in this proceeding than the "
            "set number. Each one makes them tell their story again. Supervisor: find out why "
            "another was needed, whether the recorded statement could have served, and resolve "
            "this alert saying what you found."
        ),
        breaches=too_many_statements,
        found_in="justice.ChildInProceeding",
        reads=(
            "cases.Case",
            "cases.Interview",
            "justice.ChildInProceeding",
            "justice.ProceedingStatement",
        ),
    )
)


def no_recent_update(cases: Any) -> list[tuple[int, str]]:
    """A child in an open proceeding not told about it for longer than the set interval
    (VW-6), counted from their last update or, without one, from joining the proceeding."""
    cutoff = timezone.now() - timedelta(days=update_days())
    rows = (
        _parts(cases)
        .annotate(last=Max("updates__given_at"))
        .filter(Q(last__lt=cutoff) | Q(last__isnull=True, created_at__lt=cutoff))
        .values_list("case_id", "public_id")
    )
    return [(case_id, str(public_id)) for case_id, public_id in rows]


NO_RECENT_UPDATE = register(
    AlertRule(
        code="vw6.no_recent_update",
        shows=(S.LEGAL,),
        measure_id="VW-6",
        severity=Severity.ALERT,
        title=_("The child has not been told about the proceeding lately"),
        message=_(
            "Nobody has told the child (and their support person) how the proceeding is going "
            "for longer than the set interval. Tell them, in their language, and record what "
            "you explained (Justice → Update to the child)."
        ),
        breaches=no_recent_update,
        found_in="justice.ChildInProceeding",
        reads=(
            "cases.Case",
            "justice.Proceeding",
            "justice.ChildInProceeding",
            "justice.ChildUpdate",
        ),
    )
)


def news_not_told(cases: Any) -> list[tuple[int, str]]:
    """A hearing date set, a verdict, a release or an appeal that the child has not been told
    of since Haven learnt of it (VW-6): due within 48 hours. Told means an update given (not
    merely written up) after the news was recorded."""
    parts = list(_parts(cases, roles=False).values_list("pk", "case_id", "proceeding_id"))
    if not parts:
        return []
    proceedings = {proceeding for _p, _c, proceeding in parts}
    last_told = dict(
        ChildUpdate.objects.filter(child_in_proceeding_id__in=[p for p, _c, _r in parts])
        .values("child_in_proceeding_id")
        .annotate(last=Max("given_at"))
        .values_list("child_in_proceeding_id", "last")
    )
    news: dict[int, list[tuple[Any, str]]] = defaultdict(list)
    for model in (ProceedingEvent, Hearing):
        for proceeding, created, uuid in model.objects.filter(
            proceeding_id__in=proceedings
        ).values_list("proceeding_id", "created_at", "public_id"):
            # The update's time is entered to the minute: one given in the minute Haven learnt
            # of the news counts as telling it.
            news[proceeding].append((created.replace(second=0, microsecond=0), str(uuid)))
    out = []
    for part, case_id, proceeding in parts:
        told = last_told.get(part)
        for created, subject in news[proceeding]:
            if told is None or told < created:
                out.append((case_id, subject))
    return out


INFORM_THE_CHILD = register(
    AlertRule(
        code="vw6.inform_the_child",
        shows=(S.LEGAL,),
        measure_id="VW-6",
        severity=Severity.ALERT,
        title=_("Tell the child what happened in the proceeding"),
        message=_(
            "A hearing date, a verdict, a release or an appeal of the accused was recorded and "
            "the child has not been told since. Tell the child and their support person within "
            "48 hours, in their language, and record it (Justice → Update to the child)."
        ),
        breaches=news_not_told,
        found_in="justice.ChildInProceeding",
        reads=(
            "cases.Case",
            "justice.Proceeding",
            "justice.ChildInProceeding",
            "justice.ChildUpdate",
            "justice.ProceedingEvent",
            "justice.Hearing",
        ),
    )
)


def _latest_risks(parts: Iterable[int]) -> dict[int, ReprisalRisk]:
    latest: dict[int, ReprisalRisk] = {}
    for risk in ReprisalRisk.objects.filter(child_in_proceeding_id__in=list(parts)).order_by(
        "child_in_proceeding_id", "-assessed_on", "-created_at"
    ):
        latest.setdefault(risk.child_in_proceeding_id, risk)
    return latest


def high_risk_unprotected(cases: Any) -> list[tuple[int, str]]:
    """The latest assessment of a child's reprisal risk is high, with no protection measure
    (VW-7)."""
    parts = dict(_parts(cases, roles=False).values_list("pk", "case_id"))
    return [
        (parts[part], str(risk.public_id))
        for part, risk in _latest_risks(parts).items()
        if risk.level == Risk.HIGH and not risk.measures
    ]


HIGH_RISK_UNPROTECTED = register(
    AlertRule(
        code="vw7.high_risk_unprotected",
        shows=(S.LEGAL,),
        measure_id="VW-7",
        severity=Severity.ALERT,
        title=_("High risk of reprisal, no protection"),
        message=_(
            "The child's risk of reprisal is assessed as high and no protection measure is "
            "recorded. Arrange one now (relocation, police protection, a no-contact order, a "
            "change of school) and record it with a new assessment."
        ),
        breaches=high_risk_unprotected,
        found_in="justice.ChildInProceeding",
        reads=(
            "cases.Case",
            "justice.Proceeding",
            "justice.ChildInProceeding",
            "justice.ReprisalRisk",
        ),
    )
)


def risk_review_due(cases: Any) -> list[tuple[int, str]]:
    """The reprisal risk is reviewed before each hearing and on each release or verdict (VW-7):
    due when a hearing is near and no assessment was made since the last hearing (or none at
    all), or when a release or verdict came after the last assessment."""
    today = timezone.localdate()
    rows = list(_parts(cases).values_list("pk", "case_id", "proceeding_id", "public_id"))
    if not rows:
        return []
    parts = {pk: (case_id, proceeding) for pk, case_id, proceeding, _pid in rows}
    public = {pk: str(pid) for pk, _c, _p, pid in rows}
    proceedings = {proceeding for _c, proceeding in parts.values()}
    near: set[int] = set()
    last_held: dict[int, Any] = {}
    for proceeding, held_on in Hearing.objects.filter(proceeding_id__in=proceedings).values_list(
        "proceeding_id", "held_on"
    ):
        if today <= held_on <= today + timedelta(days=REVIEW_BEFORE_HEARING_DAYS):
            near.add(proceeding)
        elif held_on < today:
            last_held[proceeding] = max(held_on, last_held.get(proceeding, held_on))
    turning = dict(
        ProceedingEvent.objects.filter(
            proceeding_id__in=proceedings, kind__in=(EventKind.RELEASE, EventKind.VERDICT)
        )
        .values("proceeding_id")
        .annotate(last=Max("occurred_on"))
        .values_list("proceeding_id", "last")
    )
    latest = _latest_risks(parts)
    out = []
    for part, (case_id, proceeding) in parts.items():
        risk = latest.get(part)
        assessed = risk.assessed_on if risk else None
        before_hearing = proceeding in near and (
            assessed is None or (proceeding in last_held and assessed < last_held[proceeding])
        )
        after_turn = proceeding in turning and (assessed is None or assessed < turning[proceeding])
        if before_hearing or after_turn:
            out.append((case_id, public[part]))
    return out


RISK_REVIEW_DUE = register(
    AlertRule(
        code="vw7.risk_review_due",
        shows=(S.LEGAL,),
        measure_id="VW-7",
        severity=Severity.ALERT,
        title=_("Review the risk of reprisal"),
        message=_(
            "A hearing is near, or the accused was released or a verdict given, and the child's "
            "risk of reprisal has not been assessed since. Assess it again with the child and "
            "their support person, and record the protection measures."
        ),
        breaches=risk_review_due,
        found_in="justice.ChildInProceeding",
        reads=(
            "cases.Case",
            "justice.Proceeding",
            "justice.ChildInProceeding",
            "justice.Hearing",
            "justice.ProceedingEvent",
            "justice.ReprisalRisk",
        ),
    )
)
