"""The identification API (ID-1 … ID-7; DP-1, DP-2, DP-3): screenings, first steps, the
victim-status decision and the indicator library, with field sensitivity and access."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, Interview
from haven.cases.services import case_assign, case_register
from haven.identification.codes import Act, Exploitation
from haven.identification.models import FirstStep, Indicator, Screening, ScreeningExploitation
from haven.identification.services import screening_record
from tests.conftest import signed_in
from tests.factories import child_fields, staff

INVALID = "Check the highlighted fields."
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}


def _denied(response) -> bool:  # type: ignore[no-untyped-def]
    error = response.json()["error"]
    return (
        response.status_code == 403
        and error["code"] == "permission_denied"
        and ("fields" not in error)
    )


REASON = "She lives safely with her aunt, who the team visited today."
STATUS = {"status": "ActualVictimOfTrafficking", "decided_by": "Police"}


def _state(case: Case) -> tuple:
    """Everything an identification write touches, to prove a refused one touched nothing."""
    case.refresh_from_db()
    return (
        Screening.objects.count(),
        ScreeningExploitation.objects.count(),
        FirstStep.objects.count(),
        AuditEvent.objects.count(),
        Interview.objects.count(),
        sorted(FirstStep.objects.values_list("kind", "status", "closed_by_id")),
        sorted(step.note for step in FirstStep.objects.all()),
        (case.trafficking_status, case.status_decided_by),
    )


def _post(client: Client, url: str, data: Any):  # type: ignore[no-untyped-def]
    return client.post(url, data, content_type="application/json")


def _screening(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "screened_at": (timezone.now() - timedelta(minutes=30)).isoformat(),
        "acts": ["receipt"],
        "forms": [{"form": "ChildLabour", "industry": "A_AgricultureForestryAndFishing"}],
        "means": ["none"],
        "movement": "none",
    }
    data.update(changes)
    return data


def _step(case: Case, kind: str = "safe_accommodation") -> FirstStep:
    return FirstStep.objects.get(case=case, kind=kind)


def _url(case: Case, tail: str = "") -> str:
    return f"/api/v1/cases/{case.public_id}/{tail}"


# --- screenings ----------------------------------------------------------------------------


def test_id1_api_screening_with_an_act_and_a_purpose_is_a_presumed_victim(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)

    response = _post(client, _url(case, "screenings/"), _screening())

    assert response.status_code == 201, response.content
    body = response.json()
    screening = Screening.objects.get()
    assert body["id"] == str(screening.public_id)
    assert (body["outcome"], body["screened_as_child"]) == ("presumed_victim", True)
    assert (body["acts"], body["means"], body["movement"]) == (["receipt"], [], "none")
    assert body["forms"] == [
        {"form": "ChildLabour", "sub_type": "", "industry": "A_AgricultureForestryAndFishing"}
    ]
    assert (screening.case, screening.screened_by, screening.outcome) == (
        case,
        case_worker,
        "presumed_victim",
    )
    # The first steps (ID-4) came with it.
    assert set(FirstStep.objects.filter(case=case).values_list("kind", flat=True)) == {
        "cp_referral",
        "safe_accommodation",
        "urgent_medical",
        "case_worker",
        "rights_information",
        "interpreter",
    }

    listed = client.get(_url(case, "screenings/"))
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()] == [str(screening.public_id)]
    assert listed.json()[0] == body


def test_id1_api_an_act_without_a_purpose_is_not_presumed_whatever_the_means_and_movement(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    outcomes = [
        _post(
            client,
            _url(case, "screenings/"),
            _screening(forms=[{"form": "none"}], means=means, movement=movement),
        ).json()["outcome"]
        for means, movement in (
            (["none"], "none"),
            (["deception", "threat", "abduction"], "cross_border"),
        )
    ]
    # Part of the picture: referred to child protection (ID-5), never a presumed victim.
    assert outcomes == ["precarious", "precarious"]


def test_id3_api_unknown_form_code_is_refused_with_the_allowed_values_and_nothing_is_saved(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = _state(case)

    response = _post(client, _url(case, "screenings/"), _screening(forms=[{"form": "Smuggling"}]))

    assert response.status_code == 400
    allowed = ", ".join(Exploitation.values)
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": INVALID,
            "fields": {"forms": [f"Unknown form of exploitation “Smuggling”. Allowed: {allowed}."]},
        }
    }
    assert _state(case) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"acts": ["kidnap"]},
            "acts",
            f"Unknown code(s): kidnap. Allowed: {', '.join(Act.values)}.",
        ),
        ({"acts": []}, "acts", "Say which acts were observed, or “none observed”."),
        (
            {"forms": []},
            "forms",
            "Say which forms of exploitation were observed, or “none observed”.",
        ),
        ({"acts": ["none", "receipt"]}, "acts", "Choose “none observed” or some items, not both."),
        ({"acts": [""]}, "acts.0", "This field may not be blank."),
        ({"acts": "receipt"}, "acts", 'Expected a list of items but got type "str".'),
        ({"acts": [None]}, "acts.0", "This field may not be null."),
        ({"forms": [None]}, "forms", None),
        ({"forms": "ChildLabour"}, "forms", None),
        ({"forms": [{"form": "SexualExploitation", "sub_type": "Begging"}]}, "forms", None),
        ({"forms": [{"form": "ChildLabour", "industry": "Z_Nowhere"}]}, "forms", None),
        (
            {"indicators": ["not-an-indicator"]},
            "indicators",
            "Unknown indicator(s): not-an-indicator.",
        ),
        ({"movement": "teleport"}, "movement", "Choose the kind of movement."),
        ({"screened_at": "yesterday"}, "screened_at", None),
        (
            {"screened_at": (timezone.now() + timedelta(days=1)).isoformat()},
            "screened_at",
            "This cannot be recorded before it happens.",
        ),
        ({"child_interviewed": True}, "duration_minutes", "Say how long the interview took."),
        ({"duration_minutes": 0}, "duration_minutes", None),
        ({"interpreter": "x" * 201}, "interpreter", None),
    ],
)
def test_id3_api_bad_screening_input_is_a_400_envelope_and_nothing_is_saved(
    client: Client, case, case_worker, changes, field, message
) -> None:
    signed_in(client, case_worker)
    before = _state(case)

    response = _post(client, _url(case, "screenings/"), _screening(**changes))

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", INVALID)
    assert any(key == field or key.startswith(f"{field}.") for key in error["fields"]), error
    if message is not None:
        assert error["fields"][field] == [message]
    assert _state(case) == before


@pytest.mark.parametrize("body", ["not json", "[]", "null", '{"acts": {"a": 1}}'])
def test_id3_api_malformed_screening_body_is_a_400_and_nothing_is_saved(
    client: Client, case, case_worker, body
) -> None:
    signed_in(client, case_worker)
    before = _state(case)
    response = client.post(_url(case, "screenings/"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in {"invalid", "parse_error"}
    assert _state(case) == before


# --- field sensitivity (DP-1) --------------------------------------------------------------


def test_dp1_an_assigned_interpreter_reads_the_outcome_but_not_the_screenings_narrative(
    client: Client, case, assigned_interpreter, presumed_screening
) -> None:
    signed_in(client, assigned_interpreter)

    response = client.get(_url(case, "screenings/"))

    assert response.status_code == 200
    [row] = response.json()
    assert row["outcome"] == "presumed_victim"
    assert row["id"] == str(presumed_screening.public_id)
    for key in (
        "forms",
        "acts",
        "means",
        "movement",
        "indicators",
        "notes",
        "location",
        "protection_concerns",
    ):
        assert key not in row, key
    assert set(row) == {
        "id",
        "screened_at",
        "outcome",
        "screened_as_child",
        "interpreter",
        "support_person",
    }
    content = response.content.decode()
    assert "Fictional market" not in content and "sells flowers" not in content


def test_dp1_the_case_worker_reads_every_field_of_the_screening(
    client: Client, case, case_worker, presumed_screening
) -> None:
    signed_in(client, case_worker)
    [row] = client.get(_url(case, "screenings/")).json()
    assert (row["location"], row["notes"]) == (
        "Fictional market, stall 12",
        "Fictional: sells flowers at night for an adult who keeps the money.",
    )
    assert (row["acts"], row["forms"]) == (
        ["harbouring"],
        [{"form": "ForcedBegging", "sub_type": "", "industry": ""}],
    )


# --- first steps (ID-4, ID-5) --------------------------------------------------------------


def test_id4_first_steps_list_shows_each_steps_state_and_due_time(
    client: Client, case, case_worker, presumed_screening
) -> None:
    signed_in(client, case_worker)

    response = client.get(_url(case, "first-steps/"))

    assert response.status_code == 200
    rows = {row["kind"]: row for row in response.json()}
    assert {kind: row["state"] for kind, row in rows.items()} == {
        "cp_referral": "done",  # the lead agency is the child-protection authority
        "case_worker": "met",  # the case worker is assigned
        "safe_accommodation": "open",
        "urgent_medical": "open",
        "rights_information": "open",
        "interpreter": "open",  # the child speaks Burmese and the case worker does not
    }
    assert {row["measure_id"] for row in rows.values()} == {"ID-4"}
    at = presumed_screening.screened_at
    for kind, hours in (
        ("safe_accommodation", 24),
        ("interpreter", 48),
        ("rights_information", 72),
    ):
        step = _step(case, kind)
        assert rows[kind]["id"] == str(step.public_id)
        assert step.due_at == at + timedelta(hours=hours)
    assert rows["cp_referral"]["note"] == "The lead agency is the child-protection authority."
    assert rows["safe_accommodation"]["closed_at"] is None


def test_id4_overdue_steps_and_an_assigned_interpreter_show_in_the_states(
    client: Client, case, case_worker, assigned_interpreter
) -> None:
    screening_record(
        case=case,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(days=4),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
    )
    signed_in(client, case_worker)
    states = {row["kind"]: row["state"] for row in client.get(_url(case, "first-steps/")).json()}
    assert states == {
        "cp_referral": "done",
        "case_worker": "met",
        "interpreter": "met",
        "safe_accommodation": "overdue",
        "urgent_medical": "overdue",
        "rights_information": "overdue",
    }


def test_id5_a_precarious_child_gets_the_referral_as_a_first_step(
    client: Client, case, case_worker, agency
) -> None:
    agency.is_child_protection_authority = False
    agency.save(update_fields=["is_child_protection_authority"])
    signed_in(client, case_worker)
    response = _post(
        client,
        _url(case, "screenings/"),
        _screening(acts=["none"], forms=[{"form": "none"}], protection_concerns=True),
    )
    assert response.json()["outcome"] == "precarious"
    [row] = client.get(_url(case, "first-steps/")).json()
    assert (row["kind"], row["measure_id"], row["state"]) == ("cp_referral", "ID-5", "open")


def test_dp1_an_assigned_interpreter_sees_the_first_steps_without_their_notes(
    client: Client, case, assigned_interpreter, presumed_screening
) -> None:
    signed_in(client, assigned_interpreter)
    rows = client.get(_url(case, "first-steps/")).json()
    assert len(rows) == 6
    assert all("note" not in row for row in rows)
    assert "child-protection authority" not in str(rows)


def test_id4_a_first_step_is_marked_done_through_the_api(
    client: Client, case, case_worker, presumed_screening
) -> None:
    step = _step(case)
    signed_in(client, case_worker)
    events = AuditEvent.objects.count()

    response = _post(
        client,
        _url(case, f"first-steps/{step.public_id}/done/"),
        {"note": "Placed at the fictional shelter."},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["kind"], body["state"], body["note"]) == (
        str(step.public_id),
        "safe_accommodation",
        "done",
        "Placed at the fictional shelter.",
    )
    step.refresh_from_db()
    assert (step.status, step.closed_by, step.note) == (
        "done",
        case_worker,
        "Placed at the fictional shelter.",
    )
    assert body["closed_at"] is not None
    assert AuditEvent.objects.count() == events + 1


def test_id4_a_first_step_is_closed_as_not_needed_with_a_reason_through_the_api(
    client: Client, case, case_worker, presumed_screening
) -> None:
    step = _step(case, "urgent_medical")
    signed_in(client, case_worker)

    response = _post(
        client,
        _url(case, f"first-steps/{step.public_id}/not-needed/"),
        {"reason_code": "does_not_apply", "reason": REASON},
    )

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["note"]) == ("not_needed", REASON)
    step.refresh_from_db()
    assert (step.status, step.note) == ("not_needed", REASON)


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        (
            {"reason_code": "does_not_apply", "reason": "no"},
            {"reason": ["Write the reason in a sentence."]},
        ),
        ({"reason_code": "does_not_apply"}, {"reason": ["Write the reason in a sentence."]}),
        (
            {"reason_code": "does_not_apply", "note": REASON},
            {"reason": ["Write the reason in a sentence."]},
        ),
        (
            {"reason_code": "does_not_apply", "reason": "x" * 1001},
            {"reason": ["Ensure this field has no more than 1000 characters."]},
        ),
    ],
)
def test_id4_not_needed_without_a_real_reason_is_refused_and_nothing_changes(
    client: Client, case, case_worker, presumed_screening, payload, fields
) -> None:
    step = _step(case)
    signed_in(client, case_worker)
    before = _state(case)

    response = _post(client, _url(case, f"first-steps/{step.public_id}/not-needed/"), payload)

    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid", "message": INVALID, "fields": fields}}
    assert _state(case) == before


def test_id4_closing_a_closed_step_through_the_api_is_refused(
    client: Client, case, case_worker, presumed_screening
) -> None:
    step = _step(case, "cp_referral")
    signed_in(client, case_worker)
    before = _state(case)

    response = _post(client, _url(case, f"first-steps/{step.public_id}/done/"), {})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "non_field_errors": ["This step is already closed."]
    }
    assert _state(case) == before


def test_dp1_unknown_step_outcome_or_a_step_of_another_case_is_not_found(
    client: Client, case, case_worker, agency, presumed_screening
) -> None:
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dao"))
    screening_record(
        case=other,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["receipt"],
        forms=[{"form": "ChildLabour"}],
    )
    foreign = _step(other)
    step = _step(case)
    signed_in(client, case_worker)
    before = _state(case)

    for url in (
        _url(case, f"first-steps/{step.public_id}/maybe/"),
        _url(case, f"first-steps/{foreign.public_id}/done/"),
        _url(case, f"first-steps/{foreign.public_id}/not-needed/"),
        _url(case, f"first-steps/{uuid.uuid4()}/done/"),
    ):
        response = _post(client, url, {"reason_code": "does_not_apply", "reason": REASON})
        assert response.status_code == 404, url
        assert response.json() == NOT_FOUND

    assert _state(case) == before


# --- the decision on victim status ---------------------------------------------------------


def test_id4_a_case_worker_may_not_decide_the_victim_status(
    client: Client, case, case_worker
) -> None:
    signed_in(client, case_worker)
    before = _state(case)

    response = _post(client, _url(case, "status/"), STATUS)

    assert _denied(response)
    assert _state(case) == before


@pytest.mark.parametrize("role", [Role.CHILD_PROTECTION_OFFICER, Role.LAW_ENFORCEMENT])
def test_id4_the_competent_authority_decides_the_victim_status(
    client: Client, case, agency, supervisor, role
) -> None:
    decider = staff(agency, role, username="decider")
    if role == Role.LAW_ENFORCEMENT:
        case_assign(case=case, actor=supervisor, user=decider, role="identifying_officer")
    signed_in(client, decider)
    events = AuditEvent.objects.count()

    response = _post(client, _url(case, "status/"), STATUS)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["id"], body["trafficking_status"], body["status_decided_by"]) == (
        str(case.public_id),
        "ActualVictimOfTrafficking",
        "Police",
    )
    case.refresh_from_db()
    assert (case.trafficking_status, case.status_decided_by) == (
        "ActualVictimOfTrafficking",
        "Police",
    )
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="case.status").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "Victim", "decided_by": "Police"}, "status"),
        ({"status": "ActualVictimOfTrafficking", "decided_by": "Neighbours"}, "decided_by"),
        ({"status": "ActualVictimOfTrafficking"}, "decided_by"),
    ],
)
def test_id4_a_bad_status_decision_is_a_400_and_nothing_changes(
    client: Client, case, cp_officer, payload, field
) -> None:
    signed_in(client, cp_officer)
    before = _state(case)
    response = _post(client, _url(case, "status/"), payload)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert _state(case) == before


# --- the indicator library (ID-3) ----------------------------------------------------------


def test_id3_indicator_list_has_the_library_with_based_on_flags(
    client: Client, case_worker
) -> None:
    signed_in(client, case_worker)

    response = client.get("/api/v1/indicators/")

    assert response.status_code == 200
    rows = response.json()
    assert len(rows) >= 30
    assert len(rows) == Indicator.objects.filter(is_active=True).count()
    assert all(
        set(row) == {"code", "text", "form", "dimension", "grade", "source", "based_on"}
        for row in rows
    )
    ilo = [row for row in rows if row["source"].startswith("ILO")]
    unodc = [row for row in rows if row["source"].startswith("UNODC")]
    assert len(ilo) + len(unodc) == len(rows)
    assert ilo and all(row["based_on"] is True and row["grade"] in "SMW" for row in ilo)
    assert unodc and all(row["based_on"] is False for row in unodc)


def test_id3_an_indicator_taken_out_of_use_is_not_listed(client: Client, case_worker) -> None:
    retired = Indicator.objects.order_by("code").first()
    assert retired is not None
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    signed_in(client, case_worker)
    codes = [row["code"] for row in client.get("/api/v1/indicators/").json()]
    assert retired.code not in codes


# --- access (DP-1, DP-2, DP-3) -------------------------------------------------------------


def _endpoints(case: Case, step: FirstStep) -> list[tuple[str, str, Any]]:
    return [
        ("get", _url(case, "screenings/"), None),
        ("post", _url(case, "screenings/"), _screening()),
        ("get", _url(case, "first-steps/"), None),
        ("post", _url(case, f"first-steps/{step.public_id}/done/"), {"note": "Done."}),
        (
            "post",
            _url(case, f"first-steps/{step.public_id}/not-needed/"),
            {"reason_code": "does_not_apply", "reason": REASON},
        ),
        ("post", _url(case, "status/"), STATUS),
    ]


def _request(client: Client, method: str, url: str, data: Any):  # type: ignore[no-untyped-def]
    if method == "get":
        return client.get(url)
    return _post(client, url, data)


@pytest.mark.parametrize("caller", ["outsider", "statistician", "unassigned_case_worker", "admin"])
def test_dp1_dp2_identification_api_answers_404_to_those_who_cannot_see_the_case(
    client: Client, request, case, presumed_screening, caller
) -> None:
    signed_in(client, request.getfixturevalue(caller))
    before = _state(case)
    logs = AccessLog.objects.count()

    for method, url, data in _endpoints(case, _step(case)):
        response = _request(client, method, url, data)
        assert response.status_code == 404, (method, url)
        assert response.json() == NOT_FOUND
        assert case.reference not in response.content.decode()

    assert _state(case) == before
    assert AccessLog.objects.count() == logs


def test_dp1_an_assigned_interpreter_may_read_but_not_write_identification(
    client: Client, case, assigned_interpreter, presumed_screening
) -> None:
    signed_in(client, assigned_interpreter)
    before = _state(case)

    answers = [
        (method, _request(client, method, url, data).status_code)
        for method, url, data in _endpoints(case, _step(case))
    ]

    assert answers == [
        ("get", 200),
        ("post", 403),
        ("get", 200),
        ("post", 403),
        ("post", 403),
        ("post", 403),
    ]
    assert _state(case) == before


def test_dp1_without_the_capability_bad_input_still_gets_403(
    client: Client, case, assigned_interpreter, presumed_screening
) -> None:
    signed_in(client, assigned_interpreter)
    before = _state(case)
    step = _step(case)
    for url in (
        _url(case, "screenings/"),
        _url(case, f"first-steps/{step.public_id}/not-needed/"),
        _url(case, f"first-steps/{step.public_id}/maybe/"),
        _url(case, "status/"),
    ):
        response = _post(client, url, {"acts": "kidnap", "reason": "", "status": "?"})
        assert _denied(response), url
    assert _state(case) == before


def test_dp1_anonymous_callers_get_403_everywhere_and_nothing_changes(
    client: Client, case, presumed_screening
) -> None:
    before = _state(case)
    calls = [
        *_endpoints(case, _step(case)),
        ("get", "/api/v1/indicators/", None),
        ("post", "/api/v1/children/search/", {"name": "Mali"}),
    ]
    for method, url, data in calls:
        response = _request(client, method, url, data)
        assert response.status_code == 403, url
        assert response.json()["error"]["code"] == "not_authenticated"
    assert _state(case) == before


def test_dp1_a_caller_without_the_second_factor_gets_403(
    client: Client, case, case_worker, presumed_screening
) -> None:
    client.force_login(case_worker)  # password only
    before = _state(case)
    for method, url, data in [
        *_endpoints(case, _step(case)),
        ("get", "/api/v1/indicators/", None),
    ]:
        assert _request(client, method, url, data).status_code == 403, url
    assert _state(case) == before


@pytest.mark.parametrize(
    ("tail", "what"), [("screenings/", "screening.list"), ("first-steps/", "first_step.list")]
)
def test_dp3_reading_screenings_and_first_steps_writes_an_access_log_row(
    client: Client, case, case_worker, presumed_screening, tail, what
) -> None:
    signed_in(client, case_worker)
    AccessLog.objects.all().delete()

    response = client.get(_url(case, tail))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # DP-13
    [row] = AccessLog.objects.all()
    assert (row.user, row.what, row.case_id, row.child_id, row.channel) == (
        case_worker,
        what,
        case.pk,
        case.child_id,
        "api",
    )


def test_id2_api_age_assessment_completed_by_a_supervisor_ends_the_presumption(
    client, case, supervisor
):
    signed_in(client, supervisor)
    response = client.post(
        f"/api/v1/cases/{case.public_id}/age-assessments/",
        {
            "method": "Fictional assessment",
            "decided_by": "Fictional panel",
            "evidence": "Fictional records.",
            "completed": True,
            "result": "adult",
            "assessed_birth_date": "2000-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["result"]) == ("completed", "adult")
    case.child.refresh_from_db()
    assert case.child.is_presumed_child is False


def test_id2_api_case_worker_cannot_complete_an_age_assessment(client, case, case_worker):
    from haven.children.models import AgeAssessment

    signed_in(client, case_worker)
    response = client.post(
        f"/api/v1/cases/{case.public_id}/age-assessments/",
        {
            "method": "Fictional assessment",
            "decided_by": "Me",
            "evidence": "None really.",
            "completed": True,
            "result": "adult",
            "assessed_birth_date": "2000-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert AgeAssessment.objects.count() == 0
    case.child.refresh_from_db()
    assert case.child.is_presumed_child is True


def test_id3_api_a_malformed_row_is_named_by_its_place_in_the_list(
    client: Client, case, case_worker
) -> None:
    # A list of objects reports each item's errors under "field.index.sub", not as the text of
    # a Python dictionary.
    signed_in(client, case_worker)
    before = _state(case)

    response = _post(
        client, _url(case, "screenings/"), _screening(forms=[{"form": "ForcedBegging"}, {}])
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"forms.1.form": ["This field is required."]}
    assert _state(case) == before
