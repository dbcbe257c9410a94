"""The justice API (VW-1 … VW-8, CC-6, DP-1): the child's proceedings, participation, hearings,
statements, updates, reprisal risk and compensation, under /api/v1/cases/<id>/proceedings/.
Each write runs the service the Justice page runs, so its safeguards answer here as 422 with
their measure ID and its validation as 400 naming the field; a refused write changes nothing.
Every record is a legal matter: a caller who sees the case but may not read legal matters on it
is answered 404 on every route, reads and writes alike."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.api import justice_serializers as js
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, Interview
from haven.cases.selectors import retelling_count
from haven.cases.services import case_register
from haven.consent.services import information_session_record
from haven.core.sensitivity import Sensitivity as S
from haven.justice import services as justice
from haven.justice.models import (
    ChildInProceeding,
    ChildUpdate,
    Compensation,
    Hearing,
    HearingAttendance,
    Participation,
    Proceeding,
    ProceedingEvent,
    ProceedingStatement,
    ReprisalRisk,
)
from haven.safeguards.models import Alert
from tests.api import matrix
from tests.api.matrix import DENIED, NOT_FOUND, OK
from tests.conftest import fresh, new_assigned_interpreter, new_case_and_people, signed_in
from tests.factories import assigned, at_run, child_fields, determination, staff

INVALID = "Check the highlighted fields."
ACCUSED = "Fictional Accused One\nFictional Accused Two"
DEFENCE = "Fictional Defence Lawyer"
VIEWS = "Fictional: I want to tell the judge, but not in the same room."


# --- helpers -------------------------------------------------------------------------------------


def _day(offset: int = 0) -> date:
    return timezone.localdate() + timedelta(days=offset)


def _iso(offset: int = 0) -> str:
    return _day(offset).isoformat()


def _url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/{tail}"


def _post(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def _patch(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.patch(url, data, content_type="application/json")


def _put(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.put(url, data, content_type="application/json")


def _state() -> dict[str, Any]:
    """Everything a justice write could change, to prove a refused one changed nothing."""
    return {
        "proceedings": list(
            Proceeding.objects.order_by("pk").values_list("pk", "stage", "opened_on", "updated_at")
        ),
        "parts": list(
            ChildInProceeding.objects.order_by("pk").values_list("pk", "role", "updated_at")
        ),
        "hearings": Hearing.objects.count(),
        "events": ProceedingEvent.objects.count(),
        "participations": Participation.objects.count(),
        "attendances": list(
            HearingAttendance.objects.order_by("pk").values_list("pk", "testifies", "updated_at")
        ),
        "statements": ProceedingStatement.objects.count(),
        "interviews": Interview.objects.count(),
        "updates": ChildUpdate.objects.count(),
        "risks": ReprisalRisk.objects.count(),
        "compensations": list(
            Compensation.objects.order_by("pk").values_list("pk", "amount_paid", "updated_at")
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


def _open_alerts(case: Case, code: str) -> int:
    return Alert.objects.filter(case=case, rule_code=code, status=Alert.Status.OPEN).count()


# --- records made through the services -----------------------------------------------------------


def _open(case: Case, actor: User, **changes: Any) -> ChildInProceeding:
    fields: dict[str, Any] = {
        "kind": "criminal",
        "authority": "Fictional Provincial Court",
        "reference": "FPC 123/2026",
        "stage": "pre_trial",
        "opened_on": _day(-60),
        "role": "witness",
        "accused": ACCUSED,
        "defence": DEFENCE,
    }
    fields.update(changes)
    return justice.proceeding_open(case=case, actor=actor, **fields)


def _legal_session(case: Case, actor: User, topics: tuple[str, ...] = ("legal_process",)) -> Any:
    return information_session_record(
        case=case,
        actor=actor,
        given_at=timezone.now() - timedelta(days=3),
        topics=list(topics),
        language="my",
        formats=["verbal"],
        given_by="Fictional Case Worker",
        written_copy_left=False,
    )


def _agree(part: ChildInProceeding, actor: User, *forms: str, choice: str = "agrees") -> None:
    case = part.case
    session = _legal_session(case, actor)
    decision = determination(case, actor, "legal_participation") if choice == "agrees" else None
    for form in forms:
        justice.participation_record(
            case=case,
            actor=actor,
            part=part,
            form=form,
            choice=choice,
            decided_on=timezone.localdate(),
            information_session=session,
            decision=decision,
            retraumatisation_risk="medium",
            intimidation_risk="low",
            reprisal_risk="medium",
            child_views=VIEWS,
        )


def _hearing(part: ChildInProceeding, actor: User, offset: int = 10) -> Hearing:
    return justice.hearing_record(
        case=part.case, actor=actor, part=part, held_on=_day(offset), purpose="Fictional: trial."
    )


def _claim(part: ChildInProceeding, actor: User) -> Compensation:
    return justice.compensation_record(
        case=part.case,
        actor=actor,
        part=part,
        claimed_on=_day(-5),
        currency="THB",
        amount_claimed=Decimal("50000"),
    )


# --- payloads ------------------------------------------------------------------------------------


def _proceeding_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "criminal",
        "authority": "Fictional Provincial Court",
        "reference": "FPC 7/2026",
        "stage": "investigation",
        "opened_on": _iso(-30),
        "role": "witness",
        "accused": ACCUSED,
        "defence": DEFENCE,
        "child_lawyer": "Fictional Child Lawyer",
    }
    data.update(changes)
    return data


def _participation_body(ids: dict[str, str], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "form": "cross_examination",
        "choice": "agrees",
        "decided_on": _iso(),
        "information_session": ids["session"],
        "decision": ids["decision"],
        "retraumatisation_risk": "high",
        "intimidation_risk": "medium",
        "reprisal_risk": "medium",
        "child_views": VIEWS,
    }
    data.update(changes)
    return data


def _statement_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "statement",
        "conducted_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "interviewer": "Fictional Prosecutor",
        "duration_minutes": 40,
        "interpreter": "Fictional Interpreter",
        "support_person": "Fictional Social Worker",
        "video_recorded": True,
    }
    data.update(changes)
    return data


def _update_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_at": timezone.now().isoformat(),
        "given_by": "Fictional Case Worker",
        "language": "my",
        "explained": "Fictional: the court set a date; she may testify by video link.",
    }
    data.update(changes)
    return data


def _compensation_body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"claimed_on": _iso(), "currency": "THB", "amount_claimed": "20000.00"}
    data.update(changes)
    return data


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def guardian(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """The child's guardian, assigned: reads everything, legal matters too; tells the child
    about the proceeding (INFORM_CHILD) but records no legal matter and no statement."""
    return assigned(case, supervisor, agency, Role.GUARDIAN, "guardian")


@pytest.fixture
def part(case, case_worker) -> ChildInProceeding:  # type: ignore[no-untyped-def]
    return _open(case, case_worker)


# --- reading -------------------------------------------------------------------------------------


def test_vw_api_a_proceeding_is_recorded_with_the_childs_role(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    created = _post(client, _url(case, "proceedings/"), _proceeding_body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["role"] == "witness"
    assert body["child_lawyer"] == "Fictional Child Lawyer"
    assert body["proceeding"]["stage"] == "investigation"
    assert body["proceeding"]["accused"] == ACCUSED
    assert body["hearings"] == body["participations"] == body["compensations"] == []
    part = ChildInProceeding.objects.get(public_id=body["id"])
    assert (part.case, part.proceeding.authority) == (case, "Fictional Provincial Court")
    assert AuditEvent.objects.latest("pk").action == "justice.proceeding_open"


def test_vw_api_the_list_has_everything_of_this_child_and_logs_the_read(
    client: Client, case, case_worker, part
) -> None:
    _agree(part, case_worker, "statement")
    hearing = _hearing(part, case_worker)
    justice.event_record(
        case=case, actor=case_worker, part=part, kind="hearing_set", occurred_on=_day()
    )
    signed_in(client, case_worker)

    listed = client.get(_url(case, "proceedings/"))
    assert listed.status_code == 200
    [row] = listed.json()
    assert row["id"] == str(part.public_id)
    assert set(row) == set(js.ChildInProceedingSerializer().fields)
    assert [h["id"] for h in row["hearings"]] == [str(hearing.public_id)]
    assert [e["kind"] for e in row["events"]] == ["hearing_set"]
    assert [(p["form"], p["choice"], p["child_views"]) for p in row["participations"]] == [
        ("statement", "agrees", VIEWS)
    ]
    assert AccessLog.objects.latest("pk").what == "justice.list"
    one = client.get(_url(case, f"proceedings/{part.public_id}/"))
    assert one.status_code == 200
    assert one.json() == row
    assert AccessLog.objects.latest("pk").what == "justice.view"


@pytest.fixture
def other_child(case, case_worker, agency) -> Case:  # type: ignore[no-untyped-def]
    """Another child of the agency on the case worker's caseload."""
    return case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Two")
    )


def test_vw_api_a_child_joins_a_proceeding_of_another_child_of_the_agency(
    client: Client, case_worker, part, other_child
) -> None:
    signed_in(client, case_worker)
    [joinable] = client.get(_url(other_child, "proceedings/joinable/")).json()
    assert joinable["id"] == str(part.proceeding.public_id)
    joined = _post(
        client,
        _url(other_child, "proceedings/join/"),
        {"proceeding": joinable["id"], "role": "complainant"},
    )
    assert joined.status_code == 201, joined.content
    assert (joined.json()["role"], joined.json()["proceeding"]["id"]) == (
        "complainant",
        joinable["id"],
    )
    # Joined once: the proceeding is no longer among those the child can join.
    assert client.get(_url(other_child, "proceedings/joinable/")).json() == []
    before = _state()
    again = _post(
        client,
        _url(other_child, "proceedings/join/"),
        {"proceeding": joinable["id"], "role": "witness"},
    )
    assert (again.status_code, again.json()) == (404, NOT_FOUND)
    assert _state() == before


def test_vw_api_a_shared_proceeding_shows_nothing_of_the_other_child(
    client: Client, case_worker, part, other_child
) -> None:
    justice.proceeding_join(
        case=other_child, actor=case_worker, proceeding=part.proceeding, role="complainant"
    )
    _agree(part, case_worker, "statement")
    signed_in(client, case_worker)
    [theirs] = client.get(_url(other_child, "proceedings/")).json()
    assert theirs["proceeding"]["id"] == str(part.proceeding.public_id)
    assert theirs["participations"] == []
    [ours] = client.get(_url(part.case, "proceedings/")).json()
    assert len(ours["participations"]) == 1


def test_dp2_api_a_proceeding_of_another_agency_cannot_be_joined(
    client: Client, case, case_worker, outsider, other_agency
) -> None:
    theirs = case_register(
        actor=outsider, agency=other_agency, child=child_fields(given_name="Fictional Three")
    )
    elsewhere = _open(theirs, outsider)
    signed_in(client, case_worker)
    assert client.get(_url(case, "proceedings/joinable/")).json() == []
    before = _state()
    response = _post(
        client,
        _url(case, "proceedings/join/"),
        {"proceeding": str(elsewhere.proceeding.public_id), "role": "witness"},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    # Nor is the part of another case found through this one.
    response = client.get(_url(case, f"proceedings/{elsewhere.public_id}/"))
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before


def test_vw_api_patch_changes_the_stage_and_keeps_what_is_left_out(
    client: Client, case, case_worker, part
) -> None:
    signed_in(client, case_worker)
    events = AuditEvent.objects.count()
    response = _patch(client, _url(case, f"proceedings/{part.public_id}/"), {"stage": "trial"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["proceeding"]["stage"] == "trial"
    assert body["proceeding"]["accused"] == ACCUSED
    assert body["proceeding"]["reference"] == "FPC 123/2026"
    assert body["role"] == "witness"
    assert AuditEvent.objects.count() == events + 1
    closing = _patch(
        client, _url(case, f"proceedings/{part.public_id}/"), {"stage": "closed", "role": "none"}
    )
    assert _invalid(closing).keys() == {"closed_on"}


# --- VW-1: taking part is decided first ----------------------------------------------------------


def test_vw1_api_a_statement_without_an_agreed_participation_is_422(
    client: Client, case, case_worker, part
) -> None:
    signed_in(client, case_worker)
    before = _state()
    response = _post(
        client, _url(case, f"proceedings/{part.public_id}/statements/"), _statement_body()
    )
    _safeguard(response, "VW-1")
    assert _state() == before


def test_vw1_vw8_api_a_declined_form_is_422_and_the_choice_stands(
    client: Client, case, case_worker, part
) -> None:
    _agree(part, case_worker, "testimony", choice="declines")
    hearing = _hearing(part, case_worker)
    signed_in(client, case_worker)
    before = _state()
    testimony = _post(
        client,
        _url(case, f"proceedings/{part.public_id}/statements/"),
        _statement_body(kind="testimony"),
    )
    assert "declined" in _safeguard(testimony, "VW-1")["message"]
    at_hearing = _put(
        client,
        _url(case, f"proceedings/{part.public_id}/hearings/{hearing.public_id}/attendance/"),
        {"testifies": True, "support_name": "Fictional Social Worker"},
    )
    _safeguard(at_hearing, "VW-1")
    claim = _post(
        client, _url(case, f"proceedings/{part.public_id}/compensations/"), _compensation_body()
    )
    _safeguard(claim, "VW-1")
    assert _state() == before


def test_vw1_vw5_api_an_agreed_statement_is_recorded_counted_and_linked(
    client: Client, case, case_worker, part
) -> None:
    _agree(part, case_worker, "statement")
    retellings = retelling_count(case)
    signed_in(client, case_worker)
    response = _post(
        client, _url(case, f"proceedings/{part.public_id}/statements/"), _statement_body()
    )
    assert response.status_code == 201, response.content
    assert retelling_count(case) == retellings + 1  # CC-6, VW-5
    body = response.json()
    assert body["video_recorded"] is True
    assert body["interview"]["kind"] == "statement"
    assert body["interview"]["support_person"] == "Fictional Social Worker"
    statement = ProceedingStatement.objects.get(public_id=body["id"])
    assert statement.child_in_proceeding == part
    # VW-4: after a recorded statement, another one says why the recording does not serve.
    before = _state()
    again = _post(
        client, _url(case, f"proceedings/{part.public_id}/statements/"), _statement_body()
    )
    assert "why_not_reused" in _invalid(again)
    assert _state() == before


@pytest.fixture
def decided(case, case_worker, agency) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """This case's session on the legal process and determination about legal participation,
    another case's, and a session of this case on rights only."""
    other = case_register(
        actor=case_worker, agency=agency, child=child_fields(given_name="Fictional Four")
    )
    return {
        "session": str(_legal_session(case, case_worker).public_id),
        "decision": str(determination(case, case_worker, "legal_participation").public_id),
        "their_session": str(_legal_session(other, case_worker).public_id),
        "their_decision": str(determination(other, case_worker, "legal_participation").public_id),
        "rights_only": str(_legal_session(case, case_worker, topics=("rights",)).public_id),
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"information_session": "their_session"}, "information_session"),
        ({"decision": "their_decision"}, "decision"),
        ({"information_session": "rights_only"}, "information_session"),
        ({"decision": None}, "decision"),
        ({"child_views": "   "}, "child_views"),
        ({"form": "swimming"}, "form"),
    ],
)
def test_vw1_vw2_api_a_participation_rests_on_this_case_records(
    client: Client, case, case_worker, part, decided, changes: dict[str, Any], field: str
) -> None:
    changes = {k: decided.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    signed_in(client, case_worker)
    before = _state()
    url = _url(case, f"proceedings/{part.public_id}/participations/")
    assert field in _invalid(_post(client, url, _participation_body(decided, **changes)))
    assert _state() == before


def test_vw1_api_a_participation_decided_in_the_childs_best_interests_is_recorded(
    client: Client, case, case_worker, part, decided
) -> None:
    signed_in(client, case_worker)
    url = _url(case, f"proceedings/{part.public_id}/participations/")
    created = _post(client, url, _participation_body(decided))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["information_session"], body["decision"]) == (
        decided["session"],
        decided["decision"],
    )
    assert (body["form"], body["choice"], body["child_views"]) == (
        "cross_examination",
        "agrees",
        VIEWS,
    )


# --- VW-3, VW-4: a hearing -----------------------------------------------------------------------


@pytest.fixture
def hearing(part, case_worker) -> Hearing:  # type: ignore[no-untyped-def]
    """A hearing to come, at which the child has agreed to testify."""
    _agree(part, case_worker, "statement", "testimony")
    return _hearing(part, case_worker)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("attendance", {"support_name": DEFENCE}, "support_name"),
        ("attendance", {"support_name": "fictional  accused TWO"}, "support_name"),
        ("attendance", {"support_user": "stranger"}, "support_user"),
        ("attendance", {"requested": ["trapdoor"]}, "requested.0"),
        ("statements", {"support_person": DEFENCE}, "support_person"),
        ("statements", {"support_person": ""}, "support_person"),
    ],
)
def test_vw3_api_a_support_person_on_the_accuseds_side_or_unassigned_is_400(
    client: Client, case, case_worker, agency, part, hearing, path: str, body: Any, field: str
) -> None:
    if body.get("support_user") == "stranger":
        # A Haven user who is not assigned to the case as support person.
        body = {"support_user": str(staff(agency, Role.PSYCHOLOGIST).public_id)}
    if path == "attendance":
        url = _url(case, f"proceedings/{part.public_id}/hearings/{hearing.public_id}/attendance/")
        send = _put
    else:
        url, send, body = (
            _url(case, f"proceedings/{part.public_id}/statements/"),
            _post,
            _statement_body(**body),
        )
    signed_in(client, case_worker)
    before = _state()
    assert field in _invalid(send(client, url, body))
    assert _state() == before


def test_vw3_vw4_api_a_support_person_at_the_hearing_clears_the_alert(
    client: Client, case, case_worker, supervisor, agency, part, hearing
) -> None:
    url = _url(case, f"proceedings/{part.public_id}/hearings/{hearing.public_id}/attendance/")
    assert _open_alerts(case, "vw3.no_support_person") == 1
    helper = assigned(case, supervisor, agency, Role.PSYCHOLOGIST, "support_person")
    signed_in(client, case_worker)
    recorded = _put(
        client,
        url,
        {
            "testifies": True,
            "support_user": str(helper.public_id),
            "requested": ["screen", "breaks"],
            "granted": ["screen"],
        },
    )
    assert recorded.status_code == 200, recorded.content
    body = recorded.json()
    assert (body["hearing"], body["support_user"]) == (
        str(hearing.public_id),
        str(helper.public_id),
    )
    assert (body["requested"], body["granted"]) == (["breaks", "screen"], ["screen"])
    assert _open_alerts(case, "vw3.no_support_person") == 0
    # Recorded again, it replaces what was recorded for that hearing.
    again = _put(client, url, {"support_name": "Fictional Aunt", "support_relation": "aunt"})
    assert again.status_code == 200, again.content
    assert again.json()["support_user"] is None
    assert HearingAttendance.objects.filter(child_in_proceeding=part).count() == 1


def test_vw_api_a_hearing_before_the_proceeding_opened_is_400(
    client: Client, case, case_worker, part
) -> None:
    signed_in(client, case_worker)
    before = _state()
    response = _post(
        client, _url(case, f"proceedings/{part.public_id}/hearings/"), {"held_on": _iso(-61)}
    )
    assert "held_on" in _invalid(response)
    assert _state() == before


def test_vw_api_a_hearing_of_another_proceeding_is_not_found(
    client: Client, case, case_worker, part
) -> None:
    other = _open(case, case_worker, reference="FPC 9/2026")
    elsewhere = _hearing(other, case_worker)
    signed_in(client, case_worker)
    before = _state()
    response = _put(
        client,
        _url(case, f"proceedings/{part.public_id}/hearings/{elsewhere.public_id}/attendance/"),
        {"support_name": "Fictional Aunt"},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before


# --- VW-6, VW-7 ----------------------------------------------------------------------------------


def test_vw6_api_a_verdict_asks_that_the_child_be_told_and_an_update_clears_it(
    client: Client, case, case_worker, part
) -> None:
    signed_in(client, case_worker)
    event = _post(
        client,
        _url(case, f"proceedings/{part.public_id}/events/"),
        {"kind": "verdict", "occurred_on": _iso(), "summary": "Fictional: guilty."},
    )
    assert event.status_code == 201, event.content
    assert _open_alerts(case, "vw6.inform_the_child") == 1
    told = _post(client, _url(case, f"proceedings/{part.public_id}/updates/"), _update_body())
    assert told.status_code == 201, told.content
    assert told.json()["support_person_told"] is True
    assert _open_alerts(case, "vw6.inform_the_child") == 0


def test_vw7_api_high_risk_without_a_measure_raises_an_alert(
    client: Client, case, case_worker, part
) -> None:
    signed_in(client, case_worker)
    url = _url(case, f"proceedings/{part.public_id}/reprisal-risks/")
    response = _post(client, url, {"assessed_on": _iso(), "level": "high", "threats": True})
    assert response.status_code == 201, response.content
    assert _open_alerts(case, "vw7.high_risk_unprotected") == 1
    before = _state()
    assert "measures.0" in _invalid(
        _post(client, url, {"assessed_on": _iso(), "level": "high", "measures": ["moat"]})
    )
    assert _state() == before
    protected = _post(
        client,
        url,
        {"assessed_on": _iso(), "level": "high", "measures": ["no_contact_order"]},
    )
    assert protected.status_code == 201, protected.content
    assert _open_alerts(case, "vw7.high_risk_unprotected") == 0


# --- compensation --------------------------------------------------------------------------------


def test_api_compensation_paid_above_the_award_is_400_and_saves_nothing(
    client: Client, case, case_worker
) -> None:
    part = _open(case, case_worker, kind="compensation", role="claimant")
    _agree(part, case_worker, "compensation_claim")
    claim = _claim(part, case_worker)
    url = _url(case, f"proceedings/{part.public_id}/compensations/{claim.public_id}/")
    signed_in(client, case_worker)
    before = _state()
    response = _patch(
        client,
        url,
        {"amount_awarded": "30000.00", "awarded_on": _iso(), "amount_paid": "30000.01"},
    )
    assert "amount_paid" in _invalid(response)
    assert _state() == before
    paid = _patch(
        client,
        url,
        {"amount_awarded": "30000", "awarded_on": _iso(), "amount_paid": "30000"},
    )
    assert paid.status_code == 200, paid.content
    assert (paid.json()["amount_claimed"], paid.json()["amount_paid"]) == ("50000.00", "30000.00")
    # A field left out keeps its value; more held for the child than paid is refused.
    held = _patch(client, url, {"held_for_child": "30000.50"})
    assert "held_for_child" in _invalid(held)


# --- bad input: the field is named, nothing is saved ---------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stage": "sentencing"}, "stage"),
        ({"role": "accused"}, "role"),
        ({"kind": "tribal"}, "kind"),
        ({"authority": " "}, "authority"),
        ({"opened_on": lambda: _iso(5)}, "opened_on"),
        ({"stage": "closed"}, "closed_on"),
    ],
)
def test_api_unknown_stage_or_role_names_the_field_and_saves_nothing(
    client: Client, case, case_worker, part, changes: dict[str, Any], field: str
) -> None:
    changes = at_run(changes)
    signed_in(client, case_worker)
    before = _state()
    created = _post(client, _url(case, "proceedings/"), _proceeding_body(**changes))
    assert field in _invalid(created)
    changed = _patch(client, _url(case, f"proceedings/{part.public_id}/"), changes)
    assert field in _invalid(changed)
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
    "guardian",  # assigned: reads legal matters, tells the child; records no legal matter
    "interpreter",  # of another agency, assigned: basics and identity only
    "unassigned",  # a case worker of the agency, not on the case
    "outsider",  # a case worker of another agency
    "anonymous",
)

# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                             cw   sup  guard interp unasg out  anon
    "get proceedings":           (OK,  OK,  OK,   404,   404,  404, 403),
    "post proceedings":          (OK,  OK,  403,  404,   404,  404, 403),
    "get joinable":              (OK,  OK,  403,  404,   404,  404, 403),
    "post join":                 (OK,  OK,  403,  404,   404,  404, 403),
    "get proceeding":            (OK,  OK,  OK,   404,   404,  404, 403),
    "patch proceeding":          (OK,  OK,  403,  404,   404,  404, 403),
    "post hearings":             (OK,  OK,  403,  404,   404,  404, 403),
    "post events":               (OK,  OK,  403,  404,   404,  404, 403),
    "post participations":       (OK,  OK,  403,  404,   404,  404, 403),
    "put attendance":            (OK,  OK,  403,  404,   404,  404, 403),
    "post statements":           (OK,  OK,  403,  404,   404,  404, 403),
    # Telling the child is the guardian's to record too (INFORM_CHILD).
    "post updates":              (OK,  OK,  OK,   404,   404,  404, 403),
    "post reprisal-risks":       (OK,  OK,  403,  404,   404,  404, 403),
    "post compensations":        (OK,  OK,  403,  404,   404,  404, 403),
    "patch compensation":        (OK,  OK,  403,  404,   404,  404, 403),
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


def _with_part(w: World) -> dict[str, str]:
    return {"part": str(_open(w.case, w.case_worker).public_id)}


def _with_joinable(w: World) -> dict[str, str]:
    """Another child of the agency, on the case worker's caseload, in a proceeding."""
    other = case_register(
        actor=w.case_worker, agency=w.agency, child=child_fields(given_name="Fictional Two")
    )
    joinable = _open(other, w.case_worker, reference="FPC 55/2026").proceeding
    return {"joinable": str(joinable.public_id)}


def _with_session(w: World) -> dict[str, str]:
    """Told about the legal process, and a determination about legal participation."""
    part = _open(w.case, w.case_worker)
    session = _legal_session(w.case, w.case_worker)
    decision = determination(w.case, w.case_worker, "legal_participation")
    return {
        "part": str(part.public_id),
        "session": str(session.public_id),
        "decision": str(decision.public_id),
    }


def _with_hearing(w: World) -> dict[str, str]:
    """A hearing to come, and a support person assigned to the case."""
    part = _open(w.case, w.case_worker)
    hearing = _hearing(part, w.case_worker)
    helper = assigned(w.case, w.supervisor, w.agency, Role.PSYCHOLOGIST, "support_person")
    return {
        "part": str(part.public_id),
        "hearing": str(hearing.public_id),
        "support_user": str(helper.public_id),
    }


def _with_agreement(form: str) -> Callable[[World], dict[str, str]]:
    def setup(w: World) -> dict[str, str]:
        part = _open(w.case, w.case_worker)
        _agree(part, w.case_worker, form)
        return {"part": str(part.public_id)}

    return setup


def _with_claim(w: World) -> dict[str, str]:
    part = _open(w.case, w.case_worker, kind="compensation", role="claimant")
    _agree(part, w.case_worker, "compensation_claim")
    claim = _claim(part, w.case_worker)
    return {"part": str(part.public_id), "compensation": str(claim.public_id)}


def _no_body(ids: dict[str, str]) -> None:
    return None


# Each endpoint: (method, path under the case, what to set up first, the body).
Setup = Callable[[World], dict[str, str]]
ENDPOINTS: dict[str, tuple[str, str, Setup, Callable[[dict[str, str]], Any]]] = {
    "get proceedings": ("get", "proceedings/", _with_part, _no_body),
    "post proceedings": ("post", "proceedings/", _nothing, lambda ids: _proceeding_body()),
    "get joinable": ("get", "proceedings/joinable/", _with_joinable, _no_body),
    "post join": (
        "post",
        "proceedings/join/",
        _with_joinable,
        lambda ids: {"proceeding": ids["joinable"], "role": "complainant"},
    ),
    "get proceeding": ("get", "proceedings/{part}/", _with_part, _no_body),
    "patch proceeding": (
        "patch",
        "proceedings/{part}/",
        _with_part,
        lambda ids: {"stage": "trial"},
    ),
    "post hearings": (
        "post",
        "proceedings/{part}/hearings/",
        _with_part,
        lambda ids: {"held_on": _iso(20), "purpose": "Fictional: verdict."},
    ),
    "post events": (
        "post",
        "proceedings/{part}/events/",
        _with_part,
        lambda ids: {"kind": "release", "occurred_on": _iso(), "summary": "Fictional: bail."},
    ),
    "post participations": (
        "post",
        "proceedings/{part}/participations/",
        _with_session,
        lambda ids: _participation_body(ids),
    ),
    "put attendance": (
        "put",
        "proceedings/{part}/hearings/{hearing}/attendance/",
        _with_hearing,
        lambda ids: {"support_user": ids["support_user"], "requested": ["video_link"]},
    ),
    "post statements": (
        "post",
        "proceedings/{part}/statements/",
        _with_agreement("statement"),
        lambda ids: _statement_body(),
    ),
    "post updates": (
        "post",
        "proceedings/{part}/updates/",
        _with_part,
        lambda ids: _update_body(),
    ),
    "post reprisal-risks": (
        "post",
        "proceedings/{part}/reprisal-risks/",
        _with_part,
        lambda ids: {"assessed_on": _iso(), "level": "medium", "contact_attempts": True},
    ),
    "post compensations": (
        "post",
        "proceedings/{part}/compensations/",
        _with_agreement("compensation_claim"),
        lambda ids: _compensation_body(),
    ),
    "patch compensation": (
        "patch",
        "proceedings/{part}/compensations/{compensation}/",
        _with_claim,
        lambda ids: {"amount_awarded": "40000", "awarded_on": _iso()},
    ),
}

READS = {
    "get proceedings": "justice.list",
    "get proceeding": "justice.view",
    "get joinable": None,  # proceedings of other cases, no child's record: not logged
}


def test_cc7_the_justice_table_covers_every_route_and_caller() -> None:
    import re

    from haven.api.urls import router

    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(len(row) == len(CALLERS) for row in EXPECTED.values())
    routes = {
        (str(url.pattern), method)
        for url in router.urls
        if getattr(url.callback, "cls", None).__name__ == "JusticeViewSet"  # type: ignore[union-attr]
        for method in url.callback.actions  # type: ignore[attr-defined]
        if method != "head"
    }
    covered = {
        ("cases/<uuid:public_id>/" + re.sub(r"\{(\w+)\}", r"<uuid:\1_id>", path), method)
        for method, path, _s, _b in ENDPOINTS.values()
    }
    assert routes == covered


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_dp1_dp2_cc7_justice_access_matrix(
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
    )


@pytest.mark.parametrize("endpoint", [name for name in ENDPOINTS if not name.startswith("get ")])
def test_dp1_api_refusals_come_before_the_payload_is_read(
    client: Client, world: World, endpoint: str
) -> None:
    """Whatever is sent: the interpreter, who may not read legal matters, is not told the
    child is in a proceeding (404); the guardian, who may read them but not record them, is
    refused (403): never a 400 that would tell what the service checks."""
    method, path, setup, _body = ENDPOINTS[endpoint]
    url = _url(world.case, path.format(**setup(world)))
    before = _state()
    callers = [(world.users["interpreter"], NOT_FOUND)]
    if EXPECTED[endpoint][CALLERS.index("guardian")] == 403:
        callers.append((world.users["guardian"], DENIED))
    for user, expected in callers:
        signed_in(client, user)
        for junk in ({"stage": "sentencing", "held_on": "yesterday"}, [1, 2]):
            response = getattr(client, method)(url, junk, content_type="application/json")
            assert response.json() == expected, (user, junk)
    assert _state() == before


# --- the shapes ----------------------------------------------------------------------------------

JUSTICE_SHAPES = [
    js.ProceedingSerializer,
    js.HearingSerializer,
    js.ProceedingEventSerializer,
    js.ParticipationSerializer,
    js.HearingAttendanceSerializer,
    js.ProceedingStatementSerializer,
    js.UpdateToChildSerializer,
    js.ReprisalRiskSerializer,
    js.CompensationSerializer,
    js.ChildInProceedingSerializer,
]


@pytest.mark.parametrize("serializer", JUSTICE_SHAPES, ids=lambda c: c.__name__)
def test_dp14_every_field_of_a_justice_response_has_a_sensitivity_class(serializer) -> None:  # type: ignore[no-untyped-def]
    assert set(serializer().fields) == set(serializer.SENSITIVITY)
    # Only the ID is a case basic: the rest is a legal matter, or the child's narrative.
    assert {name for name, cls in serializer.SENSITIVITY.items() if cls == S.BASIC} == {"id"}
    assert set(serializer.SENSITIVITY.values()) <= {S.BASIC, S.LEGAL, S.NARRATIVE}


def test_dp1_a_justice_record_is_legal_as_a_whole() -> None:
    for model in (
        Proceeding,
        Hearing,
        ProceedingEvent,
        ChildInProceeding,
        Participation,
        HearingAttendance,
        ProceedingStatement,
        ChildUpdate,
        ReprisalRisk,
        Compensation,
    ):
        assert model.ROW_SENSITIVITY == S.LEGAL, model
