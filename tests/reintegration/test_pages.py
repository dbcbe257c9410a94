"""The Recovery pages of a case (RR-1 … RR-5, RR-8; DP-1, DP-3): who reaches each page, what a
saved form writes and where it leads, what bad input answers (400, the field named, nothing
saved), RR-3's refusal shown with its measure ID, a stale edit refused with 409, and the reads
logged. The services and rules are tested in test_services.py and test_rules.py."""

from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_assign, case_register
from haven.reintegration.models import (
    FamilyAssessment,
    FamilyMember,
    FollowUpVisit,
    Pathway,
    PlanReview,
    PlanService,
    ReintegrationPlan,
    Retrafficking,
    SafetyPlan,
)
from tests.conftest import signed_in
from tests.factories import child_fields, determination, staff
from tests.reintegration.helpers import assessment, member, pathway, plan, safety_plan

TODAY = timezone.localdate


def _day(offset: int) -> str:
    return (TODAY() + timedelta(days=offset)).isoformat()


def _state() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            FamilyMember,
            FamilyAssessment,
            Pathway,
            SafetyPlan,
            ReintegrationPlan,
            PlanService,
            PlanReview,
            FollowUpVisit,
            Retrafficking,
            AuditEvent,
        )
    )


class World:
    """A case with a mother, a family assessment, a reunification decided, a safety plan and a
    reintegration plan."""

    def __init__(self, case: Case, actor: Any) -> None:
        self.case = case
        self.actor = actor
        self.mother = member(case, actor)
        assessment(case, actor)
        self.pathway = pathway(case, actor, "reunification")
        safety_plan(case, actor)
        self.plan = plan(case, actor)
        self.decision = determination(case, actor, "reintegration")
        self.page = reverse("reintegration:recovery", args=[case.public_id])

    def url(self, name: str) -> str:
        args: list[Any] = [self.case.public_id]
        if name == "member_edit":
            args.append(self.mother.public_id)
        elif name == "pathway_carried_out":
            args.append(self.pathway.public_id)
        elif name in ("plan_service_new", "plan_review_new", "visit_new"):
            args.append(self.plan.public_id)
        return reverse(f"reintegration:{name}", args=args)


@pytest.fixture
def world(case: Case, case_worker: Any) -> World:
    return World(case, case_worker)


def _client(user: Any) -> Client:
    return signed_in(Client(), user)


def _valid(name: str, world: World) -> dict[str, Any]:
    return {
        "member_new": {
            "name": "Fictional Brother Adi",
            "relationship": "sibling",
            "contact": "",
            "safe_contact": "on",
            "notes": "",
        },
        "member_edit": {
            "name": "Fictional Mother Sari",
            "relationship": "mother",
            "contact": "Fictional village",
            "safe_contact": "on",
            "notes": "Fictional: sells vegetables.",
            "version": world.mother.version,
        },
        "assessment_new": {
            "assessed_on": _day(0),
            "safety": "low",
            "abuse": "no",
            "complicity": "no",
            "capacity": "able",
            "needs": "",
            "child_views": "Fictional: home is good now.",
        },
        "pathway_new": {
            "kind": "reunification",
            "decided_on": _day(0),
            "decision": str(world.decision.public_id),
            "reasons": "Fictional: the family can care and the child wants to go home.",
            "child_views": "Fictional: I want to go home.",
        },
        "pathway_carried_out": {"carried_out_on": _day(0)},
        "safety_plan_new": {
            "agreed_on": _day(0),
            "sources": ["traffickers"],
            "risks": "Fictional: the recruiter.",
            "measures": "Fictional: call the case worker.",
            "child_words": "Fictional: I stay with my aunt on market days.",
            "review_on": _day(30),
        },
        "plan_new": {
            "kind": "reintegration",
            "agreed_on": _day(0),
            "goals": "Fictional: school.",
            "responsible": "Fictional: the case worker.",
            "review_on": _day(60),
            "first_visit_on": _day(14),
        },
        "plan_service_new": {
            "description": "Fictional: work at the cooperative",
            "provider": "Fictional Cooperative",
            "family_member": str(world.mother.public_id),
            "in_community": "on",
            "status": "planned",
        },
        "plan_review_new": {
            "reviewed_on": _day(0),
            "progress": "Fictional: at school.",
            "child_views": "Fictional: good.",
            "next_review_on": _day(60),
        },
        "visit_new": {
            "visited_on": _day(0),
            "visited_by": "Fictional Case Worker",
            "observations": "Fictional: calm home.",
            "child_views": "Fictional: happy.",
            "next_visit_on": _day(30),
        },
        "retrafficking_new": {
            "occurred_on": _day(0),
            "forms": ["ForcedLabour", "ChildLabour"],
            "notes": "Fictional: found at the brick kiln again.",
        },
    }[name]


FORMS = [
    "member_new",
    "member_edit",
    "assessment_new",
    "pathway_new",
    "pathway_carried_out",
    "safety_plan_new",
    "plan_new",
    "plan_service_new",
    "plan_review_new",
    "visit_new",
    "retrafficking_new",
]
PAGES = ["recovery", *FORMS]

# What each saved form adds: the model whose rows grow by one (an edit adds none).
ADDS = {
    "member_new": FamilyMember,
    "assessment_new": FamilyAssessment,
    "pathway_new": Pathway,
    "safety_plan_new": SafetyPlan,
    "plan_new": ReintegrationPlan,
    "plan_service_new": PlanService,
    "plan_review_new": PlanReview,
    "visit_new": FollowUpVisit,
    "retrafficking_new": Retrafficking,
}


@pytest.mark.parametrize("name", PAGES)
def test_dp1_every_recovery_page_opens_for_the_case_worker(world: World, name: str) -> None:
    response = _client(world.actor).get(world.url(name))

    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.parametrize("name", PAGES)
def test_dp1_a_reader_without_family_matters_or_of_another_agency_gets_404(
    world: World, name: str, assigned_interpreter: Any, outsider: Any
) -> None:
    data = _valid(name, world) if name in FORMS else {}
    before = _state()
    for user in (assigned_interpreter, outsider):
        client = _client(user)
        assert client.get(world.url(name)).status_code == 404, user
        if name in FORMS:
            assert client.post(world.url(name), data).status_code == 404, user
    assert _state() == before


def test_dp1_a_plan_of_another_case_answers_404(world: World, agency: Any) -> None:
    other = case_register(actor=world.actor, agency=agency, child=child_fields(given_name="Fo"))
    url = reverse("reintegration:visit_new", args=[other.public_id, world.plan.public_id])

    assert _client(world.actor).get(url).status_code == 404


def test_rr_forms_show_only_to_those_who_may_use_them(
    world: World, supervisor: Any, agency: Any
) -> None:
    # A psychologist on the case reads family matters but does not plan reintegration.
    psychologist = staff(agency, Role.PSYCHOLOGIST, username="rrpsy")
    case_assign(case=world.case, actor=supervisor, user=psychologist, role="psychologist")
    client = _client(psychologist)

    body = client.get(world.page).content.decode()

    assert "Fictional Mother Sari" in body
    for name in FORMS:
        assert world.url(name) not in body, name
    before = _state()
    for name in ("member_new", "pathway_new", "visit_new"):
        assert client.post(world.url(name), _valid(name, world)).status_code == 403, name
    assert _state() == before


def test_the_case_page_links_to_recovery_for_a_reader_of_family_matters(
    world: World, assigned_interpreter: Any
) -> None:
    detail = reverse("cases:detail", args=[world.case.public_id])
    assert world.page in _client(world.actor).get(detail).content.decode()
    assert world.page not in _client(assigned_interpreter).get(detail).content.decode()


@pytest.mark.parametrize("name", FORMS)
def test_rr_each_form_saves_once_and_leads_back_to_the_recovery_page(
    world: World, name: str
) -> None:
    model = ADDS.get(name)
    before = model.objects.count() if model else None
    audit = AuditEvent.objects.count()

    response = _client(world.actor).post(world.url(name), _valid(name, world))

    assert response.status_code == 302
    assert response["Location"].startswith(world.page + "#")
    if model is not None:
        assert model.objects.count() == before + 1
    assert AuditEvent.objects.count() == audit + 1


@pytest.mark.parametrize(
    ("name", "changes", "field"),
    [
        ("member_new", {"name": ""}, "name"),
        ("member_new", {"relationship": "cousin"}, "relationship"),
        ("assessment_new", {"child_views": " "}, "child_views"),
        ("pathway_new", {"kind": "orphanage"}, "kind"),
        ("pathway_new", {"decision": ""}, "decision"),
        ("pathway_carried_out", {"carried_out_on": "not a date"}, "carried_out_on"),
        ("safety_plan_new", {"child_words": ""}, "child_words"),
        ("plan_new", {"review_on": _day(-1)}, "review_on"),
        ("plan_service_new", {"status": "maybe"}, "status"),
        ("plan_review_new", {"next_review_on": _day(0)}, "next_review_on"),
        ("visit_new", {"visited_on": _day(-400)}, "visited_on"),
        ("retrafficking_new", {"forms": []}, "forms"),
    ],
)
def test_rr_bad_input_names_the_field_answers_400_and_saves_nothing(
    world: World, name: str, changes: dict[str, str], field: str
) -> None:
    before = _state()

    response = _client(world.actor).post(world.url(name), {**_valid(name, world), **changes})

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert _state() == before


def test_rr3_a_return_to_a_family_with_an_implicated_member_is_refused_on_the_page(
    world: World,
) -> None:
    member(world.case, world.actor, relationship="father", implicated=True, name="Fictional F")
    before = _state()

    response = _client(world.actor).post(world.url("pathway_new"), _valid("pathway_new", world))

    body = unescape(response.content.decode())
    assert response.status_code == 400
    assert "RR-3" in body and "implicated in the trafficking (father)" in body
    assert _state() == before


def test_rr3_a_change_someone_else_saved_first_is_refused_with_409(world: World) -> None:
    data = _valid("member_edit", world)
    client = _client(world.actor)
    assert (
        client.post(world.url("member_edit"), {**data, "notes": "Fictional first"}).status_code
        == 302
    )

    response = client.post(world.url("member_edit"), {**data, "implicated": "on"})

    assert response.status_code == 409
    assert FamilyMember.objects.get(pk=world.mother.pk).implicated is False


def test_rr_the_page_shows_the_pathway_the_family_and_the_plan(world: World) -> None:
    body = unescape(_client(world.actor).get(world.page).content.decode())

    for text in (
        "Return to the family (reunification)",
        "not carried out yet",
        "Fictional Mother Sari",
        "Fictional: if I see him I go to my aunt's shop and call.",
        "Fictional: go back to school in my village; help my mother at the stall.",
        "How long the child has waited",
    ):
        assert text in body, text


def test_dp3_the_recovery_page_and_its_forms_log_the_read(world: World) -> None:
    client = _client(world.actor)
    before = AccessLog.objects.count()
    client.get(world.page)
    client.get(world.url("visit_new"))

    logged = list(AccessLog.objects.order_by("-pk").values_list("what", flat=True)[:2])
    assert AccessLog.objects.count() == before + 2
    assert logged == ["reintegration.form", "reintegration.view"]


def test_rr_the_recovery_page_reads_in_the_same_queries_with_more_records(world: World) -> None:
    client = _client(world.actor)
    client.get(world.page)
    with CaptureQueriesContext(connection) as few:
        assert client.get(world.page).status_code == 200
    for n in range(3):
        member(world.case, world.actor, name=f"Fictional Relative {n}", relationship="sibling")
        assessment(world.case, world.actor)
        plan(world.case, world.actor, kind="transition")
        safety_plan(world.case, world.actor)
    with CaptureQueriesContext(connection) as many:
        assert client.get(world.page).status_code == 200

    assert len(many.captured_queries) == len(few.captured_queries)
