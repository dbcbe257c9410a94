"""The recovery and reintegration API (RR-1 … RR-5, RR-8, DP-1): the family, its assessment, the
pathway, the safety plan and the plans with their services, reviews and visits, under
/api/v1/cases/<id>/recovery/. Each write runs the service the Recovery page runs, so RR-3's
safeguard answers here as 422 with its measure ID and validation as 400 naming the field; a
refused write changes nothing. Every record is a family matter: a caller who sees the case but
may not read family matters on it is answered 404 on every route, reads and writes alike."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.api import reintegration_serializers as rs
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.core.forms import CHOICES_MAX_COUNT, NAME_MAX_LENGTH, TEXT_MAX_LENGTH
from haven.core.sensitivity import Sensitivity as S
from haven.reintegration import services
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
from haven.safeguards.models import Alert
from tests.api import matrix
from tests.api.matrix import DENIED, NOT_FOUND, OK
from tests.conftest import fresh, new_assigned_interpreter, new_case_and_people, signed_in
from tests.factories import assigned, child_fields, determination, staff
from tests.reintegration.helpers import (
    assessment,
    days,
    member,
    pathway,
    plan,
    review,
    safety_plan,
    today,
    visit,
)

INVALID = "Check the highlighted fields."
VIEWS = "Fictional: I want to go home, but not if my uncle is there."
MODELS = (
    FamilyMember,
    FamilyAssessment,
    Pathway,
    SafetyPlan,
    ReintegrationPlan,
    PlanService,
    PlanReview,
    FollowUpVisit,
    Retrafficking,
)


# --- helpers -------------------------------------------------------------------------------------


def _iso(offset: int = 0) -> str:
    return days(offset).isoformat()


def _url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/recovery/{tail}"


def _post(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def _patch(client: Client, url: str, data: Any, if_match: str | None = None):  # type: ignore[no-untyped-def]
    headers = {"If-Match": if_match} if if_match is not None else {}
    return client.patch(url, data, content_type="application/json", headers=headers)


def _state() -> dict[str, Any]:
    """Everything a recovery write could change, to prove a refused one changed nothing."""
    return {
        **{m.__name__: m.objects.count() for m in MODELS},
        "members": list(
            FamilyMember.objects.order_by("pk").values_list(
                "pk", "implicated", "safe_contact", "updated_at"
            )
        ),
        "pathways": list(
            Pathway.objects.order_by("pk").values_list("pk", "carried_out_on", "updated_at")
        ),
        "alerts": list(Alert.objects.order_by("pk").values_list("pk", "rule_code", "status")),
        "audit_events": AuditEvent.objects.count(),
    }


def _safeguard(response, measure_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "measure_id"}
    assert (error["code"], error["measure_id"]) == ("safeguard", measure_id)
    return error


def _invalid(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", INVALID)
    return error["fields"]


def _last_action() -> str:
    return AuditEvent.objects.latest("pk").action


# --- payloads ------------------------------------------------------------------------------------


def _member_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Fictional Aunt Dewi",
        "relationship": "aunt_uncle",
        "contact": "Fictional: the shop by the bus stop.",
        "notes": "Fictional: visited the child twice at the shelter.",
    }
    data.update(changes)
    return data


def _assessment_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessed_on": _iso(),
        "safety": "medium",
        "abuse": "no",
        "complicity": "unknown",
        "capacity": "with_support",
        "needs": "Fictional: work for the mother near home.",
        "child_views": VIEWS,
    }
    data.update(changes)
    return data


def _pathway_body(decision: Any, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "family_based",
        "decided_on": _iso(),
        "decision": str(decision.public_id) if hasattr(decision, "public_id") else decision,
        "reasons": "Fictional: a foster family near her school, while the family is assessed.",
        "child_views": VIEWS,
    }
    data.update(changes)
    return data


def _safety_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agreed_on": _iso(),
        "sources": ["traffickers", "online"],
        "risks": "Fictional: the recruiter messages her online.",
        "measures": "Fictional: block him; tell the case worker at once.",
        "child_words": "Fictional: if he writes I show my foster mother.",
        "review_on": _iso(30),
    }
    data.update(changes)
    return data


def _plan_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "reintegration",
        "agreed_on": _iso(),
        "goals": "Fictional: finish grade 8; see my brother every week.",
        "responsible": "Fictional: case worker for school; foster mother for visits.",
        "review_on": _iso(60),
        "first_visit_on": _iso(14),
    }
    data.update(changes)
    return data


def _service_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "description": "Fictional: vocational training for the mother",
        "provider": "Fictional Women's Cooperative",
        "status": "planned",
    }
    data.update(changes)
    return data


def _review_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reviewed_on": _iso(),
        "progress": "Fictional: at school every day.",
        "child_views": "Fictional: maths is hard.",
        "next_review_on": _iso(45),
    }
    data.update(changes)
    return data


def _visit_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "visited_on": _iso(),
        "visited_by": "Fictional Case Worker",
        "observations": "Fictional: calm home, food in the kitchen.",
        "child_views": "Fictional: I sleep well here.",
        "next_visit_on": _iso(30),
    }
    data.update(changes)
    return data


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def guardian(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """The child's guardian, assigned: reads everything, family matters too, but does not plan
    reintegration."""
    return assigned(case, supervisor, agency, Role.GUARDIAN, "guardian")


@pytest.fixture
def health_worker(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """A health worker assigned to the case: sees it, but may not read family matters."""
    return assigned(case, supervisor, agency, Role.HEALTH_WORKER, "health_worker")


@pytest.fixture
def other_case(case_worker, agency) -> Case:  # type: ignore[no-untyped-def]
    """Another child of the agency, on the same case worker's caseload."""
    return case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Two")
    )


@pytest.fixture
def rplan(case, case_worker) -> ReintegrationPlan:  # type: ignore[no-untyped-def]
    return plan(case, case_worker)


# --- reading the whole area ----------------------------------------------------------------------


def test_rr_api_the_recovery_document_has_everything_of_the_area_and_logs_the_read(
    client: Client, case, case_worker
) -> None:
    mother = member(case, case_worker)
    assessed = assessment(case, case_worker)
    standing = pathway(case, case_worker, "reunification")
    # Recorded later, decided earlier: it does not stand.
    earlier = pathway(case, case_worker, "family_based", decided_on=days(-10), subject="placement")
    safe = safety_plan(case, case_worker)
    rplan = plan(case, case_worker)
    service = services.plan_service_add(
        case=case,
        actor=case_worker,
        plan=rplan,
        family_member=mother,
        description="Fictional: a loan for the stall",
        provider="Fictional Microcredit",
        status="ongoing",
    )
    reviewed = review(rplan, case_worker, next_review_on=days(40))
    visited = visit(rplan, case_worker, next_visit_on=days(20))
    signed_in(client, case_worker)
    reads = AccessLog.objects.count()
    before = _state()

    response = client.get(_url(case))

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == set(rs.RecoverySerializer().fields)
    [m] = body["family_members"]
    assert m == {
        "id": str(mother.public_id),
        "name": "Fictional Mother Sari",
        "relationship": "mother",
        "contact": "Fictional village, by the health post",
        "implicated": False,
        "implicated_at": None,
        "safe_contact": True,
        "notes": "",
        "version": FamilyMember.objects.get(pk=mother.pk).version,
    }
    assert [a["id"] for a in body["assessments"]] == [str(assessed.public_id)]
    assert body["assessments"][0]["capacity"] == "with_support"
    # The pathway that stands comes first.
    assert [p["id"] for p in body["pathways"]] == [str(standing.public_id), str(earlier.public_id)]
    assert body["pathways"][0]["decision"] == str(standing.decision.public_id)
    assert [s["id"] for s in body["safety_plans"]] == [str(safe.public_id)]
    assert body["safety_plans"][0]["sources"] == ["community", "traffickers"]
    [p] = body["plans"]
    assert p["id"] == str(rplan.public_id)
    assert [(s["id"], s["family_member"], s["status"]) for s in p["services"]] == [
        (str(service.public_id), str(mother.public_id), "ongoing")
    ]
    assert [r["id"] for r in p["reviews"]] == [str(reviewed.public_id)]
    assert [v["id"] for v in p["visits"]] == [str(visited.public_id)]
    # The next dates are the latest review's and visit's.
    assert (p["next_review_on"], p["next_visit_on"]) == (_iso(40), _iso(20))
    assert (p["review_overdue"], p["visit_overdue"]) == (False, False)
    timeline = body["timeline"]
    assert set(timeline) == set(rs.TimelineSerializer().fields)
    assert (timeline["pathway_decided_on"], timeline["days_since_pathway"]) == (_iso(), 0)
    assert timeline["adult"] is False
    # Public IDs only: no primary key anywhere in the document.
    assert '"pk"' not in response.content.decode()
    assert f'"id": {mother.pk}' not in response.content.decode()
    assert AccessLog.objects.count() == reads + 1
    assert AccessLog.objects.latest("pk").what == "reintegration.view"
    assert _state() == before


def test_rr_api_an_empty_recovery_document_is_sent_for_a_case_without_any(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    body = client.get(_url(case)).json()
    assert [body[k] for k in ("family_members", "assessments", "pathways", "safety_plans")] == [
        [],
        [],
        [],
        [],
    ]
    assert body["plans"] == []
    assert body["timeline"]["pathway_decided_on"] is None


# --- the family (RR-3) ---------------------------------------------------------------------------


def test_rr3_api_a_family_member_is_recorded_and_one_implicated_is_dated_and_never_safe(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    created = _post(client, _url(case, "family/"), _member_body())
    assert created.status_code == 201, created.content
    body = created.json()
    aunt = FamilyMember.objects.get(public_id=body["id"])
    assert (aunt.case, aunt.name, aunt.relationship) == (case, "Fictional Aunt Dewi", "aunt_uncle")
    assert (aunt.implicated, aunt.implicated_at, aunt.safe_contact) == (False, None, True)
    assert aunt.contact == "Fictional: the shop by the bus stop."
    assert body["version"] == aunt.version
    assert _last_action() == "reintegration.family_member_record"

    uncle = _post(
        client,
        _url(case, "family/"),
        _member_body(name="Fictional Uncle Budi", implicated=True, safe_contact=True),
    )
    assert uncle.status_code == 201, uncle.content
    recorded = FamilyMember.objects.get(public_id=uncle.json()["id"])
    assert recorded.implicated and recorded.implicated_at is not None
    assert recorded.safe_contact is False
    assert (uncle.json()["implicated"], uncle.json()["safe_contact"]) == (True, False)


def test_rr3_api_patch_marks_a_member_implicated_and_keeps_what_is_left_out(
    client: Client, case, case_worker
) -> None:
    mother = member(case, case_worker)
    signed_in(client, case_worker)
    response = _patch(
        client,
        _url(case, f"family/{mother.public_id}/"),
        {"implicated": True},
        if_match=f'"{mother.version}"',
    )
    assert response.status_code == 200, response.content
    updated = FamilyMember.objects.get(pk=mother.pk)
    assert response["ETag"] == f'"{updated.version}"'
    body = response.json()
    assert (body["implicated"], body["safe_contact"]) == (True, False)
    assert (updated.name, updated.relationship, updated.contact) == (
        "Fictional Mother Sari",
        "mother",
        "Fictional village, by the health post",
    )
    assert updated.implicated_at is not None
    event = AuditEvent.objects.latest("pk")
    assert (event.action, event.changes) == (
        "reintegration.family_member_update",
        {"implicated": [False, True]},
    )


def test_rr3_api_a_member_found_implicated_after_the_return_raises_the_critical_alert(
    client: Client, case, case_worker
) -> None:
    father = member(case, case_worker, relationship="father", name="Fictional Father")
    assessment(case, case_worker)
    pathway(case, case_worker, "reunification", subject="return")
    assert not Alert.objects.filter(case=case, rule_code="rr3.with_implicated_family").exists()
    signed_in(client, case_worker)
    response = _patch(client, _url(case, f"family/{father.public_id}/"), {"implicated": True})
    assert response.status_code == 200, response.content
    alert = Alert.objects.get(case=case, rule_code="rr3.with_implicated_family")
    assert (alert.status, alert.subject) == (Alert.Status.OPEN, str(father.public_id))


def test_rr3_api_patch_with_a_stale_if_match_is_412_and_changes_nothing(
    client: Client, case, case_worker
) -> None:
    mother = member(case, case_worker)
    stale = mother.version
    services.family_member_update(
        case=case, actor=case_worker, member=mother, name="Fictional Sari", relationship="mother"
    )
    signed_in(client, case_worker)
    before = _state()
    response = _patch(
        client,
        _url(case, f"family/{mother.public_id}/"),
        {"implicated": True, "name": "Fictional Other"},
        if_match=f'"{stale}"',
    )
    assert response.status_code == 412, response.content
    assert response.json()["error"]["code"] == "edit_conflict"
    assert _state() == before
    kept = FamilyMember.objects.get(pk=mother.pk)
    assert (kept.name, kept.implicated) == ("Fictional Sari", False)
    # Two versions at once are refused, naming the header.
    both = _patch(
        client,
        _url(case, f"family/{mother.public_id}/"),
        {"notes": "Fictional."},
        if_match=f'"{stale}", "{kept.version}"',
    )
    assert "If-Match" in _invalid(both)
    assert _state() == before


def test_rr3_api_a_family_assessment_is_recorded_with_the_childs_views(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    created = _post(client, _url(case, "assessments/"), _assessment_body())
    assert created.status_code == 201, created.content
    row = FamilyAssessment.objects.get(public_id=created.json()["id"])
    assert (row.case, row.assessed_on, row.safety, row.abuse, row.complicity, row.capacity) == (
        case,
        today(),
        "medium",
        "no",
        "unknown",
        "with_support",
    )
    assert (row.needs, row.child_views) == ("Fictional: work for the mother near home.", VIEWS)
    assert created.json()["child_views"] == VIEWS
    assert _last_action() == "reintegration.family_assessment_record"


# --- the pathway (RR-1, RR-2, RR-3) --------------------------------------------------------------


def test_rr1_api_a_pathway_is_decided_by_a_determination_of_this_case(
    client: Client, case, case_worker
) -> None:
    decision = determination(case, case_worker, "placement")
    signed_in(client, case_worker)
    created = _post(client, _url(case, "pathways/"), _pathway_body(decision))
    assert created.status_code == 201, created.content
    body = created.json()
    row = Pathway.objects.get(public_id=body["id"])
    assert (row.case, row.kind, row.decided_on, row.decision, row.carried_out_on) == (
        case,
        "family_based",
        today(),
        decision,
        None,
    )
    assert (row.child_views, row.implicated_addressed, row.last_resort_reason) == (VIEWS, "", "")
    assert (body["decision"], body["carried_out_on"]) == (str(decision.public_id), None)
    assert _last_action() == "reintegration.pathway_decide"


def test_rr1_api_residential_care_is_recorded_only_as_the_last_resort(
    client: Client, case, case_worker
) -> None:
    decision = determination(case, case_worker, "placement")
    signed_in(client, case_worker)
    before = _state()
    refused = _post(client, _url(case, "pathways/"), _pathway_body(decision, kind="residential"))
    assert "last_resort_reason" in _invalid(refused)
    assert _state() == before
    reason = "Fictional: no foster family speaks her language yet."
    created = _post(
        client,
        _url(case, "pathways/"),
        _pathway_body(decision, kind="residential", last_resort_reason=reason),
    )
    assert created.status_code == 201, created.content
    assert Pathway.objects.get(public_id=created.json()["id"]).last_resort_reason == reason


@pytest.mark.parametrize("kind", ["reunification", "kinship"])
def test_rr3_api_reunification_with_an_implicated_member_is_refused_and_saves_nothing(
    client: Client, case, case_worker, kind: str
) -> None:
    member(case, case_worker, relationship="father", implicated=True, name="Fictional Father")
    assessment(case, case_worker, complicity="yes")
    decision = determination(case, case_worker, "return")
    signed_in(client, case_worker)
    before = _state()

    refused = _post(client, _url(case, "pathways/"), _pathway_body(decision, kind=kind))

    assert "father" in _safeguard(refused, "RR-3")["message"]
    assert _state() == before
    addressed = "Fictional: the father is in custody; the mother alone cares for her."
    created = _post(
        client,
        _url(case, "pathways/"),
        _pathway_body(decision, kind=kind, implicated_addressed=addressed),
    )
    assert created.status_code == 201, created.content
    assert Pathway.objects.get(public_id=created.json()["id"]).implicated_addressed == addressed
    assert created.json()["implicated_addressed"] == addressed


def test_rr3_api_a_determination_older_than_the_implication_does_not_address_it(
    client: Client, case, case_worker
) -> None:
    assessment(case, case_worker, assessed_on=days(-20))
    old = determination(case, case_worker, "return", decided_on=days(-20))
    member(case, case_worker, relationship="mother", implicated=True)
    signed_in(client, case_worker)
    before = _state()
    refused = _post(
        client,
        _url(case, "pathways/"),
        _pathway_body(
            old,
            kind="reunification",
            decided_on=_iso(-1),
            implicated_addressed="Fictional: said to be addressed.",
        ),
    )
    _safeguard(refused, "RR-3")
    assert _state() == before


def test_rr2_api_the_pathway_that_stands_is_carried_out_once(
    client: Client, case, case_worker
) -> None:
    chosen = pathway(case, case_worker, "family_based", decided_on=days(-10), subject="placement")
    url = _url(case, f"pathways/{chosen.public_id}/carried-out/")
    signed_in(client, case_worker)
    before = _state()
    assert "carried_out_on" in _invalid(_post(client, url, {"carried_out_on": _iso(-11)}))
    assert _state() == before
    done = _post(client, url, {"carried_out_on": _iso(-2)})
    assert done.status_code == 200, done.content
    assert done.json()["carried_out_on"] == _iso(-2)
    assert Pathway.objects.get(pk=chosen.pk).carried_out_on == days(-2)
    assert _last_action() == "reintegration.pathway_carried_out"
    after = _state()
    assert "carried_out_on" in _invalid(_post(client, url, {"carried_out_on": _iso()}))
    assert _state() == after


def test_rr2_api_a_pathway_decided_again_can_no_longer_be_carried_out(
    client: Client, case, case_worker
) -> None:
    first = pathway(case, case_worker, "family_based", decided_on=days(-10), subject="placement")
    pathway(case, case_worker, "independent", subject="placement")
    signed_in(client, case_worker)
    before = _state()
    response = _post(
        client,
        _url(case, f"pathways/{first.public_id}/carried-out/"),
        {"carried_out_on": _iso()},
    )
    assert "pathway" in _invalid(response)
    assert _state() == before


# --- the safety plan (RR-4) ----------------------------------------------------------------------


def test_rr4_api_a_safety_plan_is_recorded_with_the_childs_words(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    created = _post(
        client, _url(case, "safety-plans/"), _safety_body(sources=["online", "traffickers"])
    )
    assert created.status_code == 201, created.content
    row = SafetyPlan.objects.get(public_id=created.json()["id"])
    assert (row.case, row.agreed_on, row.sources, row.review_on) == (
        case,
        today(),
        ["online", "traffickers"],
        days(30),
    )
    assert row.child_words == "Fictional: if he writes I show my foster mother."
    assert created.json()["sources"] == ["online", "traffickers"]
    assert _last_action() == "reintegration.safety_plan_record"


# --- the plans, their services, reviews and visits (RR-5, RR-8) ----------------------------------


@pytest.mark.parametrize("kind", ["reintegration", "transition"])
def test_rr5_rr8_api_a_plan_is_recorded_with_its_due_dates(
    client: Client, case, case_worker, kind: str
) -> None:
    signed_in(client, case_worker)
    created = _post(client, _url(case, "plans/"), _plan_body(kind=kind))
    assert created.status_code == 201, created.content
    body = created.json()
    row = ReintegrationPlan.objects.get(public_id=body["id"])
    assert (row.case, row.kind, row.agreed_on, row.review_on, row.first_visit_on) == (
        case,
        kind,
        today(),
        days(60),
        days(14),
    )
    assert row.goals == "Fictional: finish grade 8; see my brother every week."
    assert (body["next_review_on"], body["next_visit_on"]) == (_iso(60), _iso(14))
    assert body["services"] == body["reviews"] == body["visits"] == []
    assert _last_action() == "reintegration.plan_record"


def test_rr3_rr5_api_a_service_is_added_for_the_child_or_a_family_member(
    client: Client, case, case_worker, rplan
) -> None:
    mother = member(case, case_worker)
    url = _url(case, f"plans/{rplan.public_id}/services/")
    signed_in(client, case_worker)
    for_mother = _post(client, url, _service_body(family_member=str(mother.public_id)))
    assert for_mother.status_code == 201, for_mother.content
    row = PlanService.objects.get(public_id=for_mother.json()["id"])
    assert (row.plan, row.family_member, row.status, row.in_community) == (
        rplan,
        mother,
        "planned",
        True,
    )
    assert (row.description, row.provider) == (
        "Fictional: vocational training for the mother",
        "Fictional Women's Cooperative",
    )
    assert for_mother.json()["family_member"] == str(mother.public_id)
    assert _last_action() == "reintegration.plan_service_add"
    for_child = _post(
        client,
        url,
        _service_body(description="Fictional: school fees", family_member=None, in_community=False),
    )
    assert for_child.status_code == 201, for_child.content
    child_row = PlanService.objects.get(public_id=for_child.json()["id"])
    assert (child_row.family_member, child_row.in_community) == (None, False)
    assert for_child.json()["family_member"] is None


def test_rr5_api_a_review_of_the_plan_is_recorded(client: Client, case, case_worker, rplan) -> None:
    signed_in(client, case_worker)
    created = _post(client, _url(case, f"plans/{rplan.public_id}/reviews/"), _review_body())
    assert created.status_code == 201, created.content
    row = PlanReview.objects.get(public_id=created.json()["id"])
    assert (row.plan, row.reviewed_on, row.next_review_on) == (rplan, today(), days(45))
    assert (row.progress, row.child_views) == (
        "Fictional: at school every day.",
        "Fictional: maths is hard.",
    )
    assert _last_action() == "reintegration.plan_review_record"


def test_rr5_api_a_follow_up_visit_is_recorded(client: Client, case, case_worker, rplan) -> None:
    signed_in(client, case_worker)
    created = _post(client, _url(case, f"plans/{rplan.public_id}/visits/"), _visit_body())
    assert created.status_code == 201, created.content
    row = FollowUpVisit.objects.get(public_id=created.json()["id"])
    assert (row.plan, row.visited_on, row.visited_by, row.next_visit_on) == (
        rplan,
        today(),
        "Fictional Case Worker",
        days(30),
    )
    assert row.observations == "Fictional: calm home, food in the kitchen."
    assert _last_action() == "reintegration.visit_record"


# --- bad input: the field is named, nothing is saved ---------------------------------------------

# (route, body, the field named). Routes name a member, a plan or a pathway set up first;
# the bodies are made when the test runs, so that dates are today's.
BAD_INPUT: list[tuple[str, Callable[[dict[str, str]], Any], str]] = [
    ("family/", lambda ids: _member_body(name="  "), "name"),
    ("family/", lambda ids: _member_body(relationship="cousin"), "relationship"),
    ("family/", lambda ids: _member_body(name="x" * (NAME_MAX_LENGTH + 1)), "name"),
    ("family/", lambda ids: _member_body(notes="x" * (TEXT_MAX_LENGTH + 1)), "notes"),
    ("family/", lambda ids: _member_body(implicated="perhaps"), "implicated"),
    ("family/{member}/", lambda ids: {"relationship": "cousin"}, "relationship"),
    ("family/{member}/", lambda ids: {"name": ""}, "name"),
    ("assessments/", lambda ids: _assessment_body(child_views=" "), "child_views"),
    ("assessments/", lambda ids: _assessment_body(safety="extreme"), "safety"),
    ("assessments/", lambda ids: _assessment_body(assessed_on=_iso(3)), "assessed_on"),
    ("assessments/", lambda ids: _assessment_body(assessed_on="yesterday"), "assessed_on"),
    ("pathways/", lambda ids: _pathway_body(ids["their_decision"]), "decision"),
    ("pathways/", lambda ids: _pathway_body(ids["assessment_only"]), "decision"),
    ("pathways/", lambda ids: _pathway_body(ids["decision"], kind="orphanage"), "kind"),
    ("pathways/", lambda ids: _pathway_body(ids["decision"], child_views=""), "child_views"),
    ("pathways/", lambda ids: {**_pathway_body(ids["decision"]), "decision": None}, "decision"),
    # With the family, the family is assessed first (RR-3).
    ("pathways/", lambda ids: _pathway_body(ids["return"], kind="reunification"), "kind"),
    ("pathways/{pathway}/carried-out/", lambda ids: {}, "carried_out_on"),
    ("safety-plans/", lambda ids: _safety_body(sources=[]), "sources"),
    ("safety-plans/", lambda ids: _safety_body(sources=["aliens"]), "sources.0"),
    (
        "safety-plans/",
        lambda ids: _safety_body(sources=["online"] * (CHOICES_MAX_COUNT + 1)),
        "sources",
    ),
    ("safety-plans/", lambda ids: _safety_body(review_on=_iso()), "review_on"),
    ("safety-plans/", lambda ids: _safety_body(child_words=""), "child_words"),
    ("plans/", lambda ids: _plan_body(kind="holiday"), "kind"),
    ("plans/", lambda ids: _plan_body(goals=" "), "goals"),
    ("plans/", lambda ids: _plan_body(first_visit_on=_iso(-1)), "first_visit_on"),
    ("plans/{plan}/services/", lambda ids: _service_body(status="maybe"), "status"),
    ("plans/{plan}/services/", lambda ids: _service_body(provider=""), "provider"),
    (
        "plans/{plan}/services/",
        lambda ids: _service_body(family_member=ids["their_member"]),
        "family_member",
    ),
    (
        "plans/{plan}/services/",
        lambda ids: _service_body(family_member="not-an-id"),
        "family_member",
    ),
    ("plans/{plan}/reviews/", lambda ids: _review_body(next_review_on=_iso()), "next_review_on"),
    ("plans/{plan}/reviews/", lambda ids: _review_body(reviewed_on=_iso(-1)), "reviewed_on"),
    ("plans/{plan}/visits/", lambda ids: _visit_body(visited_by=""), "visited_by"),
    ("plans/{plan}/visits/", lambda ids: _visit_body(visited_on=_iso(-1)), "visited_on"),
    (
        "plans/{plan}/visits/",
        lambda ids: _visit_body(observations="x" * (TEXT_MAX_LENGTH + 1)),
        "observations",
    ),
]


@pytest.fixture
def records(case, case_worker, other_case) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A member, a plan and a pathway of this case; determinations of this case; a member and a
    determination of another case of the same case worker."""
    theirs = member(other_case, case_worker, name="Fictional Other Mother")
    assessment_only = determination(case, case_worker, "placement", kind="bia")
    return {
        "member": str(member(case, case_worker).public_id),
        "plan": str(plan(case, case_worker).public_id),
        "pathway": str(
            pathway(
                case, case_worker, "family_based", decided_on=days(-5), subject="placement"
            ).public_id
        ),
        "decision": str(determination(case, case_worker, "placement").public_id),
        "return": str(determination(case, case_worker, "return").public_id),
        "assessment_only": str(assessment_only.public_id),
        "their_decision": str(determination(other_case, case_worker, "placement").public_id),
        "their_member": str(theirs.public_id),
    }


@pytest.mark.parametrize(
    ("route", "body", "field"),
    BAD_INPUT,
    ids=[f"{route}:{field}:{n}" for n, (route, _b, field) in enumerate(BAD_INPUT)],
)
def test_rr_api_bad_input_is_400_naming_the_field_and_saves_nothing(
    client: Client, case, case_worker, records, route: str, body: Any, field: str
) -> None:
    url = _url(case, route.format(**records))
    data = body(records)
    send = _patch if route == "family/{member}/" else _post
    signed_in(client, case_worker)
    before = _state()
    fields = _invalid(send(client, url, data))
    assert field in fields, fields
    assert _state() == before


# --- records of another case ---------------------------------------------------------------------


def test_dp1_api_a_record_of_another_case_is_not_found_through_this_one(
    client: Client, case, case_worker, other_case
) -> None:
    theirs = {
        "member": member(other_case, case_worker).public_id,
        "pathway": pathway(
            other_case, case_worker, "family_based", decided_on=days(-3), subject="placement"
        ).public_id,
        "plan": plan(other_case, case_worker).public_id,
    }
    signed_in(client, case_worker)
    before = _state()
    calls = [
        _patch(client, _url(case, f"family/{theirs['member']}/"), {"notes": "Fictional."}),
        _post(
            client,
            _url(case, f"pathways/{theirs['pathway']}/carried-out/"),
            {"carried_out_on": _iso()},
        ),
        _post(client, _url(case, f"plans/{theirs['plan']}/services/"), _service_body()),
        _post(client, _url(case, f"plans/{theirs['plan']}/reviews/"), _review_body()),
        _post(client, _url(case, f"plans/{theirs['plan']}/visits/"), _visit_body()),
        # Nor an ID that is no record at all.
        _post(client, _url(case, f"plans/{uuid.uuid4()}/visits/"), _visit_body()),
    ]
    for response in calls:
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before


# --- the access matrix (DP-1, DP-2, DP-3, CC-7) --------------------------------------------------


@dataclass
class World:
    case: Case
    case_worker: User
    supervisor: User
    agency: Any
    users: dict[str, User | None]


CALLERS = (
    "case_worker",  # the case worker on the case: everything
    "supervisor",  # sees every case of the agency: everything
    "guardian",  # assigned: reads family matters; does not plan reintegration
    "health_worker",  # assigned: sees the case, reads no family matter
    "interpreter",  # of another agency, assigned: basics and identity only
    "unassigned",  # a case worker of the agency, not on the case
    "outsider",  # a case worker of another agency
    "anonymous",
)

# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                        cw   sup  guard health interp unasg out  anon
    "get recovery":         (OK,  OK,  OK,   404,   404,   404,  404, 403),
    "post family":          (OK,  OK,  403,  404,   404,   404,  404, 403),
    "patch member":         (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post assessments":     (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post pathways":        (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post carried-out":     (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post safety-plans":    (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post plans":           (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post services":        (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post reviews":         (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post visits":          (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post retrafficking":   (OK,  OK,  403,  404,   404,   404,  404, 403),
    "post contact-attempts": (OK, OK,  403,  404,   404,   404,  404, 403),
}
# fmt: on


@pytest.fixture(scope="module")
def made(module_db) -> World:  # type: ignore[no-untyped-def]
    """The case and its callers, made once for the module's tests (`module_db`)."""
    agency, other_agency, case_worker, supervisor, case = new_case_and_people()
    users: dict[str, User | None] = {
        "case_worker": case_worker,
        "supervisor": supervisor,
        "guardian": assigned(case, supervisor, agency, Role.GUARDIAN, "guardian"),
        "health_worker": assigned(case, supervisor, agency, Role.HEALTH_WORKER, "health_worker"),
        "interpreter": new_assigned_interpreter(case, supervisor, other_agency),
        "unassigned": staff(agency, Role.CASE_WORKER, username="unassigned_cw"),
        "outsider": staff(other_agency, Role.CASE_WORKER, username="outsider"),
        "anonymous": None,
    }
    assert set(users) == set(CALLERS)
    return World(
        case=case, case_worker=case_worker, supervisor=supervisor, agency=agency, users=users
    )


@pytest.fixture
def world(made: World, db) -> World:  # type: ignore[no-untyped-def]
    return fresh(made)


# What each endpoint needs first, made through the services; the public IDs for its path and
# body.
def _nothing(w: World) -> dict[str, str]:
    return {}


def _with_everything(w: World) -> dict[str, str]:
    mother = member(w.case, w.case_worker)
    plan(w.case, w.case_worker)
    return {"member": str(mother.public_id)}


def _with_member(w: World) -> dict[str, str]:
    return {"member": str(member(w.case, w.case_worker).public_id)}


def _with_determination(w: World) -> dict[str, str]:
    return {"decision": str(determination(w.case, w.case_worker, "placement").public_id)}


def _with_pathway(w: World) -> dict[str, str]:
    chosen = pathway(
        w.case, w.case_worker, "family_based", decided_on=days(-3), subject="placement"
    )
    return {"pathway": str(chosen.public_id)}


def _with_plan(w: World) -> dict[str, str]:
    return {"plan": str(plan(w.case, w.case_worker).public_id)}


def _no_body(ids: dict[str, str]) -> None:
    return None


# Each endpoint: (method, path under recovery/, what to set up first, the body).
Setup = Callable[[World], dict[str, str]]
ENDPOINTS: dict[str, tuple[str, str, Setup, Callable[[dict[str, str]], Any]]] = {
    "get recovery": ("get", "", _with_everything, _no_body),
    "post family": ("post", "family/", _nothing, lambda ids: _member_body()),
    "patch member": (
        "patch",
        "family/{member}/",
        _with_member,
        lambda ids: {"notes": "Fictional: moved to town."},
    ),
    "post assessments": ("post", "assessments/", _nothing, lambda ids: _assessment_body()),
    "post pathways": (
        "post",
        "pathways/",
        _with_determination,
        lambda ids: _pathway_body(ids["decision"]),
    ),
    "post carried-out": (
        "post",
        "pathways/{pathway}/carried-out/",
        _with_pathway,
        lambda ids: {"carried_out_on": _iso()},
    ),
    "post safety-plans": ("post", "safety-plans/", _nothing, lambda ids: _safety_body()),
    "post plans": ("post", "plans/", _nothing, lambda ids: _plan_body()),
    "post services": (
        "post",
        "plans/{plan}/services/",
        _with_plan,
        lambda ids: _service_body(),
    ),
    "post reviews": ("post", "plans/{plan}/reviews/", _with_plan, lambda ids: _review_body()),
    "post visits": ("post", "plans/{plan}/visits/", _with_plan, lambda ids: _visit_body()),
    "post retrafficking": (
        "post",
        "retrafficking/",
        _nothing,
        lambda ids: {"occurred_on": _iso(), "forms": ["ForcedLabour"], "notes": "Fictional."},
    ),
    "post contact-attempts": (
        "post",
        "contact-attempts/",
        _nothing,
        lambda ids: {"attempted_on": _iso(), "method": "phone", "notes": "Fictional."},
    ),
}

READS = {"get recovery": "reintegration.view"}
# The path parameter each placeholder of ENDPOINTS stands for.
_PARAMS = {"member": "member_id", "pathway": "pathway_id", "plan": "plan_id"}


def test_cc7_the_recovery_table_covers_every_route_and_caller() -> None:
    import re

    from haven.api.urls import router

    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(len(row) == len(CALLERS) for row in EXPECTED.values())
    routes = {
        (str(url.pattern), method)
        for url in router.urls
        if getattr(url.callback, "cls", None).__name__ == "ReintegrationViewSet"  # type: ignore[union-attr]
        for method in url.callback.actions  # type: ignore[attr-defined]
        if method != "head"
    }
    covered = {
        (
            "cases/<uuid:public_id>/recovery/"
            + re.sub(r"\{(\w+)\}", lambda m: f"<uuid:{_PARAMS[m.group(1)]}>", path),
            method,
        )
        for method, path, _s, _b in ENDPOINTS.values()
    }
    assert routes == covered


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_dp1_dp2_cc7_recovery_access_matrix(
    client: Client, world: World, endpoint: str, caller: str
) -> None:
    expected = EXPECTED[endpoint][CALLERS.index(caller)]
    user = world.users[caller]
    ids = ENDPOINTS[endpoint][2](world)
    if user is not None:
        signed_in(client, user)
    matrix.check_cell(
        client,
        case_id=str(world.case.public_id),
        endpoint=ENDPOINTS[endpoint],
        ids=ids,
        expected=expected,
        signed_in_as=user,
        state=_state,
        logged=READS.get(endpoint),
        under="recovery/",
    )


@pytest.mark.parametrize("endpoint", [name for name in ENDPOINTS if not name.startswith("get ")])
def test_dp1_api_recovery_refusals_come_before_the_payload_is_read(
    client: Client, world: World, endpoint: str
) -> None:
    """Whatever is sent: the health worker, who may not read family matters, is not told
    anything of the child's family (404); the guardian, who may read them but not plan
    reintegration, is refused (403): never a 400 that would tell what the service checks."""
    method, path, setup, _body = ENDPOINTS[endpoint]
    url = _url(world.case, path.format(**setup(world)))
    before = _state()
    for user, expected in (
        (world.users["health_worker"], NOT_FOUND),
        (world.users["guardian"], DENIED),
    ):
        signed_in(client, user)
        for junk in ({"kind": "orphanage", "agreed_on": "yesterday"}, [1, 2]):
            response = getattr(client, method)(url, junk, content_type="application/json")
            assert response.json() == expected, (user, junk)
    assert _state() == before


def test_dp1_api_a_psychologist_on_the_case_reads_the_family_but_plans_nothing(
    client: Client, world: World
) -> None:
    case = world.case
    psychologist = assigned(case, world.supervisor, world.agency, Role.PSYCHOLOGIST, "psychologist")
    member(case, world.case_worker)
    signed_in(client, psychologist)
    assert len(client.get(_url(case)).json()["family_members"]) == 1
    before = _state()
    response = _post(client, _url(case, "family/"), _member_body())
    assert (response.status_code, response.json()) == (403, DENIED)
    assert _state() == before


# --- the shapes and the schema -------------------------------------------------------------------

RECORD_SHAPES = [
    rs.FamilyMemberSerializer,
    rs.FamilyAssessmentSerializer,
    rs.PathwaySerializer,
    rs.SafetyPlanSerializer,
    rs.PlanServiceSerializer,
    rs.PlanReviewSerializer,
    rs.FollowUpVisitSerializer,
    rs.ReintegrationPlanSerializer,
]


@pytest.mark.parametrize(
    "serializer",
    [*RECORD_SHAPES, rs.TimelineSerializer, rs.RecoverySerializer],
    ids=lambda c: c.__name__,
)
def test_dp14_every_field_of_a_recovery_response_has_a_sensitivity_class(serializer) -> None:  # type: ignore[no-untyped-def]
    assert set(serializer().fields) == set(serializer.SENSITIVITY)


@pytest.mark.parametrize("serializer", RECORD_SHAPES, ids=lambda c: c.__name__)
def test_dp14_a_recovery_record_shows_its_id_and_version_as_basics_only(serializer) -> None:  # type: ignore[no-untyped-def]
    # Only the ID (and a version) is a case basic: the rest is family, or the child's narrative.
    basics = {name for name, cls in serializer.SENSITIVITY.items() if cls == S.BASIC}
    assert basics <= {"id", "version"} and "id" in basics
    assert set(serializer.SENSITIVITY.values()) <= {S.BASIC, S.FAMILY, S.NARRATIVE}


def test_dp1_a_recovery_record_is_family_as_a_whole() -> None:
    for model in MODELS:
        assert model.ROW_SENSITIVITY == S.FAMILY, model


def test_api_schema_documents_the_recovery_routes() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    base = "/api/v1/cases/{public_id}/recovery/"
    paths = {
        "": "get",
        "family/": "post",
        "family/{member_id}/": "patch",
        "assessments/": "post",
        "pathways/": "post",
        "pathways/{pathway_id}/carried-out/": "post",
        "safety-plans/": "post",
        "plans/": "post",
        "plans/{plan_id}/services/": "post",
        "plans/{plan_id}/reviews/": "post",
        "plans/{plan_id}/visits/": "post",
    }
    for tail, method in paths.items():
        operation = schema["paths"][base + tail][method]
        if method != "get":
            assert {"400", "403", "404", "422"} <= set(operation["responses"]), tail
    patch = schema["paths"][base + "family/{member_id}/"]["patch"]
    assert "412" in patch["responses"]
    assert any(p["name"] == "If-Match" for p in patch["parameters"])
