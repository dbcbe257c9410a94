"""The recovery and reintegration alert rules (RR-2, RR-3, RR-4, RR-5, RR-8): each is raised
exactly when it should be, with a subject naming the record it is about, and not otherwise;
each clears when its cause is fixed; a closed case raises none. Time is moved by writing dates
in the past, and the sweep (`evaluate` over every case) does what it does at night.

The last test proves each rule reads in the same number of queries for 2 cases as for 20."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.cases.models import Case, CaseAssignment
from haven.cases.services import case_register
from haven.children.models import Child
from haven.decisions.models import Decision
from haven.placements.services import placement_record
from haven.reintegration import services
from haven.reintegration.models import (
    FamilyMember,
    FollowUpVisit,
    Pathway,
    PlanReview,
    ReintegrationPlan,
    SafetyPlan,
)
from haven.reintegration.rules import eighteenth_birthday, turning_eighteen_on_or_before
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert, Notification
from haven.safeguards.registry import alert_rules
from tests.factories import child_fields, close_case, determination
from tests.reintegration.helpers import (
    alerts,
    assessment,
    days,
    member,
    open_subjects,
    pathway,
    plan,
    review,
    safety_plan,
    today,
    visit,
)

RR2 = "rr2.pathway_not_carried_out"
RR3 = "rr3.with_implicated_family"
RR4 = "rr4.safety_review_overdue"
RR5_REVIEW = "rr5.plan_review_overdue"
RR5_VISIT = "rr5.follow_up_overdue"
RR8 = "rr8.transition_plan_needed"
RULES = (RR2, RR3, RR4, RR5_REVIEW, RR5_VISIT, RR8)


def _rules() -> list[Any]:
    return [rule for rule in alert_rules() if rule.code in RULES]


def _sweep() -> None:
    evaluate(Case.objects.all(), _rules())


def _pid(row: Any) -> str:
    return str(row.public_id)


def _close(case: Case, actor: Any) -> None:
    close_case(case, actor)


def _implicate(found: FamilyMember, actor: Any) -> FamilyMember:
    return services.family_member_update(
        case=found.case,
        actor=actor,
        member=found,
        name=found.name,
        relationship=found.relationship,
        implicated=True,
    )


def _addressed(case: Case, actor: Any, kind: str = "reunification") -> Pathway:
    return pathway(
        case,
        actor,
        kind,
        implicated_addressed="Fictional: the uncle lives in another province; no contact.",
    )


# --- RR-3: a child back with an implicated family member ------------------------------------------


def test_rr3_a_member_implicated_after_a_reunification_raises_a_critical_alert_at_once(
    case: Case, case_worker: Any, supervisor: Any
) -> None:
    uncle = member(case, case_worker, relationship="aunt_uncle", name="Fictional Uncle")
    assessment(case, case_worker)
    pathway(case, case_worker, "reunification")
    assert alerts(case, RR3) == []

    _implicate(uncle, case_worker)

    alert = Alert.objects.get(case=case, rule_code=RR3)
    assert (alert.subject, alert.status, alert.severity) == (_pid(uncle), "open", "critical")
    # Critical: the agency's supervisor (and the child-protection authority) are told.
    assert list(Notification.objects.filter(alert=alert).values_list("recipient", flat=True)) == [
        supervisor.pk
    ]


def test_rr3_the_alert_cannot_be_resolved_and_closes_when_a_determination_addresses_it(
    case: Case, case_worker: Any
) -> None:
    uncle = member(case, case_worker, relationship="aunt_uncle")
    assessment(case, case_worker)
    pathway(case, case_worker, "kinship", subject="return")
    _implicate(uncle, case_worker)
    rule = next(r for r in alert_rules() if r.code == RR3)
    assert rule.resolvable is False

    _addressed(case, case_worker, "kinship")

    assert alerts(case, RR3) == [(_pid(uncle), "cleared")]


def test_rr3_a_child_placed_with_the_family_while_a_member_is_implicated_raises_it(
    case: Case, case_worker: Any
) -> None:
    """The placement path: Haven records where a child lives, whoever decided it. A placement
    with the family is not blocked from below, but it is never silent."""
    father = member(case, case_worker, relationship="father", implicated=True)
    placement_record(
        case=case,
        actor=case_worker,
        type="family",
        facility="Fictional family home",
        start_on=today(),
        can_leave="free",
        decision=determination(case, case_worker, "placement"),
    )

    assert open_subjects(case, RR3) == {_pid(father)}


def test_rr3_other_pathways_or_no_implicated_member_raise_nothing(
    case: Case, case_worker: Any
) -> None:
    member(case, case_worker, implicated=True)
    pathway(case, case_worker, "family_based", subject="placement")
    second = member(case, case_worker, relationship="sibling", name="Fictional Sister")
    assert second.implicated is False
    assert alerts(case, RR3) == []


def test_rr3_a_closed_case_raises_nothing(case: Case, case_worker: Any) -> None:
    uncle = member(case, case_worker, relationship="aunt_uncle")
    assessment(case, case_worker)
    pathway(case, case_worker, "reunification")
    _close(case, case_worker)
    _implicate(uncle, case_worker)
    _sweep()
    assert open_subjects(case, RR3) == set()


# --- RR-2: the pathway waits too long -------------------------------------------------------------


def test_rr2_a_pathway_not_carried_out_within_90_days_raises_an_alert_named_by_it(
    case: Case, case_worker: Any
) -> None:
    recent = pathway(case, case_worker, "family_based", decided_on=days(-89), subject="placement")
    _sweep()
    assert alerts(case, RR2) == []

    Pathway.objects.filter(pk=recent.pk).update(decided_on=days(-91))
    _sweep()
    assert alerts(case, RR2) == [(_pid(recent), "open")]

    services.pathway_carried_out(
        case=case, actor=case_worker, pathway=recent, carried_out_on=today()
    )
    assert alerts(case, RR2) == [(_pid(recent), "cleared")]


def test_rr2_the_interval_is_a_setting(case: Case, case_worker: Any, settings: Any) -> None:
    settings.HAVEN_RR2_PATHWAY_DAYS = 30
    chosen = pathway(case, case_worker, "family_based", decided_on=days(-31), subject="placement")
    assert alerts(case, RR2) == [(_pid(chosen), "open")]


def test_rr2_only_the_pathway_that_stands_counts(case: Case, case_worker: Any) -> None:
    pathway(case, case_worker, "family_based", decided_on=days(-120), subject="placement")
    pathway(case, case_worker, "independent", decided_on=days(-5), subject="placement")
    _sweep()
    assert open_subjects(case, RR2) == set()


# --- RR-4: the safety plan's review ---------------------------------------------------------------


def test_rr4_an_overdue_safety_plan_review_alerts_until_it_is_reviewed(
    case: Case, case_worker: Any
) -> None:
    first = safety_plan(case, case_worker, agreed_on=days(-40), review_on=days(-1))
    assert alerts(case, RR4) == [(_pid(first), "open")]

    again = safety_plan(case, case_worker, agreed_on=today(), review_on=days(30))

    assert alerts(case, RR4) == [(_pid(first), "cleared")]
    assert open_subjects(case, RR4) == set() and again.review_on == days(30)


def test_rr4_a_review_date_today_is_not_overdue(case: Case, case_worker: Any) -> None:
    safety_plan(case, case_worker, agreed_on=days(-30), review_on=today())
    assert alerts(case, RR4) == []


# --- RR-5: the plan's reviews and follow-up visits ------------------------------------------------


def test_rr5_an_overdue_plan_review_alerts_until_a_review_sets_the_next_date(
    case: Case, case_worker: Any
) -> None:
    rplan = plan(
        case, case_worker, agreed_on=days(-70), review_on=days(-10), first_visit_on=days(5)
    )
    assert alerts(case, RR5_REVIEW) == [(_pid(rplan), "open")]

    review(rplan, case_worker, next_review_on=days(60))

    assert alerts(case, RR5_REVIEW) == [(_pid(rplan), "cleared")]


def test_rr5_the_next_review_date_of_the_latest_review_counts(case: Case, case_worker: Any) -> None:
    rplan = plan(
        case, case_worker, agreed_on=days(-200), review_on=days(-150), first_visit_on=days(5)
    )
    review(rplan, case_worker, reviewed_on=days(-150), next_review_on=days(-90))
    review(rplan, case_worker, reviewed_on=days(-80), next_review_on=days(-2))
    _sweep()
    assert open_subjects(case, RR5_REVIEW) == {_pid(rplan)}


def test_rr5_an_overdue_follow_up_visit_alerts_until_the_child_is_visited(
    case: Case, case_worker: Any
) -> None:
    rplan = plan(case, case_worker, agreed_on=days(-20), first_visit_on=days(-3))
    assert alerts(case, RR5_VISIT) == [(_pid(rplan), "open")]

    visit(rplan, case_worker, visited_on=today(), next_visit_on=days(30))
    assert alerts(case, RR5_VISIT) == [(_pid(rplan), "cleared")]

    FollowUpVisit.objects.filter(plan=rplan).update(next_visit_on=days(-1))
    _sweep()
    assert open_subjects(case, RR5_VISIT) == {_pid(rplan)}


def test_rr5_a_plan_replaced_by_a_newer_one_of_its_kind_no_longer_alerts(
    case: Case, case_worker: Any
) -> None:
    old = plan(
        case, case_worker, agreed_on=days(-100), review_on=days(-50), first_visit_on=days(-90)
    )
    assert open_subjects(case, RR5_REVIEW) == {_pid(old)}
    plan(case, case_worker)
    assert open_subjects(case, RR5_REVIEW) == set()
    assert open_subjects(case, RR5_VISIT) == set()


def test_rr5_a_closed_case_raises_nothing(case: Case, case_worker: Any) -> None:
    plan(case, case_worker, agreed_on=days(-100), review_on=days(-50), first_visit_on=days(-90))
    safety_plan(case, case_worker, agreed_on=days(-40), review_on=days(-1))
    _close(case, case_worker)
    _sweep()
    assert {code: open_subjects(case, code) for code in (RR4, RR5_REVIEW, RR5_VISIT)} == {
        RR4: set(),
        RR5_REVIEW: set(),
        RR5_VISIT: set(),
    }


# --- RR-8: turning 18 -----------------------------------------------------------------------------


def _born(case: Case, born: date | None) -> None:
    Child.objects.filter(pk=case.child_id).update(birth_date=born)


def test_rr8_a_young_person_turning_18_within_six_months_needs_a_transition_plan(
    case: Case, case_worker: Any
) -> None:
    horizon = today() + timedelta(days=round(6 * 30.44))
    _born(case, turning_eighteen_on_or_before(horizon) + timedelta(days=1))
    _sweep()
    assert alerts(case, RR8) == []

    _born(case, turning_eighteen_on_or_before(horizon))
    _sweep()
    assert alerts(case, RR8) == [("", "open")]

    plan(case, case_worker, kind="transition")
    assert alerts(case, RR8) == [("", "cleared")]


def test_rr8_at_18_the_case_goes_on_and_still_needs_the_plan(case: Case, case_worker: Any) -> None:
    _born(case, date(today().year - 19, 1, 1))
    _sweep()
    assert open_subjects(case, RR8) == {""}
    assert Case.objects.get(pk=case.pk).stage != "closed"


def test_rr8_no_birth_date_raises_nothing_and_the_months_are_a_setting(
    case: Case, case_worker: Any, settings: Any
) -> None:
    _born(case, None)
    _sweep()
    assert alerts(case, RR8) == []

    settings.HAVEN_RR8_MONTHS = 12
    _born(case, turning_eighteen_on_or_before(today() + timedelta(days=300)))
    _sweep()
    assert open_subjects(case, RR8) == {""}


def test_rr8_eighteenth_birthday_of_a_child_born_on_29_february() -> None:
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
    assert eighteenth_birthday(date(2008, 3, 5)) == date(2026, 3, 5)


# --- set-based: the same queries for 2 cases as for 20 --------------------------------------------


def _caseload(agency: Any, actor: Any, n: int) -> None:
    """Cases until there are n, written directly (this is about the rules' queries), each of
    which breaches every rule: a reunification decided 100 days ago and not carried out, a
    family member implicated after it, a safety plan and a plan overdue for review and visit
    (each with a review and a visit), and a child who turned 18."""
    now = timezone.now()
    while (have := Case.objects.count()) < n:
        child = Child.objects.create(
            given_name=f"Fictional {have}", sex="female", birth_date=date(today().year - 19, 1, 1)
        )
        case = Case.objects.create(
            reference=f"HV-R{have:06d}",
            child=child,
            lead_agency=agency,
            stage=Case.Stage.RECOVERY,
            stage_changed_at=now,
            opened_at=now - timedelta(days=200),
        )
        CaseAssignment.objects.create(
            case=case, user=actor, agency=agency, role="case_worker", started_at=now
        )
        decision = Decision.objects.create(
            case=case,
            kind="bid",
            subject="reintegration",
            decided_on=days(-100),
            question="q",
            options="o",
            outcome="o",
            justification="j",
            child_views="v",
            decided_by=actor,
        )
        Pathway.objects.create(
            case=case, kind="reunification", decided_on=days(-100), decision=decision
        )
        FamilyMember.objects.create(
            case=case, relationship="father", implicated=True, implicated_at=now
        )
        SafetyPlan.objects.create(case=case, agreed_on=days(-60), review_on=days(-5))
        rplan = ReintegrationPlan.objects.create(
            case=case,
            kind="reintegration",
            agreed_on=days(-90),
            review_on=days(-60),
            first_visit_on=days(-80),
        )
        PlanReview.objects.create(plan=rplan, reviewed_on=days(-60), next_review_on=days(-2))
        FollowUpVisit.objects.create(plan=rplan, visited_on=days(-60), next_visit_on=days(-2))


def _rule_queries() -> dict[str, tuple[int, int]]:
    out = {}
    for rule in _rules():
        with CaptureQueriesContext(connection) as queries:
            found = list(rule.breaches(Case.objects.all()))
        out[rule.code] = (len(queries), len(found))
    return out


def test_rr2_rr3_rr4_rr5_rr8_each_rule_reads_in_the_same_queries_for_2_and_20_cases(
    agency: Any, case_worker: Any
) -> None:
    _caseload(agency, case_worker, 2)
    few = _rule_queries()
    _caseload(agency, case_worker, 20)
    many = _rule_queries()

    assert {code: found for code, (_q, found) in few.items()} == dict.fromkeys(RULES, 2)
    assert {code: found for code, (_q, found) in many.items()} == dict.fromkeys(RULES, 20)
    assert {code: q for code, (q, _f) in many.items()} == {code: q for code, (q, _f) in few.items()}


@pytest.mark.parametrize("code", RULES)
def test_each_recovery_rule_for_one_case_without_records_is_one_query(
    case: Case, code: str
) -> None:
    rule = next(r for r in alert_rules() if r.code == code)
    with CaptureQueriesContext(connection) as queries:
        assert list(rule.breaches(Case.objects.filter(pk=case.pk))) == []
    assert len(queries) == 1


def test_case_register_leaves_no_recovery_alert(case_worker: Any, agency: Any) -> None:
    fresh = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Fictn"))
    assert Alert.objects.filter(case=fresh, rule_code__in=RULES).count() == 0
