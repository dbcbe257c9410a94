"""Non-detention and non-punishment (ND-1 … ND-5), and placements decided in the child's best
interests (CC-1)."""

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.closing import closing_check
from haven.cases.models import Case
from haven.children.models import AgeAssessment
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.identification.selectors import identified_at
from haven.placements.models import (
    NOT_FREE,
    OPEN_CHARGE_STATUSES,
    Charge,
    Liberty,
    Placement,
    Restriction,
    determination_q,
    review_q,
)
from haven.protection.models import Service, legal_assistance_q
from haven.safeguards.registry import AlertRule, BlockRule, Severity, register


def check_review_date(*, review_on: Any) -> None:
    """ND-3, ND-5: a shelter placement, or any placement the child cannot leave, cannot be
    saved without a review date."""
    if review_on is None:
        raise SafeguardViolation(SHELTER_REVIEW.measure_id, SHELTER_REVIEW.message)


SHELTER_REVIEW = register(
    BlockRule(
        code="nd3.shelter_needs_review_date",
        measure_id="ND-3",
        severity=Severity.BLOCK,
        title=_("This placement needs a review date"),
        message=_(
            "A shelter, or any place the child cannot leave, is for the shortest possible time, "
            "decided case by case: give the date by which this placement will be reviewed with "
            "the child."
        ),
        check=check_review_date,
    )
)


def check_not_held(*, held_in: str | None) -> None:
    """ND-2, ND-5: a case is not closed while the child is in a place they cannot leave; the
    child is moved first (or the facts recorded), and the case's alerts keep them in view."""
    if held_in is not None:
        raise SafeguardViolation(
            NOT_CLOSED_WHILE_HELD.measure_id,
            str(NOT_CLOSED_WHILE_HELD.message) % {"place": held_in},
        )


@closing_check
def _not_while_held(case: Any, closed_reason: str) -> None:
    held = Placement.objects.current().filter(case=case, liberty__in=NOT_FREE).first()
    NOT_CLOSED_WHILE_HELD.check(held_in=held.get_type_display().lower() if held else None)


NOT_CLOSED_WHILE_HELD = register(
    BlockRule(
        code="nd2.not_closed_while_held",
        measure_id="ND-2",
        severity=Severity.BLOCK,
        title=_("The child is held in a closed place"),
        message=_(
            "This case cannot be closed while the child is held (%(place)s). Move the child to a "
            "safe place and record it, or end the placement with what happened, then close."
        ),
        check=check_not_held,
    )
)


def _current_placements(cases: Any, which: Q, *, closed_cases_too: bool = False) -> Any:
    """Current placements that match `which`. A situation that persists whether or not the
    case is open (a child deprived of liberty, ND-2, ND-5) is read over every case given,
    closed ones too."""
    if not closed_cases_too:
        cases = cases.exclude(stage=Case.Stage.CLOSED)
    return Placement.objects.current().filter(which, case__in=cases)


def _pairs(rows: Any) -> list[tuple[int, str]]:
    return [(case_id, str(public_id)) for case_id, public_id in rows]


def child_detained(cases: Any) -> Any:
    """A child — or a person presumed to be one — held in criminal or immigration custody (a
    police cell, prison, immigration detention, or any other place recorded as custody). Only
    a completed age assessment finding an adult takes a person out."""
    found_adult = AgeAssessment.objects.filter(
        child_id=OuterRef("case__child_id"),
        status=AgeAssessment.Status.COMPLETED,
        result=AgeAssessment.Result.ADULT,
    )
    # A closed case does not end detention: the alert stands until the child is moved.
    rows = (
        _current_placements(cases, Q(liberty=Liberty.CUSTODY), closed_cases_too=True)
        .filter(~Exists(found_adult))
        .values_list("case_id", "public_id")
    )
    return _pairs(rows)


CHILD_DETAINED = register(
    AlertRule(
        code="nd2.child_detained",
        # Custody is hidden from nobody on the case (Placement.readable_with): everyone who
        # sees the child must be able to act.
        shows=(S.BASIC,),
        measure_id="ND-2",
        severity=Severity.CRITICAL,
        title=_("A child is held in detention"),
        message=_(
            "A child must never be held in a police cell, prison, immigration detention or any "
            "other criminal or immigration custody. "
            "Move the child to a safe place now and record the new placement; the supervisor "
            "and the child-protection authority have been told. This alert closes only when "
            "the child is moved."
        ),
        breaches=child_detained,
        found_in="placements.Placement",
        reads=("cases.Case", "children.AgeAssessment", "placements.Placement"),
        resolvable=False,
    )
)


def shelter_review_overdue(cases: Any) -> Any:
    """A shelter or a place the child cannot leave whose review date has passed, or that has
    none (a placement recorded before the rule, or made closed later)."""
    rows = (
        _current_placements(cases, review_q())
        .filter(Q(review_on__isnull=True) | Q(review_on__lt=timezone.localdate()))
        .values_list("case_id", "public_id")
    )
    return _pairs(rows)


SHELTER_REVIEW_OVERDUE = register(
    AlertRule(
        code="nd3.shelter_review_overdue",
        shows=(
            S.LOCATION,
            S.LEGAL,
        ),
        measure_id="ND-3",
        severity=Severity.ALERT,
        title=_("A placement review is overdue"),
        message=_(
            "The review date of this shelter or closed placement has passed, or it has none. "
            "Review it with the child: "
            "hear their views, decide whether it is still in their best interests, and set the "
            "next date — or move the child."
        ),
        breaches=shelter_review_overdue,
        found_in="placements.Placement",
        reads=("cases.Case", "placements.Placement"),
    )
)


def _open_restrictions(cases: Any) -> Any:
    return Restriction.objects.filter(
        case__in=cases.exclude(stage=Case.Stage.CLOSED), ended_on__isnull=True
    )


def restriction_unjustified(cases: Any) -> Any:
    return _pairs(
        _open_restrictions(cases).filter(justification="").values_list("case_id", "public_id")
    )


RESTRICTION_UNJUSTIFIED = register(
    AlertRule(
        code="nd4.restriction_unjustified",
        shows=(S.FAMILY,),
        measure_id="ND-4",
        severity=Severity.ALERT,
        title=_("A restriction has no justification"),
        message=_(
            "The child's movement, contact or activities are restricted with no reason "
            "recorded. A restriction is allowed only in the child's best interests: write why, "
            "or lift it."
        ),
        breaches=restriction_unjustified,
        found_in="placements.Restriction",
        reads=("cases.Case", "placements.Restriction"),
    )
)


def restriction_review_overdue(cases: Any) -> Any:
    rows = _open_restrictions(cases).filter(review_on__lt=timezone.localdate())
    return _pairs(rows.values_list("case_id", "public_id"))


RESTRICTION_REVIEW_OVERDUE = register(
    AlertRule(
        code="nd4.restriction_review_overdue",
        shows=(S.FAMILY,),
        measure_id="ND-4",
        severity=Severity.ALERT,
        title=_("A restriction is past its review date"),
        message=_(
            "Review this restriction now: lift it, or record why it is still in the child's "
            "best interests and when it will be reviewed again. Family contact is the child's "
            "right."
        ),
        breaches=restriction_review_overdue,
        found_in="placements.Restriction",
        reads=("cases.Case", "placements.Restriction"),
    )
)


def _legal_assistance() -> Any:
    """Cases where the child has legal assistance: a legal service planned, under way or done."""
    return Exists(Service.objects.filter(legal_assistance_q(), case_id=OuterRef("case_id")))


def child_victim_charged(cases: Any) -> Any:
    victims = (
        cases.exclude(stage=Case.Stage.CLOSED)
        .annotate(identified_at=identified_at())
        .filter(
            Q(identified_at__isnull=False)
            | Q(
                trafficking_status__in=(
                    Case.TraffickingStatus.POSSIBLE,
                    Case.TraffickingStatus.ACTUAL,
                )
            )
        )
        .values("pk")
    )
    rows = (
        Charge.objects.filter(case__in=victims, status__in=OPEN_CHARGE_STATUSES)
        .annotate(assisted=_legal_assistance())
        .exclude(assisted=True, non_punishment_raised_on__isnull=False)
        .values_list("case_id", "public_id")
    )
    return _pairs(rows)


NON_PUNISHMENT = register(
    AlertRule(
        code="nd1.non_punishment",
        shows=(S.LEGAL,),
        measure_id="ND-1",
        severity=Severity.ALERT,
        title=_("A child victim faces a charge"),
        message=_(
            "A presumed child victim is not to be held liable for illegal entry, stay or work, "
            "or for offences they were compelled to commit. Arrange legal assistance, raise the "
            "non-punishment principle with the authority, and record both."
        ),
        breaches=child_victim_charged,
        found_in="placements.Charge",
        reads=(
            "cases.Case",
            "identification.Screening",
            "placements.Charge",
            "protection.Service",
        ),
    )
)


def closed_without_lawyer(cases: Any) -> Any:
    rows = (
        _current_placements(cases, Q(liberty__in=NOT_FREE), closed_cases_too=True)
        .annotate(assisted=_legal_assistance())
        .filter(assisted=False)
        .values_list("case_id", "public_id")
    )
    return _pairs(rows)


LEGAL_ASSISTANCE_IN_CLOSED_PLACEMENT = register(
    AlertRule(
        code="nd5.no_legal_assistance",
        shows=(
            S.LOCATION,
            S.LEGAL,
        ),
        measure_id="ND-5",
        severity=Severity.ALERT,
        title=_("Deprived of liberty without a lawyer"),
        message=_(
            "The child cannot leave where they are held, and has no legal assistance recorded. "
            "Arrange a lawyer promptly: the child can challenge the deprivation of liberty."
        ),
        breaches=closed_without_lawyer,
        found_in="placements.Placement",
        reads=("cases.Case", "placements.Placement", "protection.Service"),
    )
)


def placement_without_determination(cases: Any) -> Any:
    rows = (
        _current_placements(cases, determination_q())
        .filter(decision__isnull=True)
        .values_list("case_id", "public_id")
    )
    return _pairs(rows)


PLACEMENT_NEEDS_BID = register(
    AlertRule(
        code="cc1.placement_needs_bid",
        shows=(
            S.LOCATION,
            S.LEGAL,
        ),
        measure_id="CC-1",
        severity=Severity.ALERT,
        title=_("A placement awaits its best-interests determination"),
        message=_(
            "The child was placed urgently. Urgent protection is never held up, but the "
            "determination must follow: hear the child, take it, and link it to the placement."
        ),
        breaches=placement_without_determination,
        found_in="placements.Placement",
        reads=("cases.Case", "placements.Placement"),
    )
)
