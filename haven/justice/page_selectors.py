"""What the Justice page shows of each of the child's parts in proceedings, worked out from the
rows `selectors.parts` prefetched (no query per part): the decision in force for each form of
taking part (VW-1), the child at each hearing (VW-3, VW-4), the statements counted (VW-5), when
the next update to the child is due (VW-6), and the latest reprisal risk (VW-7). The dates and
counts follow the rules in rules.py, so that the page and the alerts agree."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Interview
from haven.justice.models import (
    ChildInProceeding,
    ChildUpdate,
    Choice,
    Compensation,
    Form,
    Hearing,
    HearingAttendance,
    Measure,
    Participation,
    ProceedingEvent,
    ProceedingStatement,
    ProtectionMeasure,
    ReprisalRisk,
    Risk,
)
from haven.justice.rules import update_days

# News of the proceeding (a hearing date set, a verdict, a release, an appeal) is told to the
# child within this time (VW-6, rules.INFORM_THE_CHILD).
NEWS_TOLD_WITHIN = timedelta(hours=48)


@dataclass
class FormDecision:
    """One form of taking part: the decision in force (the latest) and the earlier ones."""

    form: str
    label: str
    in_force: Participation | None
    earlier: list[Participation]

    @property
    def agreed(self) -> bool:
        return self.in_force is not None and self.in_force.choice == Choice.AGREES


@dataclass
class HearingRow:
    """A hearing of the proceeding and this child there. `needs_support`: the hearing is to
    come, the child testifies there or has agreed to testify or be cross-examined, and no
    support person is recorded for them (VW-3, as rules.hearing_without_support)."""

    hearing: Hearing
    attendance: HearingAttendance | None
    to_come: bool
    needs_support: bool

    @property
    def measures(self) -> list[tuple[str, list[str]]]:
        """The child-friendly measures requested, granted and applied, in words (VW-4)."""
        there = self.attendance
        if there is None:
            return []
        return [
            (str(heading), labels(codes, Measure))
            for heading, codes in (
                (_("Requested"), there.requested),
                (_("Granted"), there.granted),
                (_("Applied"), there.applied),
            )
        ]


@dataclass
class PartView:
    part: ChildInProceeding
    forms: list[FormDecision]
    hearings: list[HearingRow]
    events: list[ProceedingEvent]
    statements: list[ProceedingStatement]
    statement_count: int
    testimony_count: int
    last_update: ChildUpdate | None
    next_update_due: datetime
    news_untold: bool
    latest_risk: ReprisalRisk | None
    earlier_risks: list[ReprisalRisk]
    compensations: list[Compensation]

    @property
    def proceeding(self) -> Any:
        return self.part.proceeding

    @property
    def decided(self) -> list[FormDecision]:
        return [f for f in self.forms if f.in_force is not None]

    @property
    def undecided(self) -> list[str]:
        """The forms of taking part nobody has decided: the child does not take part so."""
        return [f.label for f in self.forms if f.in_force is None]

    @property
    def update_overdue(self) -> bool:
        return self.next_update_due < timezone.now()

    @property
    def risk_measures(self) -> list[str]:
        return labels(self.latest_risk.measures, ProtectionMeasure) if self.latest_risk else []

    @property
    def risk_unprotected(self) -> bool:
        return (
            self.latest_risk is not None
            and self.latest_risk.level == Risk.HIGH
            and not self.latest_risk.measures
        )


def labels(codes: list[str], choices: Any) -> list[str]:
    """The words of a list of codes (a JSON list of a TextChoices' values), in the list's own
    order, as the form shows them."""
    chosen = set(codes)
    return [str(label) for value, label in choices.choices if value in chosen]


def _forms(part: ChildInProceeding) -> list[FormDecision]:
    by_form: dict[str, list[Participation]] = {f: [] for f in Form.values}
    # Prefetched in the model's order: latest decided first, as participation_in_force reads.
    for participation in part.participations.all():
        by_form.setdefault(participation.form, []).append(participation)
    return [
        FormDecision(
            form=form,
            label=str(Form(form).label),
            in_force=rows[0] if rows else None,
            earlier=rows[1:],
        )
        for form, rows in by_form.items()
    ]


def _next_update_due(part: ChildInProceeding, updates: list[ChildUpdate]) -> tuple[datetime, bool]:
    """When the child must next be told about the proceeding (VW-6): the set interval after the
    last update (or after joining the proceeding), or sooner, within 48 hours of news recorded
    since the last update was recorded. Also whether such news is waiting."""
    last = max((u.given_at for u in updates), default=part.created_at)
    regular = last + timedelta(days=update_days())
    told = max((u.created_at for u in updates), default=None)
    news = [
        row.created_at
        for row in [*part.proceeding.hearings.all(), *part.proceeding.events.all()]
        if told is None or told < row.created_at
    ]
    if not news:
        return regular, False
    return min(regular, min(news) + NEWS_TOLD_WITHIN), True


def part_view(part: ChildInProceeding, today: date | None = None) -> PartView:
    today = today or timezone.localdate()
    attendance = {a.hearing_id: a for a in part.attendances.all()}
    forms = _forms(part)
    statements = list(part.statements.all())
    updates = list(part.updates.all())  # latest first (ChildUpdate.Meta.ordering)
    risks = list(part.risk_assessments.all())  # latest first
    last_update = updates[0] if updates else None
    due, news = _next_update_due(part, updates)
    agreed_in_court = any(
        f.agreed for f in forms if f.form in (Form.TESTIMONY, Form.CROSS_EXAMINATION)
    )
    hearings = []
    for hearing in part.proceeding.hearings.all():
        there = attendance.get(hearing.pk)
        to_come = hearing.held_on >= today
        takes_part = agreed_in_court or (there is not None and there.testifies)
        hearings.append(
            HearingRow(
                hearing=hearing,
                attendance=there,
                to_come=to_come,
                needs_support=to_come and takes_part and (there is None or not there.has_support),
            )
        )
    return PartView(
        part=part,
        forms=forms,
        hearings=hearings,
        events=list(part.proceeding.events.all()),
        statements=statements,
        statement_count=sum(1 for s in statements if s.interview.kind == Interview.Kind.STATEMENT),
        testimony_count=sum(1 for s in statements if s.interview.kind != Interview.Kind.STATEMENT),
        last_update=last_update,
        next_update_due=due,
        news_untold=news,
        latest_risk=risks[0] if risks else None,
        earlier_risks=risks[1:],
        compensations=list(part.compensations.all()),
    )


def attendance_at(part: ChildInProceeding, hearing: Hearing) -> HearingAttendance | None:
    """What is recorded for this child at this hearing, if anything (recording again replaces
    it, so the form starts from it)."""
    return part.attendances.filter(hearing=hearing).select_related("support_user").first()


def decisions_in_force(part: ChildInProceeding) -> dict[str, Participation]:
    """Form → the child's decision in force, for the statement page's note (VW-1)."""
    return {f.form: f.in_force for f in _forms(part) if f.in_force is not None}


def news_since_told(part: ChildInProceeding) -> list[tuple[str, date]]:
    """What happened in the proceeding since the child was last told (VW-6): each hearing date
    set and each verdict, release or appeal recorded since, as the update page lists them."""
    told = part.updates.order_by("-created_at").values_list("created_at", flat=True).first()
    hearings = part.proceeding.hearings.all()
    events = part.proceeding.events.all()
    if told is not None:
        hearings = hearings.filter(created_at__gt=told)
        events = events.filter(created_at__gt=told)
    news = [(str(_("A hearing date was set")), h.held_on) for h in hearings.order_by("held_on")]
    news += [(e.get_kind_display(), e.occurred_on) for e in events.order_by("occurred_on")]
    return news
