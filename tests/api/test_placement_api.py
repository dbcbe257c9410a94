"""The placement API (ND-1 … ND-5, CC-1, CC-2, DP-1): where the child lives and the reviews of a
shelter stay, restrictions and family contact, charges against the child and challenges to
detention, under /api/v1/cases/<id>/. Each write runs the service the pages run, so its
safeguards answer here as 422 with their measure ID and its alerts are raised in the same call;
a refused write changes nothing; reads send only what the caller's role may read, and log the
read."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.models import Membership, User
from haven.accounts.roles import Role
from haven.api import placement_serializers as ps
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case
from haven.decisions.models import Decision
from haven.decisions.rules import CHILD_VIEWS_HEARD
from haven.decisions.services import decision_record
from haven.placements.models import (
    Charge,
    FamilyContact,
    LibertyChallenge,
    Placement,
    PlacementReview,
    Restriction,
)
from haven.placements.rules import SHELTER_REVIEW
from haven.placements.selectors import placement_figures
from haven.placements.services import (
    charge_record,
    liberty_challenge_record,
    placement_record,
    restriction_record,
)
from haven.protection.models import Service
from haven.safeguards.models import Alert, Notification
from tests.api import matrix
from tests.api.matrix import DENIED, NOT_FOUND, OK
from tests.conftest import fresh, new_assigned_interpreter, new_case_and_people, signed_in
from tests.factories import assigned, staff

INVALID = "Check the highlighted fields."
URGENT = "Fictional: she was found at night and needed a safe bed at once."
VIEWS = "Fictional: I feel safe here but I want to call my mother."
SHELTER = "Fictional Open Shelter, Fictional Road 5"
CELL = "Fictional District Police Station, cell 2"

ND1 = "nd1.non_punishment"
ND2 = "nd2.child_detained"
ND4_UNJUSTIFIED = "nd4.restriction_unjustified"
ND5 = "nd5.no_legal_assistance"
CC1 = "cc1.placement_needs_bid"

# What a reader who may not read the child's whereabouts, narrative and legal matters still
# reads of a placement.
PLACEMENT_BASICS = {
    "id",
    "type",
    "liberty",
    "start_on",
    "end_on",
    "days",
    "is_detention",
    "is_closed",
    "is_shelter",
    "review_on",
    "review_overdue",
    "decision",
}


# --- helpers -------------------------------------------------------------------------------------


def _day(offset: int) -> date:
    return timezone.localdate() + timedelta(days=offset)


def _iso(offset: int = 0) -> str:
    return _day(offset).isoformat()


def _url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/{tail}"


def _post(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def _patch(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.patch(url, data, content_type="application/json")


def _state() -> dict[str, Any]:
    """Everything a placement write could change, to prove a refused one changed nothing."""
    return {
        "placements": list(
            Placement.objects.order_by("pk").values_list(
                "pk", "type", "end_on", "end_reason", "review_on", "decision_id", "updated_at"
            )
        ),
        "reviews": PlacementReview.objects.count(),
        "restrictions": list(
            Restriction.objects.order_by("pk").values_list(
                "pk", "review_on", "ended_on", "updated_at"
            )
        ),
        "family_contacts": FamilyContact.objects.count(),
        "charges": list(
            Charge.objects.order_by("pk").values_list(
                "pk", "status", "non_punishment_raised_on", "updated_at"
            )
        ),
        "challenges": list(
            LibertyChallenge.objects.order_by("pk").values_list(
                "pk", "decided_on", "outcome", "updated_at"
            )
        ),
        "decisions": Decision.objects.count(),
        "services": Service.objects.count(),
        "alerts": list(Alert.objects.order_by("pk").values_list("pk", "rule_code", "status")),
        "notifications": Notification.objects.count(),
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


def _open_alerts(case: Case) -> set[str]:
    return set(
        Alert.objects.filter(case=case, status=Alert.Status.OPEN).values_list(
            "rule_code", flat=True
        )
    )


def _alert(case: Case, rule_code: str) -> list[tuple[str, str, str, str]]:
    return list(
        Alert.objects.filter(case=case, rule_code=rule_code)
        .order_by("pk")
        .values_list("measure_id", "severity", "subject", "status")
    )


# --- payloads ------------------------------------------------------------------------------------


def _shelter_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "open_shelter",
        "facility": SHELTER,
        "start_on": _iso(),
        "review_on": _iso(30),
        "urgent_reason": URGENT,
    }
    data.update(changes)
    return data


def _detention_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "police_cell", "facility": CELL, "start_on": _iso(-1)}
    data.update(changes)
    return data


def _review_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "reviewed_on": _iso(),
        "still_in_best_interests": True,
        "next_review_on": _iso(60),
        "child_views": VIEWS,
        "notes": "Fictional: she goes to school from the shelter.",
    }
    data.update(changes)
    return data


def _restriction_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "movement",
        "description": "Fictional: she does not leave the shelter alone after dark.",
        "decided_by": "Fictional shelter manager",
        "start_on": _iso(-1),
        "review_on": _iso(14),
    }
    data.update(changes)
    return data


def _charge_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "offence": "illegal_work",
        "authority": "Fictional Provincial Police",
        "status": "charged",
        "recorded_on": _iso(),
        "description": "Fictional: found working in a factory without a permit.",
    }
    data.update(changes)
    return data


def _challenge_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lodged_on": _iso(),
        "lodged_with": "Fictional District Court",
        "lodged_by": "Fictional Legal Aid Lawyer",
    }
    data.update(changes)
    return data


# --- records made through the services -----------------------------------------------------------


def _shelter(case: Case, actor: User, start: int = -10) -> Placement:
    return placement_record(
        case=case,
        actor=actor,
        type="open_shelter",
        facility=SHELTER,
        start_on=_day(start),
        review_on=_day(30),
        urgent_reason=URGENT,
    )


def _held(case: Case, actor: User, type: str = "police_cell", start: int = -5) -> Placement:
    return placement_record(case=case, actor=actor, type=type, facility=CELL, start_on=_day(start))


def _restriction(case: Case, actor: User, justification: str = "") -> Restriction:
    return restriction_record(
        case=case,
        actor=actor,
        kind="movement",
        description="Fictional: she does not leave the shelter alone after dark.",
        decided_by="Fictional shelter manager",
        start_on=_day(-1),
        review_on=_day(14),
        justification=justification,
    )


def _charge(case: Case, actor: User) -> Charge:
    return charge_record(
        case=case,
        actor=actor,
        offence="illegal_entry",
        authority="Fictional Immigration Police",
        status="investigation",
        recorded_on=_day(-2),
    )


def _bid(case: Case, actor: User) -> Decision:
    return decision_record(
        case=case,
        actor=actor,
        kind="bid",
        subject="placement",
        decided_on=timezone.localdate(),
        question="Fictional: where should she live now?",
        options="Fictional: shelter, foster family, her aunt.",
        outcome="Fictional: the open shelter near her school.",
        justification="Fictional: safe, near school, and what she asks for.",
        child_views=VIEWS,
        child_views_weight="Fictional: she is 14 and has thought about it; it decided the place.",
        participants=[
            {"name": "Fictional Chair", "role": "Child-protection office"},
            {"name": "Fictional Psychologist", "role": "Fictional Clinic"},
        ],
    )


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def health_worker(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """Reads basics, identity and health on the case: not its whereabouts, family or legal
    matters. Records consent and services, not placements."""
    return assigned(case, supervisor, agency, Role.HEALTH_WORKER, "health_worker")


@pytest.fixture
def lawyer(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """Reads basics, identity, family, legal matters and narrative, not whereabouts; records
    charges and challenges to detention, not placements."""
    return assigned(case, supervisor, agency, Role.LAWYER, "lawyer")


@pytest.fixture
def police(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """The officer who identified the child: records where the child is held (ND-2), reads
    only basics and identity."""
    return assigned(case, supervisor, agency, Role.LAW_ENFORCEMENT, "identifying_officer")


@pytest.fixture
def supervised(case_worker, supervisor, agency):  # type: ignore[no-untyped-def]
    """The case worker's own supervisor is recorded on their membership."""
    Membership.objects.filter(user=case_worker, agency=agency).update(supervisor=supervisor)
    return supervisor


# --- ND-2: detention -----------------------------------------------------------------------------


def test_nd2_api_detention_placement_raises_critical_alert_and_notifies(
    client: Client, case, case_worker, supervised, cp_officer, agency, other_agency
) -> None:
    bystanders = [
        staff(agency, Role.SUPERVISOR, username="other_sup"),
        staff(agency, Role.CASE_WORKER, username="other_cw"),
        staff(other_agency, Role.CHILD_PROTECTION_OFFICER, username="kh_cp"),
    ]
    signed_in(client, case_worker)

    response = _post(client, _url(case, "placements/"), _detention_body())

    assert response.status_code == 201, response.content
    placement = Placement.objects.get()
    assert response.json() == {
        "id": str(placement.public_id),
        "type": "police_cell",
        "liberty": "custody",
        "facility": CELL,
        "start_on": _iso(-1),
        "end_on": None,
        "end_reason": "",
        "days": 1,
        "is_detention": True,
        "is_closed": True,
        "is_shelter": False,
        "review_on": None,
        "review_overdue": False,
        "decision": None,
        "urgent_reason": "",
        "reviews": [],
        "challenges": [],
    }
    # Raised in the same call, critical, about this placement; and no lawyer yet (ND-5).
    assert _alert(case, ND2) == [("ND-2", "critical", str(placement.public_id), "open")]
    assert _open_alerts(case) == {ND2, ND5}
    # Escalated at once to the case worker's supervisor and the authority's officer, no one else.
    alert = Alert.objects.get(case=case, rule_code=ND2)
    assert sorted(Notification.objects.values_list("recipient_id", "alert_id")) == sorted(
        [(supervised.pk, alert.pk), (cp_officer.pk, alert.pk)]
    )
    assert not Notification.objects.filter(recipient__in=bystanders).exists()
    assert AuditEvent.objects.latest("seq").action == "placement.record"


def test_nd2_api_moving_the_child_to_a_shelter_ends_the_detention_and_closes_the_alert(
    client: Client, case, case_worker
) -> None:
    held = _held(case, case_worker)
    signed_in(client, case_worker)

    response = _post(client, _url(case, "placements/"), _shelter_body())

    assert response.status_code == 201, response.content
    held.refresh_from_db()
    assert (held.end_on, held.end_reason) == (_day(0), "The child moved.")
    assert _alert(case, ND2) == [("ND-2", "critical", str(held.public_id), "cleared")]
    rows = client.get(_url(case, "placements/")).json()
    assert [(r["type"], r["end_on"]) for r in rows] == [
        ("open_shelter", None),
        ("police_cell", _iso()),
    ]


# --- ND-3: shelters, and dates -------------------------------------------------------------------


@pytest.mark.parametrize("review_on", ["absent", None])
def test_nd3_api_shelter_without_review_date_is_422_with_measure_id(
    client: Client, case, case_worker, review_on
) -> None:
    body = _shelter_body()
    if review_on == "absent":
        del body["review_on"]
    else:
        body["review_on"] = review_on
    signed_in(client, case_worker)
    before = _state()

    response = _post(client, _url(case, "placements/"), body)

    error = _safeguard(response, "ND-3")
    assert error["message"] == str(SHELTER_REVIEW.message)
    assert _state() == before


def test_nd3_api_overlapping_placement_is_400(client: Client, case, case_worker) -> None:
    placement_record(
        case=case,
        actor=case_worker,
        type="hospital",
        facility="Fictional District Hospital",
        start_on=_day(-20),
        end_on=_day(-10),
    )
    signed_in(client, case_worker)
    before = _state()

    response = _post(
        client,
        _url(case, "placements/"),
        {
            "type": "hospital",
            "facility": "Fictional Provincial Hospital",
            "start_on": _iso(-15),
            "end_on": _iso(-5),
        },
    )

    assert _invalid(response) == {
        "start_on": [
            f"This overlaps the placement “Hospital” from {_iso(-20)} to {_iso(-10)}. A child "
            "lives in one place at a time: correct the dates."
        ]
    }
    assert _state() == before


def test_nd3_api_unknown_placement_type_is_400(client: Client, case, case_worker) -> None:
    signed_in(client, case_worker)
    before = _state()

    response = _post(client, _url(case, "placements/"), _shelter_body(type="castle"))

    assert _invalid(response) == {"type": ['"castle" is not a valid choice.']}
    assert _state() == before


def test_nd3_api_placement_ending_before_it_starts_is_400(
    client: Client, case, case_worker
) -> None:
    shelter = _shelter(case, case_worker, start=-10)
    signed_in(client, case_worker)
    before = _state()

    recorded = _post(
        client,
        _url(case, "placements/"),
        {
            "type": "hospital",
            "facility": "Fictional Hospital",
            "start_on": _iso(-3),
            "end_on": _iso(-4),
        },
    )
    ended = _post(
        client,
        _url(case, f"placements/{shelter.public_id}/end/"),
        {"end_on": _iso(-11), "reason_code": "moved", "reason": "Fictional: she went missing."},
    )

    assert _invalid(recorded) == {"end_on": ["A placement cannot end before it starts."]}
    assert _invalid(ended) == {"end_on": ["A placement cannot end before it starts."]}
    assert _state() == before


def test_nd3_api_ending_a_placement_needs_a_reason_and_happens_once(
    client: Client, case, case_worker
) -> None:
    shelter = _shelter(case, case_worker, start=-10)
    url = _url(case, f"placements/{shelter.public_id}/end/")
    signed_in(client, case_worker)
    before = _state()

    no_reason = _post(client, url, {"end_on": _iso(), "reason_code": "moved", "reason": ""})
    assert _invalid(no_reason) == {"reason": ["Say why it ended."]}
    assert _state() == before

    ended = _post(
        client,
        url,
        {"end_on": _iso(), "reason_code": "moved", "reason": "Fictional: she went missing."},
    )
    assert ended.status_code == 200, ended.content
    assert (ended.json()["end_on"], ended.json()["end_reason"], ended.json()["days"]) == (
        _iso(),
        "Fictional: she went missing.",
        10,
    )
    after = _state()
    again = _post(
        client,
        url,
        {"end_on": _iso(), "reason_code": "moved", "reason": "Fictional: she went missing."},
    )
    assert _invalid(again) == {"non_field_errors": ["This placement has already ended."]}
    assert _state() == after


def test_nd3_api_review_with_the_childs_views_sets_the_next_review(
    client: Client, case, case_worker, health_worker
) -> None:
    shelter = _shelter(case, case_worker, start=-10)
    signed_in(client, case_worker)

    response = _post(client, _url(case, f"placements/{shelter.public_id}/reviews/"), _review_body())

    assert response.status_code == 201, response.content
    review = PlacementReview.objects.get()
    assert response.json() == {
        "id": str(review.public_id),
        "reviewed_on": _iso(),
        "reviewed_by": case_worker.get_full_name(),
        "child_views": VIEWS,
        "child_views_not_obtained": "",
        "still_in_best_interests": True,
        "notes": "Fictional: she goes to school from the shelter.",
        "next_review_on": _iso(60),
    }
    shelter.refresh_from_db()
    assert shelter.review_on == _day(60)
    assert AuditEvent.objects.latest("seq").action == "placement.review"
    [row] = client.get(_url(case, "placements/")).json()
    assert row["review_on"] == _iso(60)
    assert row["reviews"] == [response.json()]
    # A shelter is whereabouts: a health worker is not sent the placement nor its reviews.
    signed_in(client, health_worker)
    assert client.get(_url(case, "placements/")).json() == []


def test_cc2_api_review_without_the_childs_views_is_422(client: Client, case, case_worker) -> None:
    shelter = _shelter(case, case_worker)
    signed_in(client, case_worker)
    before = _state()

    response = _post(
        client,
        _url(case, f"placements/{shelter.public_id}/reviews/"),
        _review_body(child_views=""),
    )

    assert _safeguard(response, "CC-2")["message"] == str(CHILD_VIEWS_HEARD.message)
    assert _state() == before


def test_nd3_api_review_without_the_next_review_date_is_422(
    client: Client, case, case_worker
) -> None:
    shelter = _shelter(case, case_worker)
    signed_in(client, case_worker)
    before = _state()

    body = _review_body()
    del body["next_review_on"]
    response = _post(client, _url(case, f"placements/{shelter.public_id}/reviews/"), body)

    assert _safeguard(response, "ND-3")["message"] == str(SHELTER_REVIEW.message)
    assert _state() == before


# --- CC-1: the determination behind a placement --------------------------------------------------


def test_cc1_api_linking_the_determination_clears_the_alert(
    client: Client, case, case_worker, supervisor
) -> None:
    signed_in(client, case_worker)
    placed = _post(client, _url(case, "placements/"), _shelter_body())
    assert placed.status_code == 201, placed.content
    assert CC1 in _open_alerts(case)
    bid = _bid(case, supervisor)

    response = _post(
        client,
        _url(case, f"placements/{placed.json()['id']}/decision/"),
        {"decision": str(bid.public_id)},
    )

    assert response.status_code == 200, response.content
    assert response.json()["decision"] == str(bid.public_id)
    assert CC1 not in _open_alerts(case)


def test_cc1_api_a_placement_needs_a_determination_or_the_urgent_reason(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = _state()

    response = _post(client, _url(case, "placements/"), _shelter_body(urgent_reason=""))

    assert _invalid(response) == {
        "decision": [
            "Choose the best-interests determination that decided this placement, or say why "
            "it could not wait (the determination then follows)."
        ]
    }
    assert _state() == before


def test_cc1_api_a_determination_of_another_case_is_400(
    client: Client, case, case_worker, supervisor, agency
) -> None:
    from haven.cases.services import case_register
    from tests.factories import child_fields

    other = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Nilar"), languages=["my"]
    )
    elsewhere = _bid(other, supervisor)
    signed_in(client, case_worker)
    before = _state()

    response = _post(
        client,
        _url(case, "placements/"),
        _shelter_body(urgent_reason="", decision=str(elsewhere.public_id)),
    )

    assert _invalid(response) == {
        "decision": ["Choose a best-interests determination taken on this case."]
    }
    assert _state() == before


# --- ND-4: restrictions and family contact -------------------------------------------------------


def test_nd4_api_restriction_without_justification_raises_alert(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)

    response = _post(client, _url(case, "restrictions/"), _restriction_body())

    assert response.status_code == 201, response.content
    restriction = Restriction.objects.get()
    assert response.json() == {
        "id": str(restriction.public_id),
        "placement": None,
        "kind": "movement",
        "description": "Fictional: she does not leave the shelter alone after dark.",
        "justification": "",
        "decided_by": "Fictional shelter manager",
        "start_on": _iso(-1),
        "review_on": _iso(14),
        "ended_on": None,
        "version": restriction.version,
    }
    assert _alert(case, ND4_UNJUSTIFIED) == [("ND-4", "alert", str(restriction.public_id), "open")]

    # Kept with a reason and a new date: the alert clears itself.
    kept = _post(
        client,
        _url(case, f"restrictions/{restriction.public_id}/review/"),
        {
            "lift": False,
            "on": _iso(),
            "justification": "Fictional: the recruiter was seen near the shelter.",
            "review_on": _iso(7),
        },
    )

    assert kept.status_code == 200, kept.content
    assert (kept.json()["justification"], kept.json()["review_on"]) == (
        "Fictional: the recruiter was seen near the shelter.",
        _iso(7),
    )
    assert _alert(case, ND4_UNJUSTIFIED) == [
        ("ND-4", "alert", str(restriction.public_id), "cleared")
    ]


def test_nd4_api_a_restriction_needs_a_review_date_and_a_placement_of_this_child(
    client: Client, case, case_worker, agency
) -> None:
    from haven.cases.services import case_register
    from tests.factories import child_fields

    other = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Nilar"), languages=["my"]
    )
    elsewhere = _shelter(other, case_worker)
    signed_in(client, case_worker)
    before = _state()

    undated = _post(client, _url(case, "restrictions/"), _restriction_body(review_on=None))
    misplaced = _post(
        client, _url(case, "restrictions/"), _restriction_body(placement=str(elsewhere.public_id))
    )

    assert _invalid(undated) == {"review_on": ["Give a date to review the restriction (ND-4)."]}
    assert _invalid(misplaced) == {"placement": ["Choose a placement of this child."]}
    assert _state() == before


def test_nd4_api_keeping_a_restriction_needs_a_reason(client: Client, case, case_worker) -> None:
    restriction = _restriction(case, case_worker)
    signed_in(client, case_worker)
    before = _state()

    response = _post(
        client,
        _url(case, f"restrictions/{restriction.public_id}/review/"),
        {"lift": False, "on": _iso(), "review_on": _iso(7)},
    )

    assert _invalid(response) == {
        "justification": ["Say why the restriction is still in the child's interests."]
    }
    assert _state() == before


def test_nd4_api_family_contact_is_recorded_and_is_family_information(
    client: Client, case, case_worker, health_worker, lawyer
) -> None:
    signed_in(client, case_worker)

    response = _post(
        client,
        _url(case, "family-contacts/"),
        {
            "with_whom": "Fictional: her mother",
            "means": "calls",
            "frequency": "Every Sunday",
            "start_on": _iso(),
            "child_views": "Fictional: she wants to call more often.",
        },
    )

    assert response.status_code == 201, response.content
    contact = FamilyContact.objects.get()
    assert response.json() == {
        "id": str(contact.public_id),
        "with_whom": "Fictional: her mother",
        "means": "calls",
        "frequency": "Every Sunday",
        "supervised": False,
        "child_views": "Fictional: she wants to call more often.",
        "start_on": _iso(),
        "ended_on": None,
    }
    signed_in(client, lawyer)
    assert client.get(_url(case, "family-contacts/")).json() == [response.json()]
    signed_in(client, health_worker)
    assert client.get(_url(case, "family-contacts/")).json() == []


def test_nd4_api_family_contact_without_whom_is_400(client: Client, case, case_worker) -> None:
    signed_in(client, case_worker)
    before = _state()

    response = _post(
        client,
        _url(case, "family-contacts/"),
        {"with_whom": " ", "means": "calls", "frequency": "", "start_on": _iso()},
    )

    assert _invalid(response) == {"with_whom": ["Say with whom."], "frequency": ["Say how often."]}
    assert _state() == before


# --- ND-1: charges against the child -------------------------------------------------------------


def test_nd1_api_charge_alert_clears_with_legal_service_and_principle_raised(
    client: Client, case, presumed_screening, lawyer
) -> None:
    signed_in(client, lawyer)

    charged = _post(client, _url(case, "charges/"), _charge_body())

    assert charged.status_code == 201, charged.content
    charge = Charge.objects.get()
    assert charged.json() == {
        "id": str(charge.public_id),
        "offence": "illegal_work",
        "description": "Fictional: found working in a factory without a permit.",
        "authority": "Fictional Provincial Police",
        "status": "charged",
        "recorded_on": _iso(),
        "non_punishment_raised_on": None,
        "non_punishment_raised_with": "",
        "version": charge.version,
    }
    assert _alert(case, ND1) == [("ND-1", "alert", str(charge.public_id), "open")]

    # The principle raised, without legal assistance: still open.
    raised = _patch(
        client,
        _url(case, f"charges/{charge.public_id}/"),
        {"non_punishment_raised_on": _iso(), "non_punishment_raised_with": "Fictional Prosecutor"},
    )
    assert raised.status_code == 200, raised.content
    assert (
        raised.json()["status"],
        raised.json()["non_punishment_raised_on"],
        raised.json()["non_punishment_raised_with"],
    ) == ("charged", _iso(), "Fictional Prosecutor")
    assert _alert(case, ND1) == [("ND-1", "alert", str(charge.public_id), "open")]

    # Legal assistance recorded as well: the alert clears itself.
    assisted = _post(
        client,
        _url(case, "services/"),
        {
            "type": "Legal",
            "provider": "Fictional Legal Aid Clinic",
            "start_on": _iso(),
            "status": "planned",
        },
    )
    assert assisted.status_code == 201, assisted.content
    assert _alert(case, ND1) == [("ND-1", "alert", str(charge.public_id), "cleared")]
    assert list(
        AuditEvent.objects.filter(object_id=str(charge.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["charge.record", "charge.update"]


def test_nd1_api_raising_the_principle_needs_with_whom_and_bad_codes_are_400(
    client: Client, case, lawyer
) -> None:
    charge = _charge(case, lawyer)
    signed_in(client, lawyer)
    before = _state()

    unsaid = _patch(
        client, _url(case, f"charges/{charge.public_id}/"), {"non_punishment_raised_on": _iso()}
    )
    unknown = _patch(client, _url(case, f"charges/{charge.public_id}/"), {"status": "forgiven"})
    bad = _post(client, _url(case, "charges/"), _charge_body(authority=""))

    assert _invalid(unsaid) == {
        "non_punishment_raised_with": ["Say with whom the principle was raised."]
    }
    assert _invalid(unknown) == {"status": ['"forgiven" is not a valid choice.']}
    assert _invalid(bad) == {"authority": ["Say which authority."]}
    assert _state() == before


# --- ND-5: challenges to detention ---------------------------------------------------------------


def test_nd5_api_challenge_time_to_decision(client: Client, case, case_worker, lawyer) -> None:
    held = _held(case, case_worker, type="immigration_detention", start=-20)
    signed_in(client, lawyer)

    lodged = _post(
        client,
        _url(case, f"placements/{held.public_id}/challenges/"),
        _challenge_body(lodged_on=_iso(-12)),
    )

    assert lodged.status_code == 201, lodged.content
    challenge = LibertyChallenge.objects.get()
    assert lodged.json() == {
        "id": str(challenge.public_id),
        "placement": str(held.public_id),
        "lodged_on": _iso(-12),
        "lodged_with": "Fictional District Court",
        "lodged_by": "Fictional Legal Aid Lawyer",
        "decided_on": None,
        "outcome": "",
        "days_to_decision": None,
    }

    decided = _post(
        client,
        _url(case, f"challenges/{challenge.public_id}/decision/"),
        {"decided_on": _iso(-2), "outcome": "released"},
    )

    assert decided.status_code == 200, decided.content
    assert (
        decided.json()["decided_on"],
        decided.json()["outcome"],
        decided.json()["days_to_decision"],
    ) == (_iso(-2), "released", 10)
    figures = placement_figures(Placement.objects.filter(case=case))
    assert (figures["challenges_decided"], figures["days_to_decision_median"]) == (1, 10)
    # On the placement, for the lawyer: the challenge, not where the child is held.
    [row] = client.get(_url(case, "placements/")).json()
    assert row["challenges"] == [decided.json()]
    assert "facility" not in row

    # Decided once.
    before = _state()
    again = _post(
        client,
        _url(case, f"challenges/{challenge.public_id}/decision/"),
        {"decided_on": _iso(), "outcome": "upheld"},
    )
    assert _invalid(again) == {"non_field_errors": ["The decision is already recorded."]}
    assert _state() == before


def test_nd5_api_only_a_closed_placement_is_challenged(
    client: Client, case, case_worker, lawyer
) -> None:
    shelter = _shelter(case, case_worker)
    signed_in(client, case_worker)
    before = _state()

    response = _post(
        client, _url(case, f"placements/{shelter.public_id}/challenges/"), _challenge_body()
    )

    assert _invalid(response) == {
        "non_field_errors": [
            "A challenge can be recorded only for a placement the child cannot leave."
        ]
    }
    assert _state() == before
    # The lawyer reads legal matters, not whereabouts: an open shelter is not found (DP-9).
    signed_in(client, lawyer)
    hidden = _post(
        client, _url(case, f"placements/{shelter.public_id}/challenges/"), _challenge_body()
    )
    assert hidden.status_code == 404
    assert _state() == before


def test_nd5_api_a_decision_before_the_challenge_is_400(
    client: Client, case, case_worker, lawyer
) -> None:
    held = _held(case, case_worker, start=-20)
    challenge = liberty_challenge_record(
        placement=held,
        actor=lawyer,
        lodged_on=_day(-5),
        lodged_with="Fictional District Court",
        lodged_by="Fictional Legal Aid Lawyer",
    )
    signed_in(client, lawyer)
    before = _state()

    response = _post(
        client,
        _url(case, f"challenges/{challenge.public_id}/decision/"),
        {"decided_on": _iso(-6), "outcome": "released"},
    )

    assert _invalid(response) == {"decided_on": ["The decision cannot come before the challenge."]}
    assert _state() == before


# --- who reads and writes what (DP-1, DP-2) ------------------------------------------------------


def test_dp1_api_health_worker_may_not_place_and_reads_no_whereabouts_family_or_legal_matters(
    client: Client, case, case_worker, health_worker
) -> None:
    _shelter(case, case_worker)
    _restriction(case, case_worker)
    _charge(case, case_worker)
    signed_in(client, health_worker)
    before = _state()

    refused = _post(client, _url(case, "placements/"), _shelter_body())

    assert (refused.status_code, refused.json()) == (403, DENIED)
    assert _state() == before
    # Where the child lives is whereabouts: not even the kind of place is sent (DP-9).
    assert client.get(_url(case, "placements/")).json() == []
    assert client.get(_url(case, "restrictions/")).json() == []
    assert client.get(_url(case, "charges/")).json() == []
    # Who may read them reads every field.
    signed_in(client, case_worker)
    [full] = client.get(_url(case, "placements/")).json()
    assert set(full) == set(ps.PlacementSerializer().fields)
    [restriction] = client.get(_url(case, "restrictions/")).json()
    assert set(restriction) == set(ps.RestrictionSerializer().fields)
    [charge] = client.get(_url(case, "charges/")).json()
    assert set(charge) == set(ps.ChargeSerializer().fields)


def test_nd1_api_a_lawyer_records_charges_but_not_placements(client: Client, case, lawyer) -> None:
    signed_in(client, lawyer)
    before = _state()

    refused = _post(client, _url(case, "placements/"), _detention_body())

    assert (refused.status_code, refused.json()) == (403, DENIED)
    assert _state() == before
    charged = _post(client, _url(case, "charges/"), _charge_body())
    assert charged.status_code == 201, charged.content
    assert charged.json()["id"] == str(Charge.objects.get().public_id)


def test_nd2_api_police_record_where_the_child_is_held_but_not_where_she_goes(
    client: Client, case, police
) -> None:
    signed_in(client, police)

    held = _post(client, _url(case, "placements/"), _detention_body())
    restricted = _post(client, _url(case, "restrictions/"), _restriction_body())

    assert held.status_code == 201, held.content
    assert set(held.json()) == PLACEMENT_BASICS
    assert ND2 in _open_alerts(case)
    # Family information the officer may not read: recorded, and not sent back.
    assert (restricted.status_code, restricted.json()) == (201, {})
    assert Restriction.objects.count() == 1
    assert client.get(_url(case, "restrictions/")).json() == []


def test_dp2_api_an_outsider_is_not_told_the_case_exists(
    client: Client, case, case_worker, outsider
) -> None:
    shelter = _shelter(case, case_worker)
    signed_in(client, outsider)
    before = _state()
    reads = AccessLog.objects.count()

    for method, tail, body in (
        ("get", "placements/", None),
        ("post", "placements/", _detention_body()),
        (
            "post",
            f"placements/{shelter.public_id}/end/",
            {"end_on": _iso(), "reason_code": "moved", "reason": "Moved."},
        ),
        ("get", "charges/", None),
        ("post", "charges/", _charge_body()),
    ):
        for case_id in (case.public_id, uuid.uuid4()):
            url = f"/api/v1/cases/{case_id}/{tail}"
            response = client.get(url) if method == "get" else _post(client, url, body)
            assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before
    assert AccessLog.objects.count() == reads


def test_dp1_api_a_placement_of_another_case_is_not_found(
    client: Client, case, case_worker, agency
) -> None:
    from haven.cases.services import case_register
    from tests.factories import child_fields

    other = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Nilar"), languages=["my"]
    )
    elsewhere = _shelter(other, case_worker)
    restriction = _restriction(other, case_worker)
    charge = _charge(other, case_worker)
    signed_in(client, case_worker)
    before = _state()

    for response in (
        _post(
            client,
            _url(case, f"placements/{elsewhere.public_id}/end/"),
            {"end_on": _iso(), "reason_code": "moved", "reason": "Fictional: moved."},
        ),
        _post(client, _url(case, f"placements/{elsewhere.public_id}/reviews/"), _review_body()),
        _post(client, _url(case, f"restrictions/{restriction.public_id}/review/"), {"lift": True}),
        _patch(client, _url(case, f"charges/{charge.public_id}/"), {"status": "dropped"}),
    ):
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before


# --- the access matrix (DP-1, DP-2, DP-3, CC-7) --------------------------------------------------


@dataclass
class World:
    case: Case
    users: dict[str, User | None]


CALLERS = (
    "case_worker",  # the case worker on the case: everything
    "health_worker",  # assigned: basics, identity, health; no placement or legal writes
    "lawyer",  # assigned: legal writes only
    "police",  # the identifying officer: records placements and restrictions; reads basics
    "interpreter",  # of another agency, assigned: basics only, no writes
    "outsider",  # a case worker of another agency
    "anonymous",
)


# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                              cw   hw   lawyer police interp out anon
    "get placements":             (OK,  OK,  OK,    OK,    OK,    404, 403),
    "post placements":            (OK,  403, 403,   OK,    403,   404, 403),
    # A shelter is whereabouts (DP-9): the officer who records where the child is held
    # cannot see, so cannot find, the shelter she went to.
    "post placement end":         (OK,  403, 403,   404,   403,   404, 403),
    "post placement decision":    (OK,  403, 403,   404,   403,   404, 403),
    "post placement reviews":     (OK,  403, 403,   404,   403,   404, 403),
    "post placement challenges":  (OK,  403, OK,    403,   403,   404, 403),
    "post challenge decision":    (OK,  403, OK,    403,   403,   404, 403),
    "get restrictions":           (OK,  OK,  OK,    OK,    OK,    404, 403),
    "post restrictions":          (OK,  403, 403,   OK,    403,   404, 403),
    # The officer records restrictions but may not read them: one they cannot see is not found.
    "post restriction review":    (OK,  403, 403,   404,   403,   404, 403),
    "get family-contacts":        (OK,  OK,  OK,    OK,    OK,    404, 403),
    "post family-contacts":       (OK,  403, 403,   OK,    403,   404, 403),
    "get charges":                (OK,  OK,  OK,    OK,    OK,    404, 403),
    "post charges":               (OK,  403, OK,    403,   403,   404, 403),
    "patch charge":               (OK,  403, OK,    403,   403,   404, 403),
}
# fmt: on


@pytest.fixture(scope="module")
def made(module_db) -> World:  # type: ignore[no-untyped-def]
    """The case and its callers, made once for the module's tests (`module_db`)."""
    agency, other_agency, case_worker, supervisor, case = new_case_and_people()
    users: dict[str, User | None] = {
        "case_worker": case_worker,
        "health_worker": assigned(case, supervisor, agency, Role.HEALTH_WORKER, "health_worker"),
        "lawyer": assigned(case, supervisor, agency, Role.LAWYER, "lawyer"),
        "police": assigned(case, supervisor, agency, Role.LAW_ENFORCEMENT, "identifying_officer"),
        "interpreter": new_assigned_interpreter(case, supervisor, other_agency),
        "outsider": staff(other_agency, Role.CASE_WORKER, username="outsider"),
        "anonymous": None,
    }
    assert set(users) == set(CALLERS)
    return World(case=case, users=users)


@pytest.fixture
def world(made: World, db) -> World:  # type: ignore[no-untyped-def]
    return fresh(made)


def _cw(w: World) -> User:
    user = w.users["case_worker"]
    assert user is not None
    return user


def _with_shelter(w: World) -> dict[str, str]:
    return {"placement": str(_shelter(w.case, _cw(w)).public_id)}


def _with_shelter_and_bid(w: World) -> dict[str, str]:
    return {**_with_shelter(w), "decision": str(_bid(w.case, _cw(w)).public_id)}


def _with_cell(w: World) -> dict[str, str]:
    return {"placement": str(_held(w.case, _cw(w)).public_id)}


def _with_challenge(w: World) -> dict[str, str]:
    held = _held(w.case, _cw(w))
    challenge = liberty_challenge_record(
        placement=held,
        actor=_cw(w),
        lodged_on=_day(-1),
        lodged_with="Fictional District Court",
        lodged_by="Fictional Legal Aid Lawyer",
    )
    return {"challenge": str(challenge.public_id)}


def _with_restriction(w: World) -> dict[str, str]:
    return {"restriction": str(_restriction(w.case, _cw(w)).public_id)}


def _with_charge(w: World) -> dict[str, str]:
    return {"charge": str(_charge(w.case, _cw(w)).public_id)}


def _nothing(w: World) -> dict[str, str]:
    return {}


def _no_body(ids: dict[str, str]) -> None:
    return None


# Each endpoint: (method, path under the case, what to set up first, the body).
Setup = Callable[[World], dict[str, str]]
ENDPOINTS: dict[str, tuple[str, str, Setup, Callable[[dict[str, str]], Any]]] = {
    "get placements": ("get", "placements/", _with_shelter, _no_body),
    "post placements": ("post", "placements/", _nothing, lambda ids: _detention_body()),
    "post placement end": (
        "post",
        "placements/{placement}/end/",
        _with_shelter,
        lambda ids: {
            "end_on": _iso(),
            "reason_code": "moved",
            "reason": "Fictional: she went missing.",
        },
    ),
    "post placement decision": (
        "post",
        "placements/{placement}/decision/",
        _with_shelter_and_bid,
        lambda ids: {"decision": ids["decision"]},
    ),
    "post placement reviews": (
        "post",
        "placements/{placement}/reviews/",
        _with_shelter,
        lambda ids: _review_body(),
    ),
    "post placement challenges": (
        "post",
        "placements/{placement}/challenges/",
        _with_cell,
        lambda ids: _challenge_body(),
    ),
    "post challenge decision": (
        "post",
        "challenges/{challenge}/decision/",
        _with_challenge,
        lambda ids: {"decided_on": _iso(), "outcome": "released"},
    ),
    "get restrictions": ("get", "restrictions/", _with_restriction, _no_body),
    "post restrictions": ("post", "restrictions/", _nothing, lambda ids: _restriction_body()),
    "post restriction review": (
        "post",
        "restrictions/{restriction}/review/",
        _with_restriction,
        lambda ids: {"lift": True, "on": _iso()},
    ),
    "get family-contacts": ("get", "family-contacts/", _nothing, _no_body),
    "post family-contacts": (
        "post",
        "family-contacts/",
        _nothing,
        lambda ids: {
            "with_whom": "Fictional: her aunt",
            "means": "visits",
            "frequency": "Monthly",
            "start_on": _iso(),
        },
    ),
    "get charges": ("get", "charges/", _with_charge, _no_body),
    "post charges": ("post", "charges/", _nothing, lambda ids: _charge_body()),
    "patch charge": (
        "patch",
        "charges/{charge}/",
        _with_charge,
        lambda ids: {"status": "dropped"},
    ),
}

READS = {
    "get placements": "placement.list",
    "get restrictions": "restriction.list",
    "get family-contacts": "family_contact.list",
    "get charges": "charge.list",
}


def test_cc7_the_placement_table_covers_every_caller() -> None:
    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(len(row) == len(CALLERS) for row in EXPECTED.values())


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_dp1_dp2_cc7_placement_access_matrix(
    client: Client, world: World, endpoint: str, caller: str
) -> None:
    expected = EXPECTED[endpoint][CALLERS.index(caller)]
    ids = ENDPOINTS[endpoint][2](world)
    user = world.users[caller]
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
    )


# --- the same table through the pages' doors ------------------------------------------------------

# Each write of the table as the placements page posts it: (path under /cases/<id>/, the form).
# Who may act on which record is decided in haven.cases.access for both doors, so a page answers
# as the API does: OK (the write made its change), 403, 404 alike; an anonymous caller is sent
# to sign in instead of the API's 403.
PAGES: dict[str, tuple[str, Callable[[dict[str, str]], dict[str, str]]]] = {
    "post placement end": (
        "placement/{placement}/end/",
        lambda ids: {
            "end_on": _iso(),
            "reason_code": "moved",
            "reason": "Fictional: she went missing.",
        },
    ),
    "post placement decision": (
        "placement/{placement}/decision/",
        lambda ids: {"decision": ids["decision"]},
    ),
    "post placement reviews": (
        "placement/{placement}/review/",
        lambda ids: {
            "reviewed_on": _iso(),
            "child_views": "Fictional: she likes the shelter school.",
            "still_in_best_interests": "yes",
            "next_review_on": _iso(30),
        },
    ),
    "post placement challenges": (
        "placement/{placement}/challenge/",
        lambda ids: {
            "lodged_on": _iso(),
            "lodged_with": "Fictional District Court",
            "lodged_by": "Fictional Legal Aid Lawyer",
        },
    ),
    "post challenge decision": (
        "challenges/{challenge}/decision/",
        lambda ids: {"decided_on": _iso(), "outcome": "released"},
    ),
    "post restriction review": (
        "restrictions/{restriction}/review/",
        lambda ids: {"lift": "yes", "on": _iso(), "justification": "", "review_on": ""},
    ),
    "patch charge": ("charges/{charge}/", lambda ids: {"status": "dropped"}),
}


def test_cc7_every_write_of_a_placement_record_has_its_page_door_in_the_table() -> None:
    assert set(PAGES) == {name for name, (method, path, _s, _b) in ENDPOINTS.items() if "{" in path}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(PAGES))
def test_dp1_dp2_cc7_placement_pages_answer_as_the_api(
    client: Client, world: World, endpoint: str, caller: str
) -> None:
    expected = EXPECTED[endpoint][CALLERS.index(caller)]
    ids = ENDPOINTS[endpoint][2](world)
    user = world.users[caller]
    if user is not None:
        signed_in(client, user)
    path, form = PAGES[endpoint]
    before = _state()

    response = client.post(f"/cases/{world.case.public_id}/" + path.format(**ids), form(ids))

    if expected == OK:
        assert response.status_code == 302
        assert _state() != before, "the write did nothing"
        return
    if user is None:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected
    assert _state() == before, "a refused post changed the database"


# --- the shapes ----------------------------------------------------------------------------------

PLACEMENT_SHAPES = [
    ps.PlacementSerializer,
    ps.PlacementReviewSerializer,
    ps.LibertyChallengeSerializer,
    ps.RestrictionSerializer,
    ps.FamilyContactSerializer,
    ps.ChargeSerializer,
]


@pytest.mark.parametrize("serializer", PLACEMENT_SHAPES, ids=lambda c: c.__name__)
def test_dp14_every_field_of_a_placement_response_has_a_sensitivity_class(serializer) -> None:  # type: ignore[no-untyped-def]
    assert set(serializer().fields) == set(serializer.SENSITIVITY)


def test_dp1_placement_shapes_classify_as_agreed() -> None:
    from haven.core.sensitivity import Sensitivity as S

    placement = ps.PlacementSerializer.SENSITIVITY
    assert {k for k, v in placement.items() if v == S.BASIC} == PLACEMENT_BASICS
    assert (placement["facility"], placement["urgent_reason"], placement["reviews"]) == (
        S.LOCATION,
        S.NARRATIVE,
        S.NARRATIVE,
    )
    assert placement["challenges"] == S.LEGAL
    # The class of each record as a whole is declared on its model (haven.cases.access).
    assert (
        Restriction.ROW_SENSITIVITY,
        FamilyContact.ROW_SENSITIVITY,
        Charge.ROW_SENSITIVITY,
        LibertyChallenge.ROW_SENSITIVITY,
    ) == (S.FAMILY, S.FAMILY, S.LEGAL, S.LEGAL)
