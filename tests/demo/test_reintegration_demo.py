"""The demo's recovery and reintegration (haven.demo.reintegration, RR-1 … RR-8): one child on
each pathway, written through the services, with the alerts a real caseload would raise and none
it should not. Every test reads the one demo seeded for the package (tests/demo/conftest.py)."""

from collections import Counter

import pytest
from django.utils import timezone

from haven.cases.models import Case
from haven.reintegration.models import (
    FamilyMember,
    Pathway,
    PathwayKind,
    PlanKind,
    PlanService,
    ReintegrationPlan,
    Retrafficking,
)
from haven.reintegration.rules import eighteenth_birthday
from haven.safeguards.models import Alert

# One worker seeds the demo once for the package (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


def rr_alerts(case_id: int) -> set[str]:
    """The open recovery-and-reintegration alerts on a case."""
    return set(
        Alert.objects.filter(
            case_id=case_id, status=Alert.Status.OPEN, rule_code__startswith="rr"
        ).values_list("rule_code", flat=True)
    )


def test_rr1_demo_has_one_child_on_each_pathway_each_decided_by_a_determination(
    demo: str,
) -> None:
    pathways = list(Pathway.objects.select_related("decision"))
    assert Counter(p.kind for p in pathways) == Counter(PathwayKind.values)
    assert len({p.case_id for p in pathways}) == 5
    for pathway in pathways:
        assert pathway.decision.kind == "bid"
        assert pathway.decision.case_id == pathway.case_id
        assert pathway.decision.decided_on <= pathway.decided_on
    subjects = {p.kind: p.decision.subject for p in pathways}
    assert subjects == {
        "reunification": "return",
        "kinship": "return",
        "family_based": "placement",
        "independent": "reintegration",
        "residential": "placement",
    }
    residential = next(p for p in pathways if p.kind == "residential")
    assert residential.last_resort_reason.startswith("Fictional: no relative has been traced")
    # Nothing waits too long, no safety plan is overdue, no child goes back to harm (RR-2 … RR-4).
    assert not Alert.objects.filter(
        status=Alert.Status.OPEN, rule_code__regex=r"^rr[234]\."
    ).exists()


def test_rr3_kinship_determination_addresses_the_father_recorded_implicated_before_it(
    demo: str,
) -> None:
    kinship = Pathway.objects.select_related("decision").get(kind="kinship")
    members = {m.relationship: m for m in FamilyMember.objects.filter(case=kinship.case_id)}
    assert set(members) == {"father", "aunt_uncle"}
    father = members["father"]
    assert (father.implicated, father.safe_contact) == (True, False)
    assert not members["aunt_uncle"].implicated
    assert kinship.implicated_addressed.startswith("Fictional: the father is not told")
    assert kinship.decision.decided_on >= timezone.localdate(father.implicated_at)
    assert kinship.created_at >= father.implicated_at
    # Decided today, not yet carried out: no RR-2 alert, and no RR-3 alert either.
    assert kinship.decided_on == timezone.localdate()
    assert kinship.carried_out_on is None
    assert rr_alerts(kinship.case_id) == set()


def test_rr5_reunification_with_a_service_for_the_mother_is_on_time_and_foster_care_is_overdue(
    demo: str,
) -> None:
    home = Pathway.objects.get(kind="reunification")
    assert home.carried_out_on is not None
    plan = ReintegrationPlan.objects.get(case=home.case_id)
    mother = FamilyMember.objects.get(case=home.case_id, relationship="mother")
    assert list(
        PlanService.objects.filter(family_member=mother).values_list("plan", "description")
    ) == [(plan.pk, "Market stall training and a small loan")]
    assert (plan.services.count(), plan.reviews.count(), plan.visits.count()) == (2, 1, 2)
    assert plan.visits.order_by("-visited_on").first().next_visit_on > timezone.localdate()
    assert rr_alerts(home.case_id) == set()

    foster = Pathway.objects.get(kind="family_based")
    assert foster.carried_out_on is not None
    foster_plan = ReintegrationPlan.objects.get(case=foster.case_id)
    assert not foster_plan.visits.exists()
    assert foster_plan.first_visit_on < timezone.localdate()
    overdue = Alert.objects.get(status=Alert.Status.OPEN, rule_code="rr5.follow_up_overdue")
    assert (overdue.case_id, overdue.subject) == (foster.case_id, str(foster_plan.public_id))
    assert rr_alerts(foster.case_id) == {"rr5.follow_up_overdue"}


def test_rr8_supported_living_has_a_transition_plan_and_a_17_year_old_without_one_is_flagged(
    demo: str,
) -> None:
    young = Pathway.objects.select_related("case__child").get(kind="independent")
    assert ReintegrationPlan.objects.filter(case=young.case_id).count() == 1
    assert ReintegrationPlan.objects.get(case=young.case_id).kind == PlanKind.TRANSITION
    assert rr_alerts(young.case_id) == set()

    today = timezone.localdate()
    flagged = Alert.objects.filter(
        status=Alert.Status.OPEN, rule_code="rr8.transition_plan_needed"
    ).select_related("case__child")
    # Besides any young person whose recorded birth date already makes them 18: one 17-year-old
    # whose birth date, recorded again, gives 18 in four months.
    minors = [a.case for a in flagged if eighteenth_birthday(a.case.child.birth_date) > today]
    assert len(minors) == 1
    assert 0 < (eighteenth_birthday(minors[0].child.birth_date) - today).days <= 120
    assert not Pathway.objects.filter(case=minors[0]).exists()


def test_rr6_demo_child_found_back_in_exploitation_stays_on_their_case(demo: str) -> None:
    event = Retrafficking.objects.select_related("case").get()
    assert (event.occurred_on, event.forms) == (timezone.localdate(), ["ForcedLabour"])
    assert event.case.stage != "closed"
    # The same child, one case: not registered again.
    assert Case.objects.filter(child_id=event.case.child_id).count() == 1
