"""The protection API (CC-1 … CC-3, CC-5, CC-8, PS-1 … PS-7, DP-1 … DP-6): consent, information
given to the child, best-interests decisions, guardianship, needs and services, under
/api/v1/cases/<id>/. Each write runs the service the pages run, so its safeguards answer here as
422 with their measure ID; a refused write changes nothing; reads send only what the caller's
role may read, and log the read."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.api import placement_serializers
from haven.api import protection_serializers as ps
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.child_services import child_update
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import case_register
from haven.children.age import age_on
from haven.consent.models import CHECKLIST_KEYS, Consent, InformationSession
from haven.consent.services import consent_record, information_session_record
from haven.decisions.models import Decision, DecisionParticipant
from haven.decisions.services import decision_record
from haven.protection.models import (
    Guardian,
    GuardianAppointment,
    NeedsAssessment,
    NeedsFinding,
    Service,
)
from haven.protection.services import guardian_appoint, guardian_create, service_record
from haven.safeguards.models import Alert
from tests.api import matrix
from tests.api.matrix import DENIED, NOT_FOUND, OK
from tests.conftest import fresh, new_assigned_interpreter, new_case_and_people, signed_in
from tests.factories import assigned, child_fields, staff

INVALID = "Check the highlighted fields."


# --- helpers ---------------------------------------------------------------------------------


def _url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/{tail}"


def _post(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def _patch(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.patch(url, data, content_type="application/json")


def _today() -> str:
    return timezone.localdate().isoformat()


def _days_ago(days: int) -> str:
    return (timezone.localdate() - timedelta(days=days)).isoformat()


def _state() -> dict[str, Any]:
    """Everything a protection write could change, to prove a refused one changed nothing."""
    return {
        "consents": list(
            Consent.objects.order_by("pk").values_list(
                "pk", "withdrawn_at", "override_decision_id", "updated_at"
            )
        ),
        "sessions": InformationSession.objects.count(),
        "decisions": Decision.objects.count(),
        "participants": DecisionParticipant.objects.count(),
        "guardians": Guardian.objects.count(),
        "appointments": list(
            GuardianAppointment.objects.order_by("pk").values_list("pk", "ended_on", "updated_at")
        ),
        "needs": NeedsAssessment.objects.count(),
        "findings": NeedsFinding.objects.count(),
        "services": list(
            Service.objects.order_by("pk").values_list(
                "pk", "status", "end_on", "not_delivered_reason", "decision_id", "updated_at"
            )
        ),
        "assignments": list(
            CaseAssignment.objects.order_by("pk").values_list("pk", "user_id", "ended_at")
        ),
        "alerts": list(Alert.objects.order_by("pk").values_list("pk", "rule_code", "status")),
        "audit_events": AuditEvent.objects.count(),
    }


def _safeguard(response, measure_id: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "measure_id"}
    assert (error["code"], error["measure_id"]) == ("safeguard", measure_id)
    assert error["message"]
    return error


def _invalid(response, *fields: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", INVALID)
    assert set(fields) <= set(error["fields"]), error
    return error["fields"]


def _open_alerts(case: Case) -> set[str]:
    return set(
        Alert.objects.filter(case=case, status=Alert.Status.OPEN).values_list(
            "rule_code", flat=True
        )
    )


# --- payloads ----------------------------------------------------------------------------------


def _consent(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "purpose": "medical_examination",
        "given_on": _today(),
        "language": "my",
        "formats": ["visual", "verbal"],
        "explained_by": "Fictional Nurse",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "representative": "guardian",
        "representative_name": "Fictional Guardian",
        "representative_answer": "consents",
        "scope": "A general check-up, not an HIV test.",
        "notes": "Fictional: she asked whether it would hurt.",
    }
    data.update(changes)
    return data


def _session(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "topics": ["services", "rights"],
        "language": "my",
        "formats": ["verbal"],
        "given_by": "Fictional Case Worker",
        "interpreter": "Fictional Interpreter",
        "written_copy_left": True,
        "child_questions": "Fictional: can my brother visit?",
    }
    data.update(changes)
    return data


PANEL = [
    {"name": "Fictional Chair", "role": "Child-protection office"},
    {"name": "Fictional Doctor", "role": "District hospital"},
]


def _decision(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "bid",
        "subject": "medical_without_consent",
        "decided_on": _today(),
        "question": "Fictional: may the wound be treated although the child refuses?",
        "options": "Fictional: treat now; wait a day; refer.",
        "outcome": "Fictional: treat now, with the nurse she trusts.",
        "justification": "Fictional: the infection endangers her health.",
        "child_views": "Fictional: she is afraid of needles.",
        "child_views_weight": "Fictional: weighed heavily; she is mature for her age.",
        "family_views": "Fictional: her aunt agrees with the treatment.",
        "risks": "Fictional: distress during treatment.",
        "participants": PANEL,
    }
    data.update(changes)
    return data


def _decision_kwargs(**changes: Any) -> dict[str, Any]:
    data = _decision(**changes)
    data["decided_on"] = timezone.localdate()
    return data


DOMAINS = ("physical", "psychological", "social", "legal", "educational", "economic")


def _findings(**levels: str) -> list[dict[str, str]]:
    rows = []
    for domain in DOMAINS:
        level = levels.get(domain, "none")
        rows.append(
            {
                "domain": domain,
                "level": level,
                "needs": f"Fictional {domain} need." if level != "none" else "",
                "strengths": "Fictional: loves football." if domain == "social" else "",
            }
        )
    return rows


def _needs(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "assessed_on": _today(),
        "findings": _findings(physical="some", psychological="high"),
        "child_views": "Fictional: she wants to go to school.",
        "severe_harm": True,
        "next_review_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
    }
    data.update(changes)
    return data


def _service(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": "Health",
        "health_procedure": "examination",
        "provider": "Fictional District Hospital",
        "start_on": _today(),
        "status": "planned",
        "description": "Fictional: general check-up.",
    }
    data.update(changes)
    return data


def _service_kwargs(**changes: Any) -> dict[str, Any]:
    data = _service(**changes)
    data["start_on"] = timezone.localdate()
    return data


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture
def health_worker(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """Reads basics, identity and health on the case; records consent and services."""
    return assigned(case, supervisor, agency, Role.HEALTH_WORKER, "health_worker")


@pytest.fixture
def lawyer(case, supervisor, agency):  # type: ignore[no-untyped-def]
    """Reads basics, identity, family, legal matters and narrative; not health."""
    return assigned(case, supervisor, agency, Role.LAWYER, "lawyer")


@pytest.fixture
def psychologist(case, supervisor, agency):  # type: ignore[no-untyped-def]
    return assigned(case, supervisor, agency, Role.PSYCHOLOGIST, "psychologist")


@pytest.fixture
def bid(case, supervisor):  # type: ignore[no-untyped-def]
    """A determination on `case` about medical care without consent."""
    return decision_record(case=case, actor=supervisor, **_decision_kwargs())


@pytest.fixture
def volunteer(agency, case_worker):  # type: ignore[no-untyped-def]
    """A guardian of the lead agency who does not use Haven, with room for two children."""
    return guardian_create(
        agency=agency,
        actor=case_worker,
        name="Fictional Volunteer Guardian",
        organisation="Fictional Guardians' Network",
        contact="Fictional: +00 000 000",
        caseload_ceiling=2,
    )


@pytest.fixture
def unaccompanied(case, case_worker):  # type: ignore[no-untyped-def]
    child_update(case=case, actor=case_worker, parental_care="unaccompanied")
    case.refresh_from_db()
    return case


def _another_case(case_worker, agency) -> Case:  # type: ignore[no-untyped-def]
    return case_register(
        actor=case_worker,
        agency=agency,
        child=child_fields(
            given_name="Nilar", birth_date=timezone.localdate() - timedelta(days=4000)
        ),
        languages=["my"],
    )


# --- consent (CC-3, PS-4, DP-5, DP-6) ----------------------------------------------------------


def test_cc3_api_assent_with_a_guardians_consent_is_in_force_and_listed(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    events = AuditEvent.objects.count()

    response = _post(client, _url(case, "consents/"), _consent())

    assert response.status_code == 201, response.content
    consent = Consent.objects.get()
    child_age = age_on(case.child.birth_date, timezone.localdate())
    assert child_age < 16  # under the consent age: assent, and the guardian's consent
    assert response.json() == {
        "id": str(consent.public_id),
        "purpose": "medical_examination",
        "purpose_detail": "",
        "scope": "A general check-up, not an HIV test.",
        "recipient_agencies": [],
        "recipients": "",
        "given_on": _today(),
        "expires_on": None,
        "language": "my",
        "formats": ["verbal", "visual"],
        "explained_by": "Fictional Nurse",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
        "child_not_asked_reason": "",
        "child_age": child_age,
        "representative": "guardian",
        "representative_name": "Fictional Guardian",
        "representative_answer": "consents",
        "grants": True,
        "state": "granted",
        "notes": "Fictional: she asked whether it would hurt.",
        "withdrawn_at": None,
        "withdrawn_by": "",
        "withdrawal_reason": "",
        "override_decision": None,
    }
    assert (consent.case, consent.recorded_by, consent.grants) == (case, case_worker, True)
    actions = AuditEvent.objects.order_by("seq").values_list("action", flat=True)
    assert list(actions[events:]) == ["consent.record"]

    AccessLog.objects.all().delete()
    listed = client.get(_url(case, "consents/"))
    assert listed.status_code == 200
    assert listed.json() == [response.json()]
    [log] = AccessLog.objects.all()
    assert (log.user, log.what, log.case_id, log.channel) == (
        case_worker,
        "consent.list",
        case.pk,
        "api",
    )


def test_cc3_api_a_younger_childs_assent_alone_does_not_grant_and_a_refusal_is_respected(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    alone = _post(
        client,
        _url(case, "consents/"),
        _consent(representative="none", representative_name="", representative_answer=""),
    )
    refused = _post(
        client, _url(case, "consents/"), _consent(purpose="interview", child_answer="refuses")
    )
    assert (alone.status_code, refused.status_code) == (201, 201)
    assert (alone.json()["grants"], alone.json()["state"]) == (False, "refused")
    assert (refused.json()["grants"], refused.json()["state"]) == (False, "refused")
    assert Consent.objects.in_force().count() == 0


def test_dp6_api_consent_before_every_point_is_explained_is_400_and_nothing_is_saved(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = _state()
    response = _post(
        client, _url(case, "consents/"), _consent(checklist=["purpose", "uses", "research"])
    )
    fields = _invalid(response, "checklist")
    assert fields["checklist"] == [
        "Go through every point with the child before recording consent (DP-6). "
        "Still to explain: 4 of 7."
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"purpose": "information_sharing"}, "recipients"),
        ({"purpose": "other"}, "purpose_detail"),
        ({"representative_name": ""}, "representative_name"),
        ({"child_answer": "not_asked"}, "child_not_asked_reason"),
        ({"formats": ["smoke-signals"]}, "formats"),
        ({"language": "zz"}, "language"),
        ({"given_on": "2099-01-01"}, "given_on"),
        ({"expires_on": "2000-01-01"}, "expires_on"),
        ({"purpose": "everything"}, "purpose"),
    ],
)
def test_dp5_api_bad_consent_input_is_400_on_its_field_and_nothing_is_saved(
    client: Client, case, case_worker, changes: dict[str, Any], field: str
) -> None:
    signed_in(client, case_worker)
    before = _state()
    _invalid(_post(client, _url(case, "consents/"), _consent(**changes)), field)
    assert _state() == before


def test_dp5_api_withdrawal_ends_consent_and_care_then_needs_it_again(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    consent = _post(client, _url(case, "consents/"), _consent()).json()
    planned = _post(client, _url(case, "services/"), _service())
    assert planned.status_code == 201, planned.content

    response = _post(
        client,
        _url(case, f"consents/{consent['id']}/withdraw/"),
        {"withdrawn_by": "The child", "reason": "Fictional: she changed her mind."},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["grants"], body["withdrawn_by"]) == (
        "withdrawn",
        True,
        "The child",
    )
    assert body["withdrawal_reason"] == "Fictional: she changed her mind."
    assert body["withdrawn_at"] is not None
    assert Consent.objects.in_force().count() == 0
    # The planned examination now lacks consent: an alert, and it cannot go ahead (PS-4).
    assert "ps4.care_without_consent" in _open_alerts(case)
    before = _state()
    moved = _patch(
        client, _url(case, f"services/{planned.json()['id']}/"), {"status": "in_progress"}
    )
    _safeguard(moved, "PS-4")
    assert _state() == before


def test_dp5_api_withdrawing_twice_is_400_and_changes_nothing(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    consent = _post(client, _url(case, "consents/"), _consent()).json()
    url = _url(case, f"consents/{consent['id']}/withdraw/")
    assert _post(client, url, {"withdrawn_by": "The child"}).status_code == 200
    before = _state()

    again = _post(client, url, {"withdrawn_by": "The child"})
    blank = _post(client, url, {"withdrawn_by": "  "})

    assert _invalid(again, "non_field_errors")["non_field_errors"] == [
        "This consent was already withdrawn."
    ]
    assert blank.status_code == 400
    assert _state() == before


def test_dp5_api_withdrawing_needs_who_withdrew(client: Client, case, case_worker) -> None:
    signed_in(client, case_worker)
    consent = _post(client, _url(case, "consents/"), _consent()).json()
    before = _state()
    response = _post(
        client, _url(case, f"consents/{consent['id']}/withdraw/"), {"withdrawn_by": ""}
    )
    assert _invalid(response, "withdrawn_by")["withdrawn_by"] == ["Say who withdrew it."]
    assert _state() == before


def test_cc3_ps4_api_a_refusal_is_overridden_only_by_a_determination_about_medical_care(
    client: Client, case, case_worker, supervisor
) -> None:
    signed_in(client, supervisor)
    refused = _post(client, _url(case, "consents/"), _consent(child_answer="refuses")).json()
    assessment = decision_record(case=case, actor=supervisor, **_decision_kwargs(kind="bia"))
    placement = decision_record(
        case=case, actor=supervisor, **_decision_kwargs(subject="placement")
    )
    url = _url(case, f"consents/{refused['id']}/override/")
    before = _state()

    by_assessment = _post(client, url, {"decision": str(assessment.public_id)})
    by_placement = _post(client, url, {"decision": str(placement.public_id)})
    by_nothing = _post(client, url, {"decision": str(uuid.uuid4())})

    assert _invalid(by_assessment, "decision")["decision"] == [
        "Choose a best-interests determination taken on this case."
    ]
    assert _invalid(by_placement, "decision")["decision"] == [
        "This determination is about “Where the child lives (placement)”. This needs a "
        "determination about: Medical care without consent."
    ]
    assert _invalid(by_nothing, "decision")["decision"] == [
        "Choose a best-interests determination taken on this case."
    ]
    assert _state() == before

    medical = decision_record(case=case, actor=supervisor, **_decision_kwargs())
    response = _post(client, url, {"decision": str(medical.public_id)})

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["override_decision"]) == (
        "overridden",
        str(medical.public_id),
    )
    assert Consent.objects.get().override_decision == medical
    assert AuditEvent.objects.latest("seq").action == "consent.override"
    # The examination may now go ahead.
    assert _post(client, _url(case, "services/"), _service()).status_code == 201


def test_cc3_api_a_determination_of_another_case_does_not_override(
    client: Client, case, case_worker, supervisor, agency
) -> None:
    other = _another_case(case_worker, agency)
    elsewhere = decision_record(case=other, actor=supervisor, **_decision_kwargs())
    refused = consent_record(
        case=case,
        actor=case_worker,
        **{**_consent(child_answer="refuses"), "given_on": timezone.localdate()},
    )
    signed_in(client, supervisor)
    before = _state()

    response = _post(
        client,
        _url(case, f"consents/{refused.public_id}/override/"),
        {"decision": str(elsewhere.public_id)},
    )

    assert _invalid(response, "decision")["decision"] == [
        "Choose a best-interests determination taken on this case."
    ]
    assert _state() == before


def test_cc3_api_only_a_standing_refusal_can_be_overridden(
    client: Client, case, supervisor, bid
) -> None:
    signed_in(client, supervisor)
    granted = _post(client, _url(case, "consents/"), _consent()).json()
    before = _state()
    response = _post(
        client, _url(case, f"consents/{granted['id']}/override/"), {"decision": str(bid.public_id)}
    )
    assert _invalid(response, "non_field_errors")["non_field_errors"] == [
        "Only a refusal that stands can be overridden."
    ]
    assert _state() == before


def test_cc3_api_a_health_worker_records_consent_but_cannot_override_a_refusal(
    client: Client, case, health_worker, bid
) -> None:
    signed_in(client, health_worker)
    refused = _post(client, _url(case, "consents/"), _consent(child_answer="refuses"))
    assert refused.status_code == 201
    # The representative's name is family information: recorded, but not sent back (DP-1).
    assert "representative_name" not in refused.json()
    assert "notes" not in refused.json()
    before = _state()

    response = _post(
        client,
        _url(case, f"consents/{refused.json()['id']}/override/"),
        {"decision": str(bid.public_id)},
    )

    assert (response.status_code, response.json()) == (403, DENIED)
    assert _state() == before


def test_dp1_api_consent_of_another_case_is_not_found(
    client: Client, case, case_worker, agency
) -> None:
    other = _another_case(case_worker, agency)
    elsewhere = consent_record(
        case=other, actor=case_worker, **{**_consent(), "given_on": timezone.localdate()}
    )
    signed_in(client, case_worker)
    before = _state()
    response = _post(
        client,
        _url(case, f"consents/{elsewhere.public_id}/withdraw/"),
        {"withdrawn_by": "The child"},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before


def test_dp1_api_consent_fields_by_role(
    client: Client, case, case_worker, lawyer, health_worker
) -> None:
    consent_record(case=case, actor=case_worker, **{**_consent(), "given_on": timezone.localdate()})
    keys = {}
    for user in (lawyer, health_worker):
        signed_in(client, user)
        [row] = client.get(_url(case, "consents/")).json()
        keys[user.pk] = set(row)
    everything = set(ps.ConsentSerializer().fields)
    # The lawyer reads family and narrative: every field. The health worker reads neither.
    assert keys[lawyer.pk] == everything
    assert everything - keys[health_worker.pk] == {
        "representative_name",
        "withdrawn_by",
        "child_not_asked_reason",
        "notes",
        "withdrawal_reason",
    }


# --- information given to the child (PS-5) ------------------------------------------------------


def test_ps5_api_information_session_is_logged_in_the_childs_language_with_a_written_copy(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    payload = _session()
    response = _post(client, _url(case, "information-sessions/"), payload)

    assert response.status_code == 201, response.content
    session = InformationSession.objects.get()
    assert response.json() == {
        "id": str(session.public_id),
        "given_at": response.json()["given_at"],
        "topics": ["rights", "services"],  # in the catalogue's order
        "language": "my",
        "formats": ["verbal", "written"],  # a written copy was left
        "given_by": "Fictional Case Worker",
        "interpreter": "Fictional Interpreter",
        "written_copy_left": True,
        "stage": "identification",
        "covers_rights": True,
        "child_questions": "Fictional: can my brother visit?",
    }
    assert abs(session.given_at - (timezone.now() - timedelta(hours=1))) < timedelta(minutes=1)
    assert AuditEvent.objects.latest("seq").action == "information.record"
    assert client.get(_url(case, "information-sessions/")).json() == [response.json()]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"topics": []}, "topics", "Tick what was explained."),
        ({"topics": ["gossip"]}, "topics", None),
        ({"formats": []}, "formats", "Say how the information was given."),
        ({"given_by": " "}, "given_by", "Say who gave the information."),
        (
            {"given_at": (timezone.now() + timedelta(days=1)).isoformat()},
            "given_at",
            "This cannot be recorded before it happens.",
        ),
        ({"language": "zz"}, "language", None),
    ],
)
def test_ps5_api_bad_information_input_is_400_and_nothing_is_saved(
    client: Client, case, case_worker, changes: dict, field: str, message: str | None
) -> None:
    signed_in(client, case_worker)
    before = _state()
    fields = _invalid(
        _post(client, _url(case, "information-sessions/"), _session(**changes)), field
    )
    if message:
        assert fields[field] == [message]
    assert _state() == before


def test_dp1_api_interpreter_reads_information_sessions_without_the_childs_questions(
    client: Client, case, case_worker, assigned_interpreter
) -> None:
    signed_in(client, case_worker)
    assert _post(client, _url(case, "information-sessions/"), _session()).status_code == 201
    signed_in(client, assigned_interpreter)
    [row] = client.get(_url(case, "information-sessions/")).json()
    assert set(ps.InformationSessionSerializer().fields) - set(row) == {"child_questions"}


# --- best interests (CC-1, CC-2, PS-6) ---------------------------------------------------------


def test_cc1_api_determination_with_the_childs_views_and_a_panel_is_recorded(
    client: Client, case, supervisor
) -> None:
    signed_in(client, supervisor)
    response = _post(client, _url(case, "decisions/"), _decision())

    assert response.status_code == 201, response.content
    decision = Decision.objects.get()
    payload = _decision()
    assert response.json() == {
        "id": str(decision.public_id),
        "decided_by": supervisor.get_full_name(),
        "child_views_not_obtained": "",
        **payload,
    }
    assert decision.decided_by == supervisor
    assert AuditEvent.objects.latest("seq").action == "decision.record"
    assert client.get(_url(case, "decisions/")).json() == [response.json()]


def test_cc2_api_bid_without_views_is_422(client: Client, case, supervisor) -> None:
    signed_in(client, supervisor)
    before = _state()

    response = _post(
        client,
        _url(case, "decisions/"),
        _decision(child_views="", child_views_weight="", child_views_not_obtained="Too ill."),
    )

    error = _safeguard(response, "CC-2")
    assert error["message"].startswith("A decision about a child needs the child's views")
    assert _state() == before


def test_cc2_api_a_reason_the_views_could_not_be_obtained_lets_the_decision_through(
    client: Client, case, supervisor
) -> None:
    signed_in(client, supervisor)
    reason = "Fictional: she was unconscious in intensive care."
    response = _post(
        client,
        _url(case, "decisions/"),
        _decision(child_views="", child_views_weight="", child_views_not_obtained=reason),
    )
    assert response.status_code == 201, response.content
    assert (response.json()["child_views"], response.json()["child_views_not_obtained"]) == (
        "",
        reason,
    )


def test_cc2_api_views_without_how_they_were_weighed_are_400(
    client: Client, case, supervisor
) -> None:
    signed_in(client, supervisor)
    before = _state()
    response = _post(client, _url(case, "decisions/"), _decision(child_views_weight=""))
    assert _invalid(response, "child_views_weight")["child_views_weight"] == [
        "Say how the child's views were weighed, given their age and maturity (CC-2)."
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"participants": PANEL[:1]},
            "participants",
            "A determination is taken by a panel: name at least 2 participants.",
        ),
        (
            {"participants": [*PANEL, {"name": "Fictional Nobody", "role": ""}]},
            "participants",
            "Give each participant's name and role.",
        ),
        (
            {"justification": " "},
            "justification",
            "Say why this is in the child's best interests (CC-1).",
        ),
        ({"kind": "vote"}, "kind", None),
        ({"subject": "everything"}, "subject", None),
        ({"decided_on": "2099-01-01"}, "decided_on", "This cannot be recorded before it happens."),
    ],
)
def test_ps6_api_bad_decision_input_is_400_and_nothing_is_saved(
    client: Client, case, supervisor, changes: dict, field: str, message: str | None
) -> None:
    signed_in(client, supervisor)
    before = _state()
    fields = _invalid(_post(client, _url(case, "decisions/"), _decision(**changes)), field)
    if message:
        assert fields[field] == [message]
    assert _state() == before


def test_dp1_api_a_health_worker_sees_that_a_decision_was_taken_but_not_its_content(
    client: Client, case, health_worker, lawyer, bid
) -> None:
    signed_in(client, health_worker)
    [row] = client.get(_url(case, "decisions/")).json()
    assert row == {
        "id": str(bid.public_id),
        "kind": "bid",
        "subject": "medical_without_consent",
        "decided_on": _today(),
        "decided_by": bid.decided_by.get_full_name(),
    }
    signed_in(client, lawyer)
    [row] = client.get(_url(case, "decisions/")).json()
    assert set(row) == set(ps.DecisionSerializer().fields)
    assert row["family_views"] == "Fictional: her aunt agrees with the treatment."


def test_cc2_api_recording_a_decision_needs_the_capability(
    client: Client, case, health_worker, outsider
) -> None:
    before = _state()
    signed_in(client, health_worker)
    # Bad input too: the refusal does not depend on the payload.
    assert _post(client, _url(case, "decisions/"), {}).json() == DENIED
    signed_in(client, outsider)
    assert _post(client, _url(case, "decisions/"), _decision()).json() == NOT_FOUND
    assert _state() == before


# --- guardianship (PS-1, PS-2) -----------------------------------------------------------------


def test_ps1_api_a_guardian_who_uses_haven_is_appointed_and_sees_the_case(
    client: Client, unaccompanied, case_worker, agency
) -> None:
    case = unaccompanied
    person = staff(agency, Role.GUARDIAN, username="guardian")
    guardian = guardian_create(agency=agency, actor=case_worker, user=person)
    signed_in(client, person)
    assert client.get(_url(case)).status_code == 404
    signed_in(client, case_worker)

    response = _post(
        client,
        _url(case, "guardian-appointments/"),
        {
            "guardian": str(guardian.public_id),
            "appointed_on": _days_ago(1),
            "appointed_by": "Fictional Juvenile Court",
        },
    )

    assert response.status_code == 201, response.content
    appointment = GuardianAppointment.objects.get()
    assert response.json() == {
        "id": str(appointment.public_id),
        "guardian": {
            "id": str(guardian.public_id),
            "name": person.get_full_name(),
            "organisation": "",
            "contact": "",
        },
        "appointed_on": _days_ago(1),
        "appointed_by": "Fictional Juvenile Court",
        "reason": "",
        "over_ceiling_reason": "",
        "over_ceiling_approved_by": "",
        "ended_on": None,
        "end_reason": "",
    }
    assert CaseAssignment.objects.current().filter(case=case, user=person, role="guardian").exists()
    signed_in(client, person)
    assert client.get(_url(case)).status_code == 200
    assert client.get(_url(case, "guardian-appointments/")).json() == [response.json()]

    # Ending it ends the guardian's access.
    signed_in(client, case_worker)
    ended = _post(
        client,
        _url(case, f"guardian-appointments/{appointment.public_id}/end/"),
        {
            "ended_on": _today(),
            "reason_code": "replaced",
            "reason": "Fictional: she returned to her parents.",
        },
    )
    assert ended.status_code == 200, ended.content
    assert (ended.json()["ended_on"], ended.json()["end_reason"]) == (
        _today(),
        "Fictional: she returned to her parents.",
    )
    signed_in(client, person)
    assert client.get(_url(case)).json() == NOT_FOUND


def test_ps1_api_a_second_guardian_and_a_needless_one_are_refused(
    client: Client, case, case_worker, volunteer, agency
) -> None:
    signed_in(client, case_worker)
    body = {
        "guardian": str(volunteer.public_id),
        "appointed_on": _today(),
        "appointed_by": "Fictional Juvenile Court",
    }
    before = _state()
    # The child's record does not say they are deprived of parental care: say why.
    needless = _post(client, _url(case, "guardian-appointments/"), body)
    assert _invalid(needless, "reason")["reason"][0].startswith(
        "The child's record does not say they are deprived of parental care."
    )
    assert _state() == before

    reason = "Fictional: her parents cannot be reached."
    first = _post(client, _url(case, "guardian-appointments/"), {**body, "reason": reason})
    assert first.status_code == 201, first.content
    before = _state()
    second = _post(client, _url(case, "guardian-appointments/"), {**body, "reason": reason})
    assert _invalid(second, "guardian")["guardian"] == [
        "The child already has a guardian. End that appointment first."
    ]
    assert _state() == before


def test_ps1_api_a_guardian_of_another_agency_or_none_at_all_is_400(
    client: Client, unaccompanied, case_worker, outsider, other_agency
) -> None:
    foreign = guardian_create(agency=other_agency, actor=outsider, name="Fictional Elsewhere")
    signed_in(client, case_worker)
    before = _state()
    for guardian in (foreign.public_id, uuid.uuid4()):
        response = _post(
            client,
            _url(unaccompanied, "guardian-appointments/"),
            {"guardian": str(guardian), "appointed_on": _today(), "appointed_by": "Court"},
        )
        assert _invalid(response, "guardian")["guardian"] == [
            "Choose an available guardian of the lead agency."
        ]
    assert _state() == before


def test_ps2_api_a_guardian_at_their_ceiling_is_422_unless_a_supervisor_approves(
    client: Client, unaccompanied, case_worker, supervisor, volunteer, agency
) -> None:
    case = unaccompanied
    for _ in range(2):  # the volunteer's ceiling is two children
        other = _another_case(case_worker, agency)
        guardian_appoint(
            case=other,
            actor=case_worker,
            guardian=volunteer,
            appointed_on=timezone.localdate(),
            appointed_by="Fictional Court",
            reason="Fictional: no parent can be reached.",
        )
    body = {
        "guardian": str(volunteer.public_id),
        "appointed_on": _today(),
        "appointed_by": "Fictional Juvenile Court",
    }
    signed_in(client, case_worker)
    before = _state()

    full = _post(client, _url(case, "guardian-appointments/"), body)
    error = _safeguard(full, "PS-2")
    assert error["message"].startswith("This guardian already has 2 children (the ceiling is 2).")
    # A case worker cannot approve it, even with a reason.
    reason = "Fictional: the only guardian who speaks her language."
    not_theirs = _post(
        client, _url(case, "guardian-appointments/"), {**body, "over_ceiling_reason": reason}
    )
    assert _invalid(not_theirs, "over_ceiling_reason")["over_ceiling_reason"] == [
        "Only a supervisor can approve a guardian beyond the ceiling."
    ]
    assert _state() == before

    signed_in(client, supervisor)
    approved = _post(
        client, _url(case, "guardian-appointments/"), {**body, "over_ceiling_reason": reason}
    )
    assert approved.status_code == 201, approved.content
    assert (
        approved.json()["over_ceiling_reason"],
        approved.json()["over_ceiling_approved_by"],
    ) == (
        reason,
        supervisor.get_full_name(),
    )


def test_ps2_api_the_guardians_to_choose_from_show_their_caseload(
    client: Client, unaccompanied, case_worker, volunteer, agency, assigned_interpreter
) -> None:
    guardian_create(agency=agency, actor=case_worker, name="Fictional Retired", caseload_ceiling=3)
    Guardian.objects.filter(name="Fictional Retired").update(is_active=False)
    guardian_appoint(
        case=unaccompanied,
        actor=case_worker,
        guardian=volunteer,
        appointed_on=timezone.localdate(),
        appointed_by="Fictional Court",
    )
    signed_in(client, case_worker)
    response = client.get(_url(unaccompanied, "guardians/"))
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": str(volunteer.public_id),
            "name": "Fictional Volunteer Guardian",
            "organisation": "Fictional Guardians' Network",
            "uses_haven": False,
            "caseload": 1,
            "ceiling": 2,
        }
    ]
    signed_in(client, assigned_interpreter)
    assert client.get(_url(unaccompanied, "guardians/")).json() == DENIED


def test_ps1_api_ending_a_guardianship_needs_a_reason_and_a_date_after_the_appointment(
    client: Client, unaccompanied, case_worker, volunteer
) -> None:
    appointment = guardian_appoint(
        case=unaccompanied,
        actor=case_worker,
        guardian=volunteer,
        appointed_on=timezone.localdate() - timedelta(days=5),
        appointed_by="Fictional Court",
    )
    url = _url(unaccompanied, f"guardian-appointments/{appointment.public_id}/end/")
    signed_in(client, case_worker)
    before = _state()
    no_reason = _post(client, url, {"ended_on": _today(), "reason_code": "replaced", "reason": ""})
    too_early = _post(
        client,
        url,
        {"ended_on": _days_ago(6), "reason_code": "replaced", "reason": "Fictional: moved."},
    )
    missing = _post(
        client,
        _url(unaccompanied, f"guardian-appointments/{uuid.uuid4()}/end/"),
        {"ended_on": _today(), "reason_code": "replaced", "reason": "Fictional: moved."},
    )
    assert _invalid(no_reason, "reason")["reason"] == ["Say why the guardianship ends."]
    assert _invalid(too_early, "ended_on")["ended_on"] == [
        "A guardianship cannot end before the appointment."
    ]
    assert (missing.status_code, missing.json()) == (404, NOT_FOUND)
    assert _state() == before


def test_dp1_api_guardian_appointments_are_family_information(
    client: Client, unaccompanied, case_worker, volunteer, health_worker, lawyer
) -> None:
    guardian_appoint(
        case=unaccompanied,
        actor=case_worker,
        guardian=volunteer,
        appointed_on=timezone.localdate(),
        appointed_by="Fictional Court",
    )
    signed_in(client, health_worker)
    assert client.get(_url(unaccompanied, "guardian-appointments/")).json() == []
    signed_in(client, lawyer)
    [row] = client.get(_url(unaccompanied, "guardian-appointments/")).json()
    assert set(row) == set(ps.GuardianAppointmentSerializer().fields)
    assert row["guardian"]["contact"] == "Fictional: +00 000 000"


# --- needs and strengths (PS-7, CC-5) ---------------------------------------------------------


def test_ps7_api_needs_and_strengths_in_every_domain_are_recorded(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    response = _post(client, _url(case, "needs-assessments/"), _needs())

    assert response.status_code == 201, response.content
    assessment = NeedsAssessment.objects.get()
    assert response.json() == {
        "id": str(assessment.public_id),
        "assessed_on": _today(),
        "assessed_by": case_worker.get_full_name(),
        "next_review_on": _needs()["next_review_on"],
        "findings": _findings(physical="some", psychological="high"),
        "child_views": "Fictional: she wants to go to school.",
        "severe_harm": True,
        "special_needs": ["severe_harm"],
    }
    assert NeedsFinding.objects.filter(assessment=assessment).count() == 6
    assert AuditEvent.objects.latest("seq").action == "needs.record"
    # CC-5: the special need has no service yet.
    assert "cc5.special_needs_unaddressed" in _open_alerts(case)
    assert client.get(_url(case, "needs-assessments/")).json() == [response.json()]


@pytest.mark.parametrize(
    ("findings", "field", "message"),
    [
        (_findings()[:5], "economic_level", "Assess this domain."),
        (
            [{**row, "strengths": ""} for row in _findings()],
            "findings",
            "Record the child's strengths and resilience too, in at least one domain (PS-7).",
        ),
        (
            [{**row, "needs": ""} for row in _findings(legal="high")],
            "legal_needs",
            "Describe the need.",
        ),
        ([*_findings(), _findings()[0]], "findings", "Give each domain once."),
        ([*_findings(), {"domain": "spiritual", "level": "none"}], "findings", None),
    ],
)
def test_ps7_api_an_incomplete_assessment_is_400_and_nothing_is_saved(
    client: Client, case, case_worker, findings: list, field: str, message: str | None
) -> None:
    signed_in(client, case_worker)
    before = _state()
    response = _post(client, _url(case, "needs-assessments/"), _needs(findings=findings))
    fields = _invalid(response, field)
    if message:
        assert fields[field] == [message]
    assert _state() == before


def test_dp1_api_needs_are_the_childs_narrative(
    client: Client, case, case_worker, health_worker, psychologist
) -> None:
    signed_in(client, case_worker)
    assert _post(client, _url(case, "needs-assessments/"), _needs()).status_code == 201
    signed_in(client, health_worker)
    assert client.get(_url(case, "needs-assessments/")).json() == []
    # A health worker may not assess needs either; a psychologist may.
    before = _state()
    assert _post(client, _url(case, "needs-assessments/"), _needs()).json() == DENIED
    assert _state() == before
    signed_in(client, psychologist)
    assert len(client.get(_url(case, "needs-assessments/")).json()) == 1
    assert _post(client, _url(case, "needs-assessments/"), _needs()).status_code == 201


# --- services (PS-3, PS-4, CC-8) ----------------------------------------------------------------


def test_ps4_api_medical_examination_without_consent_is_422_with_measure_id(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    # Refused consent is no consent.
    assert (
        _post(client, _url(case, "consents/"), _consent(child_answer="refuses")).status_code == 201
    )
    before = _state()

    response = _post(client, _url(case, "services/"), _service())

    error = _safeguard(response, "PS-4")
    assert error["message"].startswith("There is no consent in force for this care")
    assert _state() == before


def test_ps4_api_medical_examination_with_consent_in_force_is_recorded(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    _post(client, _url(case, "consents/"), _consent())

    response = _post(client, _url(case, "services/"), _service())

    assert response.status_code == 201, response.content
    service = Service.objects.get()
    assert response.json() == {
        "id": str(service.public_id),
        "type": "Health",
        "health_procedure": "examination",
        "recipient": "child",
        "family_member": "",
        "description": "Fictional: general check-up.",
        "provider": "Fictional District Hospital",
        "start_on": _today(),
        "end_on": None,
        "status": "planned",
        "not_delivered_reason": "",
        "reason_detail": "",
        "special_need": "",
        "consent_purpose": "medical_examination",
        "urgent_reason": "",
        "decision": None,
        "version": service.version,
    }
    assert AuditEvent.objects.latest("seq").action == "service.record"


def test_ps4_api_urgent_care_goes_ahead_and_a_determination_must_follow(
    client: Client, case, case_worker, supervisor
) -> None:
    signed_in(client, case_worker)
    urgent = _post(
        client,
        _url(case, "services/"),
        _service(health_procedure="treatment", urgent_reason="Fictional: heavy bleeding."),
    )
    assert urgent.status_code == 201, urgent.content
    assert "ps4.urgent_care_needs_bid" in _open_alerts(case)

    bid = decision_record(case=case, actor=supervisor, **_decision_kwargs())
    linked = _patch(
        client, _url(case, f"services/{urgent.json()['id']}/"), {"decision": str(bid.public_id)}
    )
    assert linked.status_code == 200, linked.content
    assert (linked.json()["decision"], linked.json()["status"]) == (str(bid.public_id), "planned")
    assert "ps4.urgent_care_needs_bid" not in _open_alerts(case)


def test_ps4_api_a_service_may_not_name_a_decision_of_another_case(
    client: Client, case, case_worker, supervisor, agency
) -> None:
    other = _another_case(case_worker, agency)
    elsewhere = decision_record(case=other, actor=supervisor, **_decision_kwargs())
    signed_in(client, case_worker)
    before = _state()
    response = _post(client, _url(case, "services/"), _service(decision=str(elsewhere.public_id)))
    assert _invalid(response, "decision")["decision"] == [
        "Choose a best-interests determination taken on this case."
    ]
    assert _state() == before


def test_ps3_api_a_service_moves_on_and_keeps_what_is_not_sent(
    client: Client, case, case_worker
) -> None:
    kwargs = _service_kwargs(type="Education", health_procedure="")
    kwargs["start_on"] = timezone.localdate() - timedelta(days=30)
    service = service_record(case=case, actor=case_worker, **kwargs)
    url = _url(case, f"services/{service.public_id}/")
    signed_in(client, case_worker)

    under_way = _patch(client, url, {"status": "in_progress"})
    incomplete = _patch(client, url, {"status": "completed"})
    completed = _patch(client, url, {"status": "completed", "end_on": _today()})
    again = _patch(client, url, {"reason_detail": ""})

    assert under_way.status_code == 200, under_way.content
    assert _invalid(incomplete, "end_on")["end_on"] == ["Give the date the service ended."]
    assert (completed.json()["status"], completed.json()["end_on"]) == ("completed", _today())
    assert (again.json()["status"], again.json()["end_on"]) == ("completed", _today())
    assert list(
        AuditEvent.objects.filter(object_id=str(service.public_id))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["service.record", "service.update", "service.update", "service.update"]


def test_cc8_api_not_delivered_because_the_child_did_not_cooperate_is_422(
    client: Client, case, case_worker
) -> None:
    service = service_record(
        case=case, actor=case_worker, **_service_kwargs(type="Accommodation", health_procedure="")
    )
    signed_in(client, case_worker)
    before = _state()
    for body in (
        {
            "status": "not_delivered",
            "not_delivered_reason": "other",
            "reason_detail": "Fictional: she refused to testify against the recruiter.",
        },
        {
            "status": "not_delivered",
            "not_delivered_reason": "other",
            "reason_detail": "Fictional: no cooperation with the police.",
        },
    ):
        _safeguard(_patch(client, _url(case, f"services/{service.public_id}/"), body), "CC-8")
    created = _post(
        client,
        _url(case, "services/"),
        _service(
            type="Legal",
            health_procedure="",
            status="not_delivered",
            not_delivered_reason="other",
            reason_detail="Fictional: will be given once she cooperates.",
        ),
    )
    _safeguard(created, "CC-8")
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"health_procedure": ""}, "health_procedure", "Say what kind of health care."),
        (
            {"recipient": "family", "type": "SocialCare", "health_procedure": ""},
            "family_member",
            "Say which family member (their relationship to the child).",
        ),
        ({"status": "not_delivered"}, "not_delivered_reason", "Choose why from the list."),
        ({"type": "Magic"}, "type", None),
        ({"status": "maybe"}, "status", None),
        ({"decision": "not-a-uuid"}, "decision", None),
    ],
)
def test_ps3_api_bad_service_input_is_400_and_nothing_is_saved(
    client: Client, case, case_worker, changes: dict, field: str, message: str | None
) -> None:
    signed_in(client, case_worker)
    before = _state()
    fields = _invalid(_post(client, _url(case, "services/"), _service(**changes)), field)
    if message:
        assert fields[field] == [message]
    assert _state() == before


@pytest.fixture
def four_services(case, case_worker):  # type: ignore[no-untyped-def]
    """Health care (not needing consent), legal assistance, accommodation and education."""
    made = {}
    for kind, procedure in (
        ("Health", "other"),
        ("Legal", ""),
        ("Accommodation", ""),
        ("Education", ""),
    ):
        made[kind] = service_record(
            case=case,
            actor=case_worker,
            **_service_kwargs(type=kind, health_procedure=procedure, urgent_reason=""),
        )
    return made


def _listed_types(client: Client, case: Case) -> list[str]:
    response = client.get(_url(case, "services/"))
    assert response.status_code == 200
    return sorted(row["type"] for row in response.json())


def test_dp1_api_health_worker_sees_health_services_not_legal_ones(
    client: Client, case, case_worker, health_worker, lawyer, assigned_interpreter, four_services
) -> None:
    seen = {}
    for name, user in (
        ("case_worker", case_worker),
        ("health_worker", health_worker),
        ("lawyer", lawyer),
        ("interpreter", assigned_interpreter),
    ):
        signed_in(client, user)
        seen[name] = _listed_types(client, case)
    assert seen == {
        "case_worker": ["Accommodation", "Education", "Health", "Legal"],
        "health_worker": ["Education", "Health"],
        "lawyer": ["Education", "Legal"],
        "interpreter": ["Education"],
    }
    # Within a service they may read, the health worker reads every field.
    signed_in(client, health_worker)
    [health] = [r for r in client.get(_url(case, "services/")).json() if r["type"] == "Health"]
    assert set(health) == set(ps.ServiceSerializer().fields)


def test_dp1_api_a_service_the_caller_may_not_read_cannot_be_updated(
    client: Client, case, lawyer, four_services
) -> None:
    signed_in(client, lawyer)
    before = _state()
    response = _patch(
        client,
        _url(case, f"services/{four_services['Health'].public_id}/"),
        {"status": "declined"},
    )
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before
    mine = _patch(
        client, _url(case, f"services/{four_services['Legal'].public_id}/"), {"status": "declined"}
    )
    assert (mine.status_code, mine.json()["status"]) == (200, "declined")


def test_dp1_api_a_service_recorded_in_a_class_the_caller_may_not_read_is_not_sent_back(
    client: Client, case, health_worker
) -> None:
    signed_in(client, health_worker)
    response = _post(
        client, _url(case, "services/"), _service(type="Accommodation", health_procedure="")
    )
    assert (response.status_code, response.json()) == (201, {})
    assert Service.objects.get().type == "Accommodation"
    assert client.get(_url(case, "services/")).json() == []


def test_ps3_api_an_interpreter_may_not_record_services_whatever_the_payload(
    client: Client, case, assigned_interpreter, four_services
) -> None:
    signed_in(client, assigned_interpreter)
    before = _state()
    assert _post(client, _url(case, "services/"), {}).json() == DENIED
    assert _post(client, _url(case, "services/"), _service()).json() == DENIED
    education = four_services["Education"].public_id
    assert _patch(client, _url(case, f"services/{education}/"), {"status": "x"}).json() == DENIED
    assert _state() == before


# --- who may call what (DP-1, DP-2, DP-3, CC-7) -------------------------------------------------


@dataclass
class World:
    case: Case
    users: dict[str, User | None]


CALLERS = (
    "case_worker",  # the case worker on the case
    "supervisor",  # supervisor of the lead agency
    "interpreter",  # interpreter of another agency assigned to the case: basics only, no writes
    "unassigned_case_worker",  # same agency, not on the case
    "other_agency_case_worker",
    "statistician",
    "anonymous",
)


# fmt: off
EXPECTED: dict[str, tuple[Any, ...]] = {
    #                              cw   sup  interp unasgn other stat anon
    "get consents":               (OK,  OK,  OK,   404,   404,  404, 403),
    "post consents":              (OK,  OK,  403,  404,   404,  404, 403),
    "post consent withdraw":      (OK,  OK,  403,  404,   404,  404, 403),
    "post consent override":      (OK,  OK,  403,  404,   404,  404, 403),
    "get information-sessions":   (OK,  OK,  OK,   404,   404,  404, 403),
    "post information-sessions":  (OK,  OK,  403,  404,   404,  404, 403),
    "post information sheet":     (OK,  OK,  403,  404,   404,  404, 403),
    "get decisions":              (OK,  OK,  OK,   404,   404,  404, 403),
    "post decisions":             (OK,  OK,  403,  404,   404,  404, 403),
    "get guardians":              (OK,  OK,  403,  404,   404,  404, 403),
    "get guardian-appointments":  (OK,  OK,  OK,   404,   404,  404, 403),
    "post guardian-appointments": (OK,  OK,  403,  404,   404,  404, 403),
    "post guardian end":          (OK,  OK,  403,  404,   404,  404, 403),
    "get needs-assessments":      (OK,  OK,  OK,   404,   404,  404, 403),
    "post needs-assessments":     (OK,  OK,  403,  404,   404,  404, 403),
    "get services":               (OK,  OK,  OK,   404,   404,  404, 403),
    "post services":              (OK,  OK,  403,  404,   404,  404, 403),
    "patch service":              (OK,  OK,  403,  404,   404,  404, 403),
}
# fmt: on


@pytest.fixture(scope="module")
def made(module_db) -> World:  # type: ignore[no-untyped-def]
    """The case and its callers, made once for the module's tests (`module_db`)."""
    agency, other_agency, case_worker, supervisor, case = new_case_and_people()
    child_update(case=case, actor=case_worker, parental_care="unaccompanied")
    case.refresh_from_db()
    users: dict[str, User | None] = {
        "case_worker": case_worker,
        "supervisor": supervisor,
        "interpreter": new_assigned_interpreter(case, supervisor, other_agency),
        "unassigned_case_worker": staff(agency, Role.CASE_WORKER, username="cw2"),
        "other_agency_case_worker": staff(other_agency, Role.CASE_WORKER, username="ocw"),
        "statistician": staff(agency, Role.STATISTICIAN, username="stat"),
        "anonymous": None,
    }
    assert set(users) == set(CALLERS)
    return World(case=case, users=users)


@pytest.fixture
def world(made: World, db) -> World:  # type: ignore[no-untyped-def]
    return fresh(made)


def _granted(w: World) -> str:
    actor = w.users["case_worker"]
    kwargs = {**_consent(), "given_on": timezone.localdate()}
    return str(consent_record(case=w.case, actor=actor, **kwargs).public_id)


def _refused_and_bid(w: World) -> dict[str, str]:
    actor = w.users["supervisor"]
    kwargs = {**_consent(child_answer="refuses"), "given_on": timezone.localdate()}
    refused = consent_record(case=w.case, actor=actor, **kwargs)
    decision = decision_record(case=w.case, actor=actor, **_decision_kwargs())
    return {"consent": str(refused.public_id), "decision": str(decision.public_id)}


def _guardian(w: World) -> str:
    actor = w.users["case_worker"]
    return str(
        guardian_create(agency=w.case.lead_agency, actor=actor, name="Fictional G").public_id
    )


def _appointment(w: World) -> str:
    actor = w.users["case_worker"]
    guardian = Guardian.objects.get(public_id=_guardian(w))
    return str(
        guardian_appoint(
            case=w.case,
            actor=actor,
            guardian=guardian,
            appointed_on=timezone.localdate() - timedelta(days=3),
            appointed_by="Fictional Court",
        ).public_id
    )


def _information_session(w: World) -> str:
    actor = w.users["case_worker"]
    kwargs = {**_session(), "given_at": timezone.now() - timedelta(hours=1)}
    return str(information_session_record(case=w.case, actor=actor, **kwargs).public_id)


def _education(w: World) -> str:
    actor = w.users["case_worker"]
    kwargs = _service_kwargs(type="Education", health_procedure="")
    return str(service_record(case=w.case, actor=actor, **kwargs).public_id)


# Each endpoint: (method, path under the case, what to set up first, the body).
Setup = Callable[[World], dict[str, str]]
ENDPOINTS: dict[str, tuple[str, str, Setup, Callable[[dict[str, str]], Any]]] = {
    "get consents": ("get", "consents/", lambda w: {}, lambda ids: None),
    "post consents": ("post", "consents/", lambda w: {}, lambda ids: _consent()),
    "post consent withdraw": (
        "post",
        "consents/{consent}/withdraw/",
        lambda w: {"consent": _granted(w)},
        lambda ids: {"withdrawn_by": "The child"},
    ),
    "post consent override": (
        "post",
        "consents/{consent}/override/",
        _refused_and_bid,
        lambda ids: {"decision": ids["decision"]},
    ),
    "get information-sessions": ("get", "information-sessions/", lambda w: {}, lambda ids: None),
    "post information-sessions": (
        "post",
        "information-sessions/",
        lambda w: {},
        lambda ids: _session(),
    ),
    "post information sheet": (
        "post",
        "information-sessions/{session}/sheet/",
        lambda w: {"session": _information_session(w)},
        lambda ids: {"language": "en"},
    ),
    "get decisions": ("get", "decisions/", lambda w: {}, lambda ids: None),
    "post decisions": ("post", "decisions/", lambda w: {}, lambda ids: _decision()),
    "get guardians": ("get", "guardians/", lambda w: {}, lambda ids: None),
    "get guardian-appointments": ("get", "guardian-appointments/", lambda w: {}, lambda ids: None),
    "post guardian-appointments": (
        "post",
        "guardian-appointments/",
        lambda w: {"guardian": _guardian(w)},
        lambda ids: {
            "guardian": ids["guardian"],
            "appointed_on": _today(),
            "appointed_by": "Fictional Court",
        },
    ),
    "post guardian end": (
        "post",
        "guardian-appointments/{appointment}/end/",
        lambda w: {"appointment": _appointment(w)},
        lambda ids: {
            "ended_on": _today(),
            "reason_code": "replaced",
            "reason": "Fictional: another guardian follows.",
        },
    ),
    "get needs-assessments": ("get", "needs-assessments/", lambda w: {}, lambda ids: None),
    "post needs-assessments": ("post", "needs-assessments/", lambda w: {}, lambda ids: _needs()),
    "get services": ("get", "services/", lambda w: {}, lambda ids: None),
    "post services": (
        "post",
        "services/",
        lambda w: {},
        lambda ids: _service(type="Education", health_procedure=""),
    ),
    "patch service": (
        "patch",
        "services/{service}/",
        lambda w: {"service": _education(w)},
        lambda ids: {"status": "in_progress"},
    ),
}

READS = {
    "get consents": "consent.list",
    "get information-sessions": "information.list",
    "get decisions": "decision.list",
    "get guardian-appointments": "guardian_appointment.list",
    "get needs-assessments": "needs.list",
    "get services": "service.list",
}


def test_cc7_the_protection_table_covers_every_route_and_caller() -> None:
    from haven.api.urls import router

    assert set(EXPECTED) == set(ENDPOINTS)
    assert all(len(row) == len(CALLERS) for row in EXPECTED.values())
    routes = {
        str(url.pattern)
        for url in router.urls
        if getattr(url.callback, "cls", None).__name__  # type: ignore[union-attr]
        in ("ProtectionViewSet", "PlacementViewSet")
    }
    # Where the child lives has its own table, with the callers that matter there.
    from tests.api.test_placement_api import ENDPOINTS as PLACEMENT_ENDPOINTS

    covered = {
        "cases/<uuid:public_id>/" + re.sub(r"\{(\w+)\}", r"<uuid:\1_id>", path)
        for _m, path, _s, _b in [*ENDPOINTS.values(), *PLACEMENT_ENDPOINTS.values()]
    }
    assert routes == covered


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", list(EXPECTED))
def test_dp1_dp2_cc7_protection_access_matrix(
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


# --- the shapes and the schema ------------------------------------------------------------------

SENSITIVE = [
    cls
    for module in (ps, placement_serializers)
    for cls in vars(module).values()
    if isinstance(cls, type)
    and issubclass(cls, ps.SensitiveFieldsMixin)
    and cls not in (ps.SensitiveFieldsMixin, ps.RowClassMixin)
    and cls.__module__ == module.__name__
]


def test_dp14_the_protection_shapes_are_checked() -> None:
    assert {cls.__name__ for cls in SENSITIVE} == {
        "ConsentSerializer",
        "InformationSessionSerializer",
        "DecisionSerializer",
        "GuardianAppointmentSerializer",
        "NeedsAssessmentSerializer",
        "ServiceSerializer",
        "PlacementSerializer",
        "PlacementReviewSerializer",
        "LibertyChallengeSerializer",
        "RestrictionSerializer",
        "FamilyContactSerializer",
        "ChargeSerializer",
    }


@pytest.mark.parametrize("serializer", SENSITIVE, ids=lambda c: c.__name__)
def test_dp14_every_field_of_a_protection_response_has_a_sensitivity_class(serializer) -> None:  # type: ignore[no-untyped-def]
    fields = set(serializer().fields)
    assert fields == set(serializer.SENSITIVITY)


def test_api_schema_documents_the_protection_routes_without_a_warning(tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in (
        "/api/v1/cases/{public_id}/consents/{consent_id}/override/:",
        "/api/v1/cases/{public_id}/information-sessions/:",
        "/api/v1/cases/{public_id}/guardian-appointments/{appointment_id}/end/:",
        "/api/v1/cases/{public_id}/services/{service_id}/:",
        "/api/v1/cases/{public_id}/placements/{placement_id}/challenges/:",
        "/api/v1/cases/{public_id}/challenges/{challenge_id}/decision/:",
        "/api/v1/cases/{public_id}/restrictions/{restriction_id}/review/:",
        "/api/v1/cases/{public_id}/charges/{charge_id}/:",
    ):
        assert path in schema
