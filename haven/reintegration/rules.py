"""Recovery and reintegration: the safeguards (RR-2, RR-3, RR-4, RR-5, RR-8), and the closing
reasons the record must bear out ("back with the family, and followed up"; "turned 18, with a
transition plan").

RR-3's red line is kept on every path that could return a child to a family member implicated
in the trafficking: deciding a pathway with the family is blocked unless a determination taken
after Haven knew of it addresses it (`check_implicated_addressed`); a family member recorded as
implicated after that decision, or a child recorded as living with their family or relatives
(a placement, which this area cannot block from below) while a family member is implicated and
no pathway addresses it, raises a critical alert that closes only when the facts change.

Each alert rule reads in a fixed number of queries whatever the number of cases: rows are
fetched for the cases given and grouped in Python (bench/)."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.closing import closing_check
from haven.cases.models import Case, ClosingReason
from haven.core.errors import SafeguardViolation
from haven.core.models import latest_rows
from haven.core.sensitivity import Sensitivity as S
from haven.placements.models import Placement, PlacementType
from haven.reintegration.models import (
    WITH_FAMILY,
    ContactAttempt,
    FamilyMember,
    FollowUpVisit,
    Pathway,
    PlanKind,
    PlanReview,
    ReintegrationPlan,
    SafetyPlan,
)
from haven.safeguards.registry import AlertRule, BlockRule, Severity, register

# How long a decided pathway may wait before it is carried out (RR-2), and how long before 18
# a transition plan is needed (RR-8). Settings: HAVEN_RR2_PATHWAY_DAYS, HAVEN_RR8_MONTHS.


def pathway_days() -> int:
    return int(getattr(settings, "HAVEN_RR2_PATHWAY_DAYS", 90))


def transition_months() -> int:
    return int(getattr(settings, "HAVEN_RR8_MONTHS", 6))


# Where a child lives with their own family or relatives.
FAMILY_PLACEMENTS = (PlacementType.FAMILY, PlacementType.KINSHIP)


def _open(cases: Any) -> Any:
    return cases.exclude(stage=Case.Stage.CLOSED)


def _standing_pathways(pathways: Any) -> Any:
    """The pathway that stands on each case among `pathways`: the last decided (RR-2, RR-3)."""
    return latest_rows(pathways, by=["case_id"], newest_first=["-decided_on", "-created_at", "-pk"])


# --- RR-3: never back to a family member implicated in the trafficking, unaddressed ---------------


def check_implicated_addressed(*, case: Case, decision: Any, implicated_addressed: str) -> None:
    """A pathway with the family, while a family member is recorded as implicated, needs a
    determination taken once Haven knew of it and a statement of how it deals with it."""
    implicated = list(FamilyMember.objects.filter(case=case, implicated=True))
    unaddressed = None
    if implicated:
        known_on = max(
            (timezone.localdate(m.implicated_at) for m in implicated if m.implicated_at),
            default=timezone.localdate(),
        )
        if not implicated_addressed.strip() or decision.decided_on < known_on:
            unaddressed = ", ".join(
                sorted({str(m.get_relationship_display()).lower() for m in implicated})
            )
    IMPLICATED_FAMILY.check(who=unaddressed)


def _refuse_unaddressed(*, who: str | None) -> None:
    if who is not None:
        raise SafeguardViolation(
            IMPLICATED_FAMILY.measure_id, str(IMPLICATED_FAMILY.message) % {"who": who}
        )


IMPLICATED_FAMILY = register(
    BlockRule(
        code="rr3.implicated_family_addressed",
        measure_id="RR-3",
        severity=Severity.BLOCK,
        title=_("A family member is implicated in the trafficking"),
        message=_(
            "A family member is recorded as implicated in the trafficking (%(who)s). The child "
            "goes back to this family only if a best-interests determination taken since then "
            "addresses it: record that determination, and say how it deals with it."
        ),
        check=_refuse_unaddressed,
    )
)


def with_implicated_family(cases: Any) -> list[tuple[int, str]]:
    """Open cases where a family member is implicated and the child is returning or has
    returned to the family (the pathway that stands is with the family, or the child lives
    with family or relatives) without a pathway decided since Haven knew it and addressing it.
    Subject: the family member."""
    cases = _open(cases)
    members = list(
        FamilyMember.objects.filter(case__in=cases, implicated=True)
        .order_by()
        .only("pk", "case_id", "public_id", "implicated_at")
    )
    if not members:
        return []
    case_ids = {m.case_id for m in members}
    latest = {
        pathway.case_id: pathway
        for pathway in _standing_pathways(Pathway.objects.filter(case_id__in=case_ids)).only(
            "pk", "case_id", "kind", "created_at", "implicated_addressed"
        )
    }
    at_home = set(
        Placement.objects.current()
        .filter(case_id__in=case_ids, type__in=FAMILY_PLACEMENTS)
        .values_list("case_id", flat=True)
    )
    out = []
    for member in members:
        pathway = latest.get(member.case_id)
        with_family = pathway is not None and pathway.kind in WITH_FAMILY
        if not with_family and member.case_id not in at_home:
            continue
        addressed = (
            with_family
            and bool(pathway.implicated_addressed)  # type: ignore[union-attr]
            and member.implicated_at is not None
            and pathway.created_at >= member.implicated_at  # type: ignore[union-attr]
        )
        if not addressed:
            out.append((member.case_id, str(member.public_id)))
    return out


WITH_IMPLICATED_FAMILY = register(
    AlertRule(
        code="rr3.with_implicated_family",
        shows=(S.FAMILY,),
        measure_id="RR-3",
        severity=Severity.CRITICAL,
        title=_("Returning to a family member implicated in the trafficking"),
        message=_(
            "The child is going back, or has gone back, to their family while a family member "
            "is recorded as implicated in the trafficking, and no best-interests determination "
            "since then addresses it. See the child today, assess the family again and decide "
            "the pathway with a determination that deals with it (Recovery). The supervisor "
            "and the child-protection authority have been told."
        ),
        breaches=with_implicated_family,
        found_in="reintegration.FamilyMember",
        reads=(
            "cases.Case",
            "reintegration.FamilyMember",
            "reintegration.Pathway",
            "placements.Placement",
        ),
        resolvable=False,
    )
)


# --- RR-2: a decided pathway is carried out without undue delay -----------------------------------


def pathway_not_carried_out(cases: Any) -> list[tuple[int, str]]:
    """The pathway that stands was decided more than the set number of days ago (default 90)
    and has not been carried out. Subject: the pathway."""
    due = timezone.localdate() - timedelta(days=pathway_days())
    standing = _standing_pathways(Pathway.objects.filter(case__in=_open(cases)))
    rows = standing.filter(carried_out_on__isnull=True, decided_on__lt=due)
    return [(case_id, str(pk)) for case_id, pk in rows.values_list("case_id", "public_id")]


PATHWAY_DELAYED = register(
    AlertRule(
        code="rr2.pathway_not_carried_out",
        shows=(S.FAMILY,),
        measure_id="RR-2",
        severity=Severity.ALERT,
        title=_("The decided pathway is waiting"),
        message=_(
            "The child's pathway was decided a long time ago and has not happened. Find out "
            "what holds it up, tell the child, and record it when it is carried out — or decide "
            "again if it no longer serves the child (Recovery)."
        ),
        breaches=pathway_not_carried_out,
        found_in="reintegration.Pathway",
        reads=("cases.Case", "reintegration.Pathway"),
    )
)


# --- RR-4: the safety plan is reviewed on time ----------------------------------------------------


def safety_review_overdue(cases: Any) -> list[tuple[int, str]]:
    """The latest safety plan's review date has passed. Subject: that plan."""
    latest = latest_rows(
        SafetyPlan.objects.filter(case__in=_open(cases)),
        by=["case_id"],
        newest_first=["-agreed_on", "-created_at", "-pk"],
    )
    rows = latest.filter(review_on__lt=timezone.localdate())
    return [(case_id, str(pk)) for case_id, pk in rows.values_list("case_id", "public_id")]


SAFETY_REVIEW_OVERDUE = register(
    AlertRule(
        code="rr4.safety_review_overdue",
        shows=(S.FAMILY,),
        measure_id="RR-4",
        severity=Severity.ALERT,
        title=_("The safety plan's review is overdue"),
        message=_(
            "The child's safety plan was due for review. Go through it with the child — what "
            "has changed, who they can call — and record it again (Recovery)."
        ),
        breaches=safety_review_overdue,
        found_in="reintegration.SafetyPlan",
        reads=("cases.Case", "reintegration.SafetyPlan"),
    )
)


# --- RR-5: the plan's reviews and follow-up visits happen -----------------------------------------


def _overdue_plans(
    cases: Any, model: Any, done_field: str, next_field: str, plan_field: str
) -> list[tuple[int, str]]:
    """The current plans (the latest of each kind on each open case) whose next date is past:
    the one the latest review (or visit) of the plan set, or the plan's own when there is
    none. All in SQL: the latest record of each plan is read by a subquery per current plan."""
    current = latest_rows(
        ReintegrationPlan.objects.filter(case__in=_open(cases)),
        by=["case_id", "kind"],
        newest_first=["-agreed_on", "-created_at", "-pk"],
    )
    latest = (
        model.objects.filter(plan_id=OuterRef("pk"))
        .order_by("-" + done_field, "-created_at", "-pk")
        .values(next_field)[:1]
    )
    rows = (
        current.annotate(next_on=Coalesce(Subquery(latest), plan_field))
        .filter(next_on__lt=timezone.localdate())
        .values_list("case_id", "public_id")
    )
    return [(case_id, str(pk)) for case_id, pk in rows]


def plan_review_overdue(cases: Any) -> list[tuple[int, str]]:
    """A current plan whose next review date (the plan's, then its latest review's) has
    passed. Subject: the plan."""
    return _overdue_plans(cases, PlanReview, "reviewed_on", "next_review_on", "review_on")


def follow_up_overdue(cases: Any) -> list[tuple[int, str]]:
    """A current plan whose next follow-up visit (the plan's first, then the one the latest
    visit set) is past its date. Subject: the plan."""
    return _overdue_plans(cases, FollowUpVisit, "visited_on", "next_visit_on", "first_visit_on")


PLAN_REVIEW_OVERDUE = register(
    AlertRule(
        code="rr5.plan_review_overdue",
        shows=(S.FAMILY,),
        measure_id="RR-5",
        severity=Severity.ALERT,
        title=_("The plan's review is overdue"),
        message=_(
            "The child's plan was due for review. Review it with the child and the people "
            "responsible, and record the progress and the next date (Recovery)."
        ),
        breaches=plan_review_overdue,
        found_in="reintegration.ReintegrationPlan",
        reads=("cases.Case", "reintegration.ReintegrationPlan", "reintegration.PlanReview"),
    )
)

FOLLOW_UP_OVERDUE = register(
    AlertRule(
        code="rr5.follow_up_overdue",
        shows=(S.FAMILY,),
        measure_id="RR-5",
        severity=Severity.ALERT,
        title=_("A follow-up visit is overdue"),
        message=_(
            "The child was due a follow-up visit. Visit, see how the child is and hear them, "
            "and record what you saw and the next date (Recovery)."
        ),
        breaches=follow_up_overdue,
        found_in="reintegration.ReintegrationPlan",
        reads=("cases.Case", "reintegration.ReintegrationPlan", "reintegration.FollowUpVisit"),
    )
)


# --- RR-8: a transition plan before 18 ------------------------------------------------------------


def eighteenth_birthday(born: date) -> date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return date(born.year + 18, 3, 1)


def turning_eighteen_on_or_before(day: date) -> date:
    """The latest birth date of a child who is 18 on `day`."""
    try:
        return day.replace(year=day.year - 18)
    except ValueError:  # 29 February
        return date(day.year - 18, 2, 28)


def transition_plan_needed(cases: Any) -> list[tuple[int, str]]:
    """Open cases of a child who turns 18 within the set number of months (default 6), or is
    18 already, and has no transition plan. The birth date used is the one recorded, known or
    estimated: planning starts early; the presumption of minority still protects the child
    everywhere else. No birth date, no alert."""
    months = transition_months()
    horizon = timezone.localdate() + timedelta(days=round(months * 30.44))
    transition = ReintegrationPlan.objects.filter(case_id=OuterRef("pk"), kind=PlanKind.TRANSITION)
    rows = (
        _open(cases)
        .filter(child__birth_date__lte=turning_eighteen_on_or_before(horizon))
        .filter(~Exists(transition))
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


TRANSITION_PLAN_NEEDED = register(
    AlertRule(
        code="rr8.transition_plan_needed",
        shows=(S.FAMILY,),
        measure_id="RR-8",
        severity=Severity.ALERT,
        title=_("A transition plan is needed before 18"),
        message=_(
            "The young person turns 18 soon, or has. Plan the move to independent life with "
            "them: where they will live, work or study, money, documents, and which services "
            "go on after 18 (Recovery → transition plan)."
        ),
        breaches=transition_plan_needed,
        reads=("cases.Case", "children.Child", "reintegration.ReintegrationPlan"),
    )
)


# --- closing: a reason from the closed list is checked against the record (RR-5, RR-8) ----------


def check_reunified_followed_up(*, carried_out_on: date | None, visited: bool) -> None:
    """RR-5: "back with the family, and followed up" is a closing reason only once the pathway
    that stands is a return to the family, carried out, and a follow-up visit was made since."""
    if carried_out_on is None or not visited:
        raise SafeguardViolation(
            CLOSED_REUNIFIED_UNFOLLOWED.measure_id, CLOSED_REUNIFIED_UNFOLLOWED.message
        )


def check_turned_18_with_plan(*, is_child: bool, transition_plan: bool) -> None:
    """RR-8, ID-2: "turned 18, with a transition plan" is a closing reason only for a young
    person no longer presumed a child (where the age is uncertain the presumption still
    applies) and with a transition plan recorded."""
    if is_child or not transition_plan:
        raise SafeguardViolation(
            CLOSED_AT_18_WITHOUT_TRANSITION.measure_id, CLOSED_AT_18_WITHOUT_TRANSITION.message
        )


# "Contact lost after the recorded attempts" (RR-6): this many attempts, on as many different
# days, in more than one way, before a case may close for it.
LOST_CONTACT_ATTEMPTS = 3


def check_attempts_recorded(*, attempts: int, days: int, ways: int) -> None:
    """RR-6: a case closes as "contact lost" only after the attempts to reach the child are
    recorded: LOST_CONTACT_ATTEMPTS of them on different days, in more than one way."""
    if attempts < LOST_CONTACT_ATTEMPTS or days < LOST_CONTACT_ATTEMPTS or ways < 2:
        raise SafeguardViolation(
            CLOSED_LOST_CONTACT_UNTRIED.measure_id, CLOSED_LOST_CONTACT_UNTRIED.message
        )


def _closing_reason_holds(case: Any, closed_reason: str) -> None:
    if closed_reason == ClosingReason.REUNIFIED:
        pathway = Pathway.objects.filter(case=case).order_by("-decided_on", "-created_at").first()
        carried_out_on = (
            pathway.carried_out_on if pathway is not None and pathway.kind in WITH_FAMILY else None
        )
        visited = carried_out_on is not None and (
            FollowUpVisit.objects.filter(plan__case=case, visited_on__gte=carried_out_on).exists()
        )
        check_reunified_followed_up(carried_out_on=carried_out_on, visited=visited)
    elif closed_reason == ClosingReason.LOST_CONTACT:
        attempts = list(
            ContactAttempt.objects.filter(case=case).values_list("attempted_on", "method")
        )
        check_attempts_recorded(
            attempts=len(attempts),
            days=len({day for day, _way in attempts}),
            ways=len({way for _day, way in attempts}),
        )
    elif closed_reason == ClosingReason.ADULT_SERVICES:
        check_turned_18_with_plan(
            is_child=case.child.presumption.is_child,
            transition_plan=ReintegrationPlan.objects.filter(
                case=case, kind=PlanKind.TRANSITION
            ).exists(),
        )


closing_check(_closing_reason_holds)

CLOSED_REUNIFIED_UNFOLLOWED = register(
    BlockRule(
        code="rr5.closed_reunified_unfollowed",
        measure_id="RR-5",
        severity=Severity.BLOCK,
        title=_("The return home is not followed up yet"),
        message=_(
            "A case closes as back with the family only when the return is carried out and "
            "followed up at home. Record the pathway with the family as carried out, and a "
            "follow-up visit since, on the Recovery page; then close."
        ),
        check=check_reunified_followed_up,
    )
)

CLOSED_AT_18_WITHOUT_TRANSITION = register(
    BlockRule(
        code="rr8.closed_at_18_without_transition",
        measure_id="RR-8",
        severity=Severity.BLOCK,
        title=_("Turning 18 needs a transition plan"),
        message=_(
            "A case closes as turned 18 only for a young person no longer presumed a child, "
            "with a transition plan to independent life recorded on the Recovery page. Where "
            "the age is uncertain, the person is still presumed a child and every child measure "
            "applies."
        ),
        check=check_turned_18_with_plan,
    )
)

CLOSED_LOST_CONTACT_UNTRIED = register(
    BlockRule(
        code="rr6.closed_lost_contact_untried",
        measure_id="RR-6",
        severity=Severity.BLOCK,
        title=_("Contact lost, but the attempts are not recorded"),
        message=_(
            "A case closes as contact lost only after at least three recorded attempts to reach "
            "the child, on different days and in more than one way (a visit, a call, through "
            "the family, the school or another agency). Record them on the Recovery page; then "
            "close."
        ),
        check=check_attempts_recorded,
    )
)
