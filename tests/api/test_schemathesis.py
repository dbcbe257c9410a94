"""Schemathesis over every operation of the API's OpenAPI schema, as the schema is served: each
operation gets generated requests, valid and invalid, from a signed-in supervisor of the case's
agency (both sign-in steps done; the session cookie and CSRF token a browser would send), against
Django's WSGI application in this process. Every path names a real record of one fictional case
(a consent, a placement, a referral...), so the requests reach the services rather than a 404;
and each write that a generated body seldom gets right is sent one valid body first, which must
succeed, so that its success answer is held to the schema as well.

It holds the API to its schema: no answer is a server error (5xx), and every answer has a
documented status code, a documented content type and a body that matches the schema
(haven.api.schema documents the pages, the fields a caller may not read, and the error envelope).

The suite's run is small and the same every time (derandomized); HAVEN_SCHEMATHESIS_EXAMPLES sets
the examples per operation and generation mode for a longer, random run (docs/testing.md)."""

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from haven.accounts.roles import Role
from haven.cases.emergency import emergency_access_open
from haven.cases.services import case_assign, case_register
from haven.consent.models import CHECKLIST_KEYS, Purpose
from haven.consent.services import consent_record, information_session_record
from haven.decisions.services import decision_record
from haven.directory.services import offer_create, referral_send, sharing_assessment_record
from haven.identification import selectors as id_selectors
from haven.justice import services as justice
from haven.placements.services import (
    charge_record,
    liberty_challenge_record,
    placement_record,
    restriction_record,
)
from haven.protection.services import guardian_appoint, guardian_create, service_record
from haven.reports.services import release_request
from haven.safeguards.models import Alert
from haven.voice.services import feedback_record
from tests.conftest import signed_in
from tests.factories import child_fields, determination, staff
from tests.reintegration import helpers as recovery

pytestmark = pytest.mark.django_db

EXAMPLES_ENV = "HAVEN_SCHEMATHESIS_EXAMPLES"
EXAMPLES = int(os.environ.get(EXAMPLES_ENV, "0")) or 3
LONG_RUN = EXAMPLES_ENV in os.environ

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# Writes that end or close something run after the others, so that these still find the
# records open; the stage change (which may close the case) runs last.
_LAST = ("/withdraw/", "/close/", "/end/", "/decline/", "/accept/", "/override/")
# Writes that need a record as the fixture left it run before the others: a pathway is carried
# out before another is decided, which would supersede it (RR-2).
_FIRST = ("/carried-out/",)


def _day(offset: int) -> Any:
    return timezone.localdate() + timedelta(days=offset)


def _consent(case: Any, actor: Any, purpose: str, **extra: Any) -> Any:
    return consent_record(
        case=case,
        actor=actor,
        purpose=purpose,
        given_on=timezone.localdate(),
        language="my",
        formats=["verbal"],
        explained_by="Fictional case worker",
        checklist=list(CHECKLIST_KEYS),
        child_answer="agrees",
        representative="guardian",
        representative_name="Fictional guardian",
        representative_answer="consents",
        **extra,
    )


@pytest.fixture
def world(case, case_worker, supervisor, agency, other_agency, presumed_screening):  # type: ignore[no-untyped-def]
    """One fictional case with a record of every kind the API names in a path, and the public
    ID to put in each path parameter."""
    sup = supervisor
    medical = _consent(case, sup, Purpose.MEDICAL_EXAMINATION)
    sharing = _consent(case, sup, Purpose.INFORMATION_SHARING, recipient_agencies=[other_agency])
    session = information_session_record(
        case=case,
        actor=sup,
        given_at=timezone.now() - timedelta(hours=2),
        topics=["services", "rights"],
        language="my",
        formats=["verbal"],
        given_by="Fictional case worker",
        written_copy_left=True,
    )
    bid = decision_record(
        case=case,
        actor=sup,
        kind="bid",
        subject="placement",
        decided_on=timezone.localdate(),
        question="Fictional: where should she live now?",
        options="Fictional: shelter, foster family, her aunt.",
        outcome="Fictional: the open shelter near her school.",
        justification="Fictional: safe, near school, and what she asks for.",
        child_views="Fictional: I feel safe there.",
        child_views_weight="Fictional: she is 14 and has thought about it.",
        participants=[
            {"name": "Fictional Chair", "role": "Child-protection office"},
            {"name": "Fictional Psychologist", "role": "Fictional Clinic"},
        ],
    )
    guardian = guardian_create(
        agency=agency, actor=sup, name="Fictional Guardian", organisation="Fictional Network"
    )
    appointment = guardian_appoint(
        case=case,
        actor=sup,
        guardian=guardian,
        appointed_on=_day(-3),
        appointed_by="Fictional District Court",
        reason="Fictional: her parents cannot be reached.",
    )
    service = service_record(
        case=case,
        actor=sup,
        type="Health",
        health_procedure="examination",
        provider="Fictional District Hospital",
        start_on=timezone.localdate(),
        status="planned",
    )
    held = placement_record(
        case=case,
        actor=sup,
        type="police_cell",
        facility="Fictional District Police Station",
        start_on=_day(-20),
        end_on=_day(-12),
    )
    challenge = liberty_challenge_record(
        placement=held,
        actor=sup,
        lodged_on=_day(-18),
        lodged_with="Fictional District Court",
        lodged_by="Fictional Legal Aid Lawyer",
    )
    shelter = placement_record(
        case=case,
        actor=sup,
        type="open_shelter",
        facility="Fictional Open Shelter",
        start_on=_day(-10),
        review_on=_day(30),
        decision=bid,
    )
    restriction = restriction_record(
        case=case,
        actor=sup,
        kind="movement",
        description="Fictional: she does not leave the shelter alone after dark.",
        decided_by="Fictional shelter manager",
        start_on=_day(-1),
        review_on=_day(14),
        placement=shelter,
    )
    charge = charge_record(
        case=case,
        actor=sup,
        offence="illegal_entry",
        authority="Fictional Immigration Police",
        status="investigation",
        recorded_on=_day(-2),
    )
    # A proceeding the child is a witness in, with a hearing to come, an information session on
    # the legal process, a determination about legal participation, the child's agreement to
    # give a statement, testify and claim compensation, a claim, and a support person; and a
    # proceeding of another child of the agency, which this child can join.
    part = justice.proceeding_open(
        case=case,
        actor=sup,
        kind="criminal",
        authority="Fictional Provincial Court",
        reference="FPC 123/2026",
        stage="pre_trial",
        opened_on=_day(-60),
        role="witness",
        accused="Fictional Accused",
        defence="Fictional Defence Lawyer",
    )
    hearing = justice.hearing_record(
        case=case, actor=sup, part=part, held_on=_day(10), purpose="Fictional: trial."
    )
    legal_session = information_session_record(
        case=case,
        actor=sup,
        given_at=timezone.now() - timedelta(days=2),
        topics=["legal_process"],
        language="my",
        formats=["verbal"],
        given_by="Fictional case worker",
        written_copy_left=True,
    )
    legal_bid = determination(case, sup, "legal_participation")
    # Recovery: a family member, a pathway not yet carried out and a plan (RR-1 … RR-5).
    relative = recovery.member(case, sup)
    pathway = recovery.pathway(case, sup, "family_based", subject="placement")
    rplan = recovery.plan(case, sup)
    reintegration_bid = determination(case, sup, "reintegration")
    for form in ("statement", "testimony", "compensation_claim"):
        justice.participation_record(
            case=case,
            actor=sup,
            part=part,
            form=form,
            choice="agrees",
            decided_on=timezone.localdate(),
            information_session=legal_session,
            decision=legal_bid,
            retraumatisation_risk="medium",
            intimidation_risk="low",
            reprisal_risk="medium",
            child_views="Fictional: I want to tell the judge, not in the same room.",
        )
    claim = justice.compensation_record(
        case=case,
        actor=sup,
        part=part,
        claimed_on=_day(-5),
        currency="THB",
        amount_claimed=Decimal("50000"),
    )
    support = staff(agency, Role.PSYCHOLOGIST, username="support_person")
    case_assign(case=case, actor=sup, user=support, role="support_person")
    other_child = case_register(
        actor=sup, agency=agency, child=child_fields(given_name="Fictional Two")
    )
    joinable = justice.proceeding_open(
        case=other_child,
        actor=sup,
        kind="criminal",
        authority="Fictional Provincial Court",
        stage="trial",
        opened_on=_day(-90),
        role="complainant",
    ).proceeding
    # A referral from this case to the other agency's service, and one to this agency's
    # service from a case of the other agency: the supervisor answers that one.
    other_admin = staff(other_agency, Role.SUPERVISOR, username="other_sup")
    theirs = offer_create(
        actor=other_admin,
        agency=other_agency,
        service_type="Psychological",
        name="Fictional counselling",
        country="TH",
    )
    ours = offer_create(
        actor=sup, agency=agency, service_type="Legal", name="Fictional legal aid", country="TH"
    )
    for source, target, actor in ((agency, other_agency, sup), (other_agency, agency, other_admin)):
        sharing_assessment_record(
            actor=actor,
            from_agency=source,
            to_agency=target,
            risks="Fictional: the child's data could be talked about.",
            safeguards="Fictional: named staff only.",
            approved=True,
        )
    outgoing = referral_send(
        case=case,
        actor=sup,
        offer=theirs,
        reason="Fictional: weekly counselling in Burmese.",
        data_points=["identity"],
        consent=sharing,
    )
    their_case = case_register(
        actor=other_admin, agency=other_agency, child=child_fields(given_name="Nilar")
    )
    their_consent = _consent(
        their_case, other_admin, Purpose.INFORMATION_SHARING, recipient_agencies=[agency]
    )
    # Two, so that one can be accepted and the other declined.
    incoming, incoming_too = (
        referral_send(
            case=their_case,
            actor=other_admin,
            offer=offer_create(
                actor=sup, agency=agency, service_type=kind, name=f"Fictional {kind}", country="TH"
            ),
            reason="Fictional: advice about her papers.",
            data_points=["legal"],
            consent=their_consent,
        )
        for kind in ("Legal", "Education")
    )
    feedback = feedback_record(
        actor=sup,
        language="en",
        kind="complaint",
        message="Fictional: the water in the shower is cold.",
        anonymous=False,
        case=case,
    )
    release = release_request(
        actor=sup, year=timezone.localdate().year, tables=["sex"], purpose="Fictional report."
    )
    alert = Alert.objects.filter(case=case, status=Alert.Status.OPEN).first()
    assert alert is not None, "the fictional case raised no alert to resolve"
    step = id_selectors.steps(case).first()
    assert step is not None
    interpreter = staff(agency, Role.INTERPRETER, username="interpreter_to_assign")
    # Emergency access taken by a case worker on night duty, for the supervisor to review.
    emergency = emergency_access_open(
        actor=staff(agency, Role.CASE_WORKER, username="night_duty"),
        reference=case.reference,
        reason="held",
        detail="Fictional: the police called at night.",
    )
    ids = {
        "emergency": emergency.public_id,
        "case": case.public_id,
        "child": case.child.public_id,
        "alert": alert.public_id,
        "feedback": feedback.public_id,
        "consent_id": medical.public_id,
        "session_id": session.public_id,
        "appointment_id": appointment.public_id,
        "service_id": service.public_id,
        "placement_id": shelter.public_id,
        "challenge_id": challenge.public_id,
        "restriction_id": restriction.public_id,
        "charge_id": charge.public_id,
        "part_id": part.public_id,
        "hearing_id": hearing.public_id,
        "compensation_id": claim.public_id,
        "member_id": relative.public_id,
        "pathway_id": pathway.public_id,
        "plan_id": rplan.public_id,
        "step_id": step.public_id,
        "offer_id": ours.public_id,
        "release_id": release.public_id,
        "referral_id": outgoing.public_id,
        "incoming_referral_id": incoming.public_id,
        "incoming_referral_to_accept": incoming_too.public_id,
        # named in the bodies of the valid requests
        "interpreter": interpreter.public_id,
        "bid": bid.public_id,
        "their_offer": theirs.public_id,
        "sharing_consent": sharing.public_id,
        "legal_session": legal_session.public_id,
        "legal_bid": legal_bid.public_id,
        "support_user": support.public_id,
        "joinable": joinable.public_id,
        "reintegration_bid": reintegration_bid.public_id,
    }
    return sup, {key: str(value) for key, value in ids.items()}


def _valid_requests(ids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """One body each write is expected to accept, so that its success answer is checked against
    the schema too (generated bodies rarely hold valid codes, dates and IDs together)."""
    today, now = timezone.localdate(), timezone.now()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    fictional = "Fictional: written for the schema test."
    case = "POST /api/v1/cases/{public_id}/"
    part = case + "proceedings/{part_id}/"
    return {
        case + "assignments/": {"user": ids["interpreter"], "role": "interpreter"},
        case + "challenges/{challenge_id}/decision/": {"decided_on": day(0), "outcome": "released"},
        case + "consents/": {
            "purpose": "medical_examination",
            "given_on": day(0),
            "language": "my",
            "formats": ["verbal"],
            "explained_by": "Fictional Nurse",
            "checklist": list(CHECKLIST_KEYS),
            "child_answer": "agrees",
            "representative": "guardian",
            "representative_name": "Fictional Guardian",
            "representative_answer": "consents",
        },
        case + "decisions/": {
            "kind": "bid",
            "subject": "return",
            "decided_on": day(0),
            "question": fictional,
            "options": fictional,
            "outcome": fictional,
            "justification": fictional,
            "child_views": fictional,
            "child_views_weight": fictional,
            "participants": [
                {"name": "Fictional Chair", "role": "Panel"},
                {"name": "Fictional Doctor", "role": "Panel"},
            ],
        },
        case + "guardian-appointments/{appointment_id}/end/": {
            "ended_on": day(0),
            "reason_code": "parent_able",
            "reason": fictional,
        },
        case + "information-sessions/": {
            "given_at": (now - timedelta(hours=1)).isoformat(),
            "topics": ["services"],
            "language": "my",
            "formats": ["verbal"],
            "given_by": "Fictional Case Worker",
            "written_copy_left": False,
        },
        case + "information-sessions/{session_id}/sheet/": {"language": "en"},
        case + "needs-assessments/": {
            "assessed_on": day(0),
            "findings": [
                {"domain": domain, "level": "none", "strengths": fictional}
                for domain in (
                    "physical",
                    "psychological",
                    "social",
                    "legal",
                    "educational",
                    "economic",
                )
            ],
            "child_views": fictional,
            "next_review_on": day(90),
        },
        case + "placements/": {  # a past one, so that the child stays where the others look
            "type": "foster",
            "facility": "Fictional Foster Family",
            "start_on": day(-40),
            "end_on": day(-30),
            "decision": ids["bid"],
        },
        case + "placements/{placement_id}/reviews/": {
            "reviewed_on": day(0),
            "still_in_best_interests": True,
            "next_review_on": day(60),
            "child_views": fictional,
        },
        case + "placements/{placement_id}/end/": {
            "end_on": day(0),
            "reason_code": "moved",
            "reason": "Fictional: she moved to her aunt.",
        },
        case + "proceedings/": {
            "kind": "civil",
            "authority": "Fictional Civil Court",
            "stage": "investigation",
            "opened_on": day(-10),
            "role": "claimant",
        },
        case + "proceedings/join/": {"proceeding": ids["joinable"], "role": "witness"},
        part.replace("POST", "PATCH"): {"stage": "trial", "child_lawyer": "Fictional Lawyer"},
        part + "hearings/": {"held_on": day(20), "purpose": fictional},
        part + "events/": {"kind": "hearing_set", "occurred_on": day(0), "summary": fictional},
        part + "participations/": {
            "form": "cross_examination",
            "choice": "agrees",
            "decided_on": day(0),
            "information_session": ids["legal_session"],
            "decision": ids["legal_bid"],
            "retraumatisation_risk": "high",
            "intimidation_risk": "medium",
            "reprisal_risk": "medium",
            "child_views": fictional,
        },
        part.replace("POST", "PUT") + "hearings/{hearing_id}/attendance/": {
            "testifies": True,
            "support_user": ids["support_user"],
            "requested": ["screen", "breaks"],
            "granted": ["screen"],
        },
        part + "statements/": {
            "kind": "statement",
            "conducted_at": (now - timedelta(hours=1)).isoformat(),
            "interviewer": "Fictional Prosecutor",
            "duration_minutes": 40,
            "interpreter": "Fictional Interpreter",
            "interpreter_reason": "Fictional: the usual interpreter was away that day.",
            "support_person": "Fictional Social Worker",
            "video_recorded": True,
            "why_not_reused": fictional,
        },
        part + "updates/": {
            "given_at": (now - timedelta(hours=1)).isoformat(),
            "given_by": "Fictional Case Worker",
            "language": "my",
            "explained": fictional,
        },
        part + "reprisal-risks/": {
            "assessed_on": day(0),
            "level": "high",
            "measures": ["police_protection"],
            "threats": True,
        },
        part + "compensations/": {
            "claimed_on": day(0),
            "currency": "THB",
            "amount_claimed": "20000.00",
        },
        part.replace("POST", "PATCH") + "compensations/{compensation_id}/": {
            "amount_awarded": "30000.00",
            "awarded_on": day(0),
            "amount_paid": "10000.00",
            "held_for_child": "10000.00",
            "held_by": "Fictional trust fund",
        },
        case + "recovery/family/": {"name": "Fictional Brother", "relationship": "sibling"},
        case.replace("POST", "PATCH") + "recovery/family/{member_id}/": {"safe_contact": False},
        case + "recovery/assessments/": {
            "assessed_on": day(0),
            "safety": "low",
            "abuse": "no",
            "complicity": "unknown",
            "capacity": "with_support",
            "child_views": fictional,
        },
        case + "recovery/pathways/": {
            "kind": "independent",
            "decided_on": day(0),
            "decision": ids["reintegration_bid"],
            "reasons": fictional,
            "child_views": fictional,
        },
        case + "recovery/pathways/{pathway_id}/carried-out/": {"carried_out_on": day(0)},
        case + "recovery/safety-plans/": {
            "agreed_on": day(0),
            "sources": ["community"],
            "risks": fictional,
            "measures": fictional,
            "child_words": fictional,
            "review_on": day(30),
        },
        case + "recovery/plans/": {
            "kind": "transition",
            "agreed_on": day(0),
            "goals": fictional,
            "responsible": fictional,
            "review_on": day(30),
            "first_visit_on": day(14),
        },
        case + "recovery/plans/{plan_id}/services/": {
            "description": "Fictional vocational training",
            "provider": "Fictional NGO",
            "status": "planned",
        },
        case + "recovery/plans/{plan_id}/reviews/": {
            "reviewed_on": day(0),
            "progress": fictional,
            "child_views": fictional,
            "next_review_on": day(30),
        },
        case + "recovery/plans/{plan_id}/visits/": {
            "visited_on": day(0),
            "visited_by": "Fictional Case Worker",
            "observations": fictional,
            "child_views": fictional,
            "next_visit_on": day(30),
        },
        case + "recovery/retrafficking/": {
            "occurred_on": day(0),
            "forms": ["ForcedLabour"],
            "notes": fictional,
        },
        case + "referrals/": {
            "offer": ids["their_offer"],
            "reason": fictional,
            "data_points": ["identity"],
            "consent": ids["sharing_consent"],
        },
        case + "restrictions/": {
            "kind": "movement",
            "description": fictional,
            "justification": fictional,
            "decided_by": "Fictional shelter manager",
            "start_on": day(0),
            "review_on": day(14),
        },
        case + "restrictions/{restriction_id}/review/": {
            "lift": False,
            "on": day(0),
            "justification": fictional,
            "review_on": day(14),
        },
        case + "screenings/": {
            "screened_at": (now - timedelta(hours=1)).isoformat(),
            "acts": ["harbouring"],
            "forms": [{"form": "ForcedBegging"}],
            "means": ["none"],
            "movement": "none",
        },
        "POST /api/v1/directory/offers/": {
            "service_type": "Legal",
            "name": "Fictional legal clinic",
            "country": "TH",
        },
        "POST /api/v1/directory/referrals/{referral_id}/decline/": {
            "reason_code": "no_capacity",
            "reason": fictional,
        },
        "POST /api/v1/feedback/{public_id}/resolve/": {"resolution": fictional},
        "POST /api/v1/emergency-access/{public_id}/review/": {"outcome": "justified"},
        "POST /api/v1/feedback/record/": {
            "kind": "complaint",
            "language": "en",
            "message": fictional,
        },
    }


def _path_ids(path: str, ids: dict[str, str]) -> dict[str, str]:
    """The real record for each path parameter of `path`."""
    params = {
        name: ids[name]
        for name in (
            *("consent_id", "session_id", "appointment_id", "service_id", "placement_id"),
            *("challenge_id", "restriction_id", "charge_id", "step_id", "offer_id"),
            *("release_id", "referral_id", "part_id", "hearing_id", "compensation_id"),
            *("member_id", "pathway_id", "plan_id"),
        )
    }
    if path.startswith("/api/v1/directory/"):
        params["referral_id"] = ids["incoming_referral_id"]
    if path.endswith("/accept/"):
        params["referral_id"] = ids["incoming_referral_to_accept"]
    owner = {
        "/api/v1/cases/": "case",
        "/api/v1/children/": "child",
        "/api/v1/alerts/": "alert",
        "/api/v1/feedback/": "feedback",
        "/api/v1/emergency-access/": "emergency",
    }
    for prefix, key in owner.items():
        if path.startswith(prefix):
            params["public_id"] = ids[key]
    return {name: value for name, value in params.items() if "{" + name + "}" in path}


@contextmanager
def _in_this_transaction() -> Iterator[None]:
    """Django's WSGI application answers in the test's transaction: a real server closes the
    database connection after each request, which would end the test's transaction. (Django's
    test client does the same around each of its requests, and reconnects afterwards.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _order(operation: Any) -> tuple[int, str]:
    if operation.method.upper() == "GET":
        rank = 0
    elif "/stage/" in operation.path:
        rank = 4
    elif any(word in operation.path for word in _LAST):
        rank = 3
    elif any(word in operation.path for word in _FIRST):
        rank = 1
    else:
        rank = 2
    return rank, f"{operation.path} {operation.method}"


@pytest.mark.slow(
    reason="schemathesis sends a few generated requests to each of the API's ~75 operations"
)
def test_every_operation_answers_as_its_schema_says(world, assigned_interpreter) -> None:  # type: ignore[no-untyped-def]
    user, ids = world
    client, headers, cookies = _signed_in(user)

    served = client.get("/api/schema/", {"format": "json"})
    assert served.status_code == 200
    schema = schemathesis.openapi.from_dict(json.loads(served.content))
    schema.app = WSGIHandler()  # Django's WSGI application, in this process
    operations = sorted((result.ok() for result in schema.get_all_operations()), key=_order)
    assert len(operations) >= 70

    valid = _valid_requests(ids)
    unknown = set(valid) - {operation.label for operation in operations}
    assert not unknown, f"valid requests for operations the schema does not have: {unknown}"
    # First every read by someone who reads case basics and identity only (an interpreter of
    # another agency, assigned): the fields and records they may not read are left out, and the
    # schema must allow it (DP-1). Then everything, by the supervisor.
    reads = [operation for operation in operations if operation.method.upper() == "GET"]
    _, *reader = _signed_in(assigned_interpreter)
    with _in_this_transaction():
        failures = _run(reads, ids, {}, *reader, examples=1)
        failures += _run(operations, ids, valid, headers, cookies)

    assert not failures, "\n\n".join(failures)


def _signed_in(user: Any) -> tuple[Client, dict[str, str], dict[str, str]]:
    """A client signed in as `user`, and the headers and cookies a browser would send with
    that session: the session cookie and a CSRF token."""
    client = signed_in(Client(), user)
    token = secrets.token_hex(16)  # 32 characters, as Django's CSRF secret
    cookies = {
        settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
        settings.CSRF_COOKIE_NAME: token,
    }
    return client, {"X-CSRFToken": token}, cookies


def _run(
    operations: list[Any],
    ids: dict[str, str],
    valid: dict[str, dict[str, Any]],
    headers: Any,
    cookies: Any,
    examples: int = EXAMPLES,
) -> list[str]:
    """Each operation, with valid and invalid requests; the failures of all of them."""
    failures: list[str] = []
    for operation in operations:
        fixed = _path_ids(operation.path, ids)
        negatable = bool(operation.body) or bool(operation.query) or bool(operation.path_parameters)
        modes = [GenerationMode.POSITIVE] + ([GenerationMode.NEGATIVE] if negatable else [])
        for mode in modes:
            known = valid.get(operation.label) if mode == GenerationMode.POSITIVE else None
            try:
                _check(operation, mode, fixed, known, headers, cookies, examples)
            except (Exception, BaseExceptionGroup) as exc:  # every failure, not only the first
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    return failures


def _check(
    operation: Any,
    mode: GenerationMode,
    fixed: dict[str, str],
    known: dict[str, Any] | None,
    headers: Any,
    cookies: Any,
    examples: int,
) -> None:
    """`max_examples` generated requests to one operation; first the known valid one, which
    must succeed."""

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=not LONG_RUN,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    def call(case: Any) -> None:
        # An invalid path parameter would be the router's 404: keep the real records.
        case.path_parameters = {**(case.path_parameters or {}), **fixed}
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS)
        if known is not None and case.body == known:
            assert response.status_code < 300, f"the valid request was refused: {response.text}"

    if known is not None:
        valid = operation.Case(body=known, media_type="application/json", path_parameters=fixed)
        call = example(case=valid)(call)
    call()
