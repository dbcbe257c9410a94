"""Closing a case (RR-5, RR-6, RR-8, CC-1): the reason from the closed list must be borne out by
the record, and no case closes past an open critical alert, which closing would silence —
through the service, the page and the API alike. A refused closing changes nothing; a closed
case reopens with its history intact."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.models import Case, StageChange
from haven.cases.services import case_change_stage, case_register, closure_request
from haven.core.errors import SafeguardViolation
from haven.placements.services import placement_record
from haven.reintegration.models import FamilyMember
from haven.reintegration.services import pathway_carried_out
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import child_fields, close_case, determination, staff
from tests.reintegration.helpers import assessment, days, member, pathway, plan, today, visit

pytestmark = pytest.mark.django_db

RR3 = "rr3.with_implicated_family"
REASON = "Fictional: the plan's goals are met and the family is supported by the village."


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.stage,
        case.closed_at,
        case.closed_reason,
        StageChange.objects.count(),
        AuditEvent.objects.count(),
        sorted(Alert.objects.filter(case=case).values_list("rule_code", "status")),
    )


def _close(case: Case, actor: Any, closed_reason: str) -> Case:
    """`actor` asks and a supervisor approves (RR-6, CC-1): the checks run at both steps."""
    return close_case(case, actor, closed_reason, REASON)


def _refused(case: Case, actor: Any, closed_reason: str) -> SafeguardViolation:
    """Refused on every path to a closed case: the case worker's request, and a supervisor
    closing directly; the same measure each time, and nothing changes."""
    before = _state(case)
    with pytest.raises(SafeguardViolation) as refused:
        closure_request(case=case, actor=actor, closed_reason=closed_reason, reason=REASON)
    assert _state(case) == before
    with pytest.raises(SafeguardViolation) as directly:
        case_change_stage(
            case=case,
            actor=staff(case.lead_agency, Role.SUPERVISOR),
            to_stage="closed",
            closed_reason=closed_reason,
            reason=REASON,
        )
    assert directly.value.measure_id == refused.value.measure_id
    assert _state(case) == before
    return refused.value


def _with_family_and_implicated(case: Case, actor: Any) -> FamilyMember:
    """The child lives with the family while the father is recorded as implicated: RR-3's
    critical alert is open and cannot be resolved, only put right."""
    father = member(case, actor, relationship="father", implicated=True)
    placement_record(
        case=case,
        actor=actor,
        type="family",
        facility="Fictional family home",
        start_on=today(),
        can_leave="free",
        decision=determination(case, actor, "placement"),
    )
    assert Alert.objects.filter(case=case, rule_code=RR3, status="open").count() == 1
    return father


# --- RR-6: no case closes past a critical alert ---------------------------------------------------


@pytest.mark.parametrize("closed_reason", ["goals_met", "transferred", "other", "no_needs"])
def test_rr6_a_case_with_a_critical_alert_open_is_not_closed_and_nothing_changes(
    case: Case, case_worker: Any, closed_reason: str
) -> None:
    _with_family_and_implicated(case, case_worker)

    refused = _refused(case, case_worker, closed_reason)

    assert refused.measure_id == "RR-6"
    assert str(refused.message).startswith(
        "This case cannot be closed while a critical alert is open on it: Returning to a family "
        "member implicated in the trafficking. "
    )


def test_rr6_the_childs_death_closes_the_case_past_a_critical_alert(
    case: Case, case_worker: Any
) -> None:
    _with_family_and_implicated(case, case_worker)

    _close(case, case_worker, "died")

    case.refresh_from_db()
    assert (case.stage, case.closed_reason) == ("closed", "died")


def test_rr6_an_alert_of_lower_severity_does_not_stop_closing(case: Case, case_worker: Any) -> None:
    plan(case, case_worker, agreed_on=days(-40), review_on=days(-10), first_visit_on=days(-20))
    assert Alert.objects.filter(case=case, status="open").exclude(severity="critical").exists()

    _close(case, case_worker, "goals_met")

    case.refresh_from_db()
    assert case.stage == "closed"


def test_rr6_a_closed_case_reopens_with_its_history_and_the_alert_returns(
    case: Case, case_worker: Any
) -> None:
    """Reported back in exploitation: the case reopens; what was recorded is all there, and a
    rule about open cases sees it again."""
    plan(case, case_worker, agreed_on=days(-40), review_on=days(-10), first_visit_on=days(-20))
    _close(case, case_worker, "goals_met")
    assert not Alert.objects.filter(case=case, status="open").exists()

    case_change_stage(
        case=case,
        actor=case_worker,
        to_stage="protection",
        reason="Fictional: the child was found working at the same factory again.",
    )

    case.refresh_from_db()
    assert (case.stage, case.closed_at, case.closed_reason) == ("protection", None, "")
    assert case.reintegration_plans.count() == 1
    stages = list(StageChange.objects.filter(case=case).values_list("to_stage", flat=True))
    assert stages[-2:] == ["closed", "protection"]
    assert Alert.objects.filter(case=case, rule_code="rr5.plan_review_overdue", status="open")


# --- RR-5: "back with the family, and followed up" ------------------------------------------------


def test_rr5_closing_as_reunified_needs_the_return_carried_out_and_a_visit_since(
    case: Case, case_worker: Any
) -> None:
    assert _refused(case, case_worker, "reunified").measure_id == "RR-5"  # no pathway at all

    assessment(case, case_worker, assessed_on=days(-31))
    home = pathway(case, case_worker, "reunification", decided_on=days(-30))
    assert _refused(case, case_worker, "reunified").measure_id == "RR-5"  # not carried out

    rplan = plan(case, case_worker, agreed_on=days(-30), first_visit_on=days(-5))
    visit(rplan, case_worker, visited_on=days(-20))  # before the child went home
    pathway_carried_out(case=case, actor=case_worker, pathway=home, carried_out_on=days(-10))
    refused = _refused(case, case_worker, "reunified")
    assert "followed up at home" in str(refused.message)

    visit(rplan, case_worker, visited_on=days(-3))
    _close(case, case_worker, "reunified")

    case.refresh_from_db()
    assert (case.stage, case.closed_reason) == ("closed", "reunified")


def test_rr5_a_pathway_away_from_the_family_does_not_close_as_reunified(
    case: Case, case_worker: Any
) -> None:
    chosen = pathway(case, case_worker, "family_based", decided_on=days(-30), subject="placement")
    pathway_carried_out(case=case, actor=case_worker, pathway=chosen, carried_out_on=days(-10))
    visit(plan(case, case_worker, agreed_on=days(-30)), case_worker, visited_on=days(-3))

    assert _refused(case, case_worker, "reunified").measure_id == "RR-5"


# --- RR-8: "turned 18, with a transition plan" ----------------------------------------------------


def _young_adult(case_worker: Any, agency: Any, **child: Any) -> Case:
    born = timezone.localdate() - timedelta(days=round(18.5 * 365.25))
    fields = {"birth_date": born, "age_status": "known", **child}
    return case_register(actor=case_worker, agency=agency, child=child_fields(**fields))


def test_rr8_closing_as_turned_18_needs_a_transition_plan(case_worker: Any, agency: Any) -> None:
    adult = _young_adult(case_worker, agency)
    refused = _refused(adult, case_worker, "adult_services")
    assert refused.measure_id == "RR-8"
    assert "transition plan" in str(refused.message)

    plan(adult, case_worker, kind="transition")
    _close(adult, case_worker, "adult_services")

    adult.refresh_from_db()
    assert (adult.stage, adult.closed_reason) == ("closed", "adult_services")


@pytest.mark.parametrize(
    "child",
    [
        {},  # 14 by the case fixture's birth date
        {"age_status": "uncertain"},  # 18 by an uncertain date: still presumed a child (ID-2)
        {"age_status": "known", "claims_child": True},  # documents say 18, the child says not
    ],
    ids=["fourteen", "uncertain-age", "says-under-18"],
)
def test_rr8_id2_a_child_presumed_under_18_is_not_closed_as_turned_18_even_with_a_plan(
    case: Case, case_worker: Any, agency: Any, child: dict[str, Any]
) -> None:
    subject = case if not child else _young_adult(case_worker, agency, **child)
    plan(subject, case_worker, kind="transition")

    refused = _refused(subject, case_worker, "adult_services")

    assert refused.measure_id == "RR-8"
    assert "still presumed a child" in str(refused.message)


# --- the page and the API refuse alike ------------------------------------------------------------


def test_rr6_closing_from_the_page_is_refused_with_the_alert_named_and_changes_nothing(
    client: Client, case: Case, case_worker: Any
) -> None:
    _with_family_and_implicated(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/cases/{case.public_id}/stage/",
        {"to_stage": "closed", "closed_reason": "goals_met", "reason": REASON},
        follow=True,
    )

    page = response.content.decode()
    assert "cannot be closed while a critical alert is open" in page
    assert _state(case) == before


@pytest.mark.parametrize(
    ("closed_reason", "measure_id"),
    [("goals_met", "RR-6"), ("reunified", "RR-5"), ("adult_services", "RR-8")],
)
def test_rr5_rr6_rr8_closing_through_the_api_is_refused_with_422_and_changes_nothing(
    client: Client, case: Case, case_worker: Any, closed_reason: str, measure_id: str
) -> None:
    if measure_id == "RR-6":
        _with_family_and_implicated(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/api/v1/cases/{case.public_id}/closures/",
        {"closed_reason": closed_reason, "reason": REASON},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["measure_id"] == measure_id
    assert _state(case) == before
