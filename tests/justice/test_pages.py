"""The Justice pages of a case (VW-1 … VW-8; DP-1, DP-2, DP-3): who reaches each page, what a
saved form writes and where it leads, what bad input answers (400, the field named, nothing
saved), the safeguards' refusals shown with their measure ID, and the reads logged. The services
and rules are tested in test_services.py."""

from datetime import timedelta
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, Interview
from haven.cases.services import case_assign, case_register
from haven.justice import services
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
from tests.conftest import signed_in
from tests.factories import at_run, child_fields, staff
from tests.justice.helpers import decide, legal_session, open_proceeding

TODAY = timezone.localdate


def _day(offset: int) -> str:
    return (TODAY() + timedelta(days=offset)).isoformat()


def _state() -> tuple[int, ...]:
    """Every row a Justice page may write, and the audit trail."""
    return tuple(
        model.objects.count()
        for model in (
            Proceeding,
            ChildInProceeding,
            Hearing,
            ProceedingEvent,
            Participation,
            HearingAttendance,
            ProceedingStatement,
            Interview,
            ChildUpdate,
            ReprisalRisk,
            Compensation,
            AuditEvent,
        )
    )


class World:
    """A case with a proceeding in which the child agreed to a statement and to claim
    compensation, a hearing to come, and a claim."""

    def __init__(self, case: Case, actor: Any) -> None:
        self.case = case
        self.actor = actor
        self.part = open_proceeding(case, actor)
        decide(self.part, actor, "statement")
        decide(self.part, actor, "compensation_claim")
        self.hearing = services.hearing_record(
            case=case, actor=actor, part=self.part, held_on=TODAY() + timedelta(days=20)
        )
        self.claim = services.compensation_record(
            case=case,
            actor=actor,
            part=self.part,
            claimed_on=TODAY(),
            currency="THB",
            amount_claimed=Decimal("50000"),
        )

    def url(self, name: str) -> str:
        case, part = self.case.public_id, self.part.public_id
        args: list[Any] = {
            "justice": [case],
            "proceeding_new": [case],
            "proceeding_join": [case],
            "attendance": [case, part, self.hearing.public_id],
            "compensation_update": [case, part, self.claim.public_id],
        }.get(name, [case, part])
        return reverse(f"justice:{name}", args=args)

    @property
    def page(self) -> str:
        return self.url("justice")


@pytest.fixture
def world(case: Case, case_worker: Any) -> World:
    return World(case, case_worker)


def _client(user: Any) -> Client:
    return signed_in(Client(), user)


# A valid post for each form, as a practitioner would fill it in.
def _valid(name: str, world: World) -> dict[str, Any]:
    if name == "participation_new":  # needs a session of this case, written only when asked
        return {
            "form": "testimony",
            "choice": "declines",
            "decided_on": _day(0),
            "information_session": str(legal_session(world.case, world.actor).public_id),
            "retraumatisation_risk": "high",
            "intimidation_risk": "high",
            "reprisal_risk": "medium",
            "child_views": "Fictional: I do not want to see him again.",
        }
    return {
        "proceeding_new": {
            "kind": "civil",
            "authority": "Fictional Civil Court",
            "reference": "FCC 9/2026",
            "stage": "investigation",
            "opened_on": _day(-10),
            "role": "claimant",
            "child_lawyer": "Fictional Child Lawyer",
        },
        "proceeding_join": {"role": "complainant"},  # the proceeding is added by the test
        "proceeding_edit": {
            "kind": "criminal",
            "authority": "Fictional Provincial Court",
            "reference": "FPC 123/2026",
            "stage": "trial",
            "opened_on": _day(-60),
            "role": "witness",
            "accused": "Fictional Accused One",
            "defence": "Fictional Defence Lawyer",
        },
        "hearing_new": {"held_on": _day(30), "purpose": "Fictional: the child's testimony"},
        "event_new": {"kind": "release", "occurred_on": _day(0), "summary": "Fictional: bail."},
        "attendance": {
            "support_name": "Fictional Aunt",
            "support_relation": "aunt",
            "requested": ["screen", "breaks"],
            "granted": ["screen"],
        },
        "statement_new": {
            "kind": "statement",
            "conducted_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "interviewer": "Fictional Prosecutor",
            "duration_minutes": "40",
            "support_person": "Fictional Social Worker",
            "interpreter": "Fictional Interpreter",
            "child_told_story": "on",
            "video_recorded": "on",
        },
        "update_new": {
            # Now (to the minute, as the form takes it): after the news the page lists.
            "given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "given_by": "Fictional Case Worker",
            "language": "my",
            "explained": "Fictional: a hearing is set; what will happen there.",
            "support_person_told": "on",
        },
        "risk_new": {
            "assessed_on": _day(0),
            "level": "high",
            "threats": "on",
            "measures": ["no_contact_order", "police_protection"],
        },
        "compensation_new": {"claimed_on": _day(0), "currency": "THB", "amount_claimed": "1200.50"},
        "compensation_update": {
            "claimed_on": _day(0),
            "currency": "THB",
            "amount_claimed": "50000",
            "amount_awarded": "30000",
            "awarded_on": _day(0),
            "amount_paid": "30000",
            "held_for_child": "25000",
            "held_by": "Fictional Trust Fund",
        },
    }[name]


FORMS = [
    "proceeding_new",
    "proceeding_join",
    "proceeding_edit",
    "hearing_new",
    "event_new",
    "participation_new",
    "attendance",
    "statement_new",
    "update_new",
    "risk_new",
    "compensation_new",
    "compensation_update",
]
PAGES = ["justice", *FORMS]


# --- who reaches the pages (DP-1, DP-2) -----------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_dp1_every_justice_page_opens_for_the_case_worker(world: World, name: str) -> None:
    response = _client(world.actor).get(world.url(name))

    assert response.status_code == 200
    assert response["Cache-Control"].count("no-store") == 1


@pytest.mark.parametrize("name", PAGES)
def test_dp1_dp2_a_reader_without_legal_matters_or_of_another_agency_gets_404(
    world: World, name: str, assigned_interpreter: Any, outsider: Any
) -> None:
    # Given an interpreter assigned to the case (who reads no legal matter) and a case worker of
    # another agency
    data = _valid(name, world) if name in FORMS else {}
    before = _state()
    for user in (assigned_interpreter, outsider):
        client = _client(user)
        # When they open the page, or post to it
        # Then the answer is the one for a page that does not exist, and nothing is written
        assert client.get(world.url(name)).status_code == 404, user
        if name in FORMS:
            assert client.post(world.url(name), data).status_code == 404, user
    assert _state() == before


def test_dp1_a_part_of_another_case_answers_404(world: World, agency: Any) -> None:
    other = case_register(
        actor=world.actor, agency=agency, child=child_fields(given_name="Fictional Two")
    )
    url = reverse("justice:hearing_new", args=[other.public_id, world.part.public_id])

    assert _client(world.actor).get(url).status_code == 404


def test_vw_forms_show_only_to_those_who_may_use_them(
    world: World, supervisor: Any, agency: Any
) -> None:
    # Given the child's guardian: reads legal matters, tells the child, records no proceeding
    guardian = staff(agency, Role.GUARDIAN, username="guardian")
    case_assign(case=world.case, actor=supervisor, user=guardian, role="guardian")
    client = _client(guardian)

    body = client.get(world.page).content.decode()

    assert "Fictional Provincial Court" in body
    assert world.url("update_new") in body
    for name in ("proceeding_new", "hearing_new", "risk_new", "statement_new", "attendance"):
        assert world.url(name) not in body, name
    before = _state()
    for name in ("proceeding_new", "statement_new", "risk_new"):
        assert client.post(world.url(name), _valid(name, world)).status_code == 403, name
    assert _state() == before


def test_the_case_page_links_to_justice_for_a_reader_of_legal_matters(
    world: World, assigned_interpreter: Any
) -> None:
    detail = reverse("cases:detail", args=[world.case.public_id])

    assert world.page in _client(world.actor).get(detail).content.decode()
    assert world.page not in _client(assigned_interpreter).get(detail).content.decode()


def test_vw1_the_interview_form_sends_statements_to_the_justice_page(
    case: Case, case_worker: Any
) -> None:
    url = reverse("cases:interview_new", args=[case.public_id])

    body = _client(case_worker).get(url).content.decode()

    assert "recorded under their proceeding" in body


# --- reads are logged (DP-3) ----------------------------------------------------------------------


def test_dp3_the_justice_page_and_its_forms_log_the_read(world: World) -> None:
    client = _client(world.actor)

    client.get(world.page)
    client.get(world.url("statement_new"))

    logged = list(AccessLog.objects.filter(case_id=world.case.pk).values_list("what", flat=True))
    assert "justice.view" in logged
    assert "justice.form" in logged


# --- every form saves through its service ---------------------------------------------------------


def _join_target(world: World, agency: Any) -> Proceeding:
    """A proceeding recorded on another child's case of the agency: one trafficker, two
    children."""
    other = case_register(
        actor=world.actor, agency=agency, child=child_fields(given_name="Fictional Two")
    )
    return open_proceeding(other, world.actor, reference="FPC 456/2026").proceeding


# What each saved form wrote: the model that gained a row (or changed), read back.
SAVED = {
    "proceeding_new": lambda w: ChildInProceeding.objects.filter(case=w.case, role="claimant"),
    "proceeding_join": lambda w: ChildInProceeding.objects.filter(case=w.case, role="complainant"),
    "proceeding_edit": lambda w: Proceeding.objects.filter(pk=w.part.proceeding_id, stage="trial"),
    "hearing_new": lambda w: Hearing.objects.filter(held_on=TODAY() + timedelta(days=30)),
    "event_new": lambda w: ProceedingEvent.objects.filter(kind="release"),
    "participation_new": lambda w: Participation.objects.filter(form="testimony"),
    "attendance": lambda w: HearingAttendance.objects.filter(
        support_name="Fictional Aunt", requested=["breaks", "screen"], granted=["screen"]
    ),
    "statement_new": lambda w: ProceedingStatement.objects.filter(
        child_in_proceeding=w.part, video_recorded=True, interview__kind="statement"
    ),
    "update_new": lambda w: ChildUpdate.objects.filter(child_in_proceeding=w.part),
    "risk_new": lambda w: ReprisalRisk.objects.filter(
        level="high", measures=["no_contact_order", "police_protection"]
    ),
    "compensation_new": lambda w: Compensation.objects.filter(amount_claimed=Decimal("1200.50")),
    "compensation_update": lambda w: Compensation.objects.filter(
        pk=w.claim.pk, amount_awarded=Decimal("30000"), held_for_child=Decimal("25000")
    ),
}


@pytest.mark.parametrize("name", FORMS)
def test_vw_each_form_saves_once_and_leads_back_to_the_justice_page(
    world: World, agency: Any, name: str
) -> None:
    data = _valid(name, world)
    if name == "proceeding_join":
        data["proceeding"] = str(_join_target(world, agency).public_id)
    assert not SAVED[name](world).exists()
    audit = AuditEvent.objects.count()

    response = _client(world.actor).post(world.url(name), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"].startswith(world.page + "#")
    assert SAVED[name](world).count() == 1
    assert AuditEvent.objects.count() == audit + 1


# --- bad input: 400, the field named, nothing saved -----------------------------------------------

BAD = [
    ("proceeding_new", {"stage": "closed"}, "Closed on", "Give the date the proceeding closed."),
    ("proceeding_new", {"opened_on": "31/02/2026"}, "Opened on", "Enter a valid date."),
    ("proceeding_join", {"proceeding": "not-a-proceeding"}, "Proceeding", "Select a valid choice"),
    ("proceeding_edit", {"role": "accused"}, "The child's role", "Select a valid choice"),
    (
        "hearing_new",
        {"held_on": lambda: _day(-61)},
        "Date of the hearing",
        "before the proceeding opened",
    ),
    (
        "event_new",
        {"occurred_on": lambda: _day(3)},
        "On",
        "This cannot be recorded before it happens.",
    ),
    (
        "participation_new",
        {"child_views": "  "},
        "The child's views, in their words",
        "Write the child's views, in their words",
    ),
    (
        "participation_new",
        {"information_session": ""},
        "Information session on the legal process and the right to decline",
        "Choose the information session",
    ),
    (
        "attendance",
        {"support_name": "fictional  ACCUSED one"},
        "Or: another support person, by name",
        "This person is recorded among the accused",
    ),
    ("attendance", {"requested": ["teleport"]}, "Measures requested", "Select a valid choice"),
    (
        "statement_new",
        {"support_person": ""},
        "Support person present",
        "Name the child's support person",
    ),
    ("statement_new", {"duration_minutes": "lots"}, "Duration (minutes)", "Enter a whole number."),
    ("update_new", {"explained": ""}, "What was explained to the child", "Say what was explained"),
    ("risk_new", {"level": "extreme"}, "Risk of reprisal", "Select a valid choice"),
    ("compensation_new", {"currency": "1$"}, "Currency", "three-letter code"),
    ("compensation_new", {"amount_claimed": "-5"}, "Amount claimed", "Give the amount claimed."),
    (
        "compensation_update",
        {"amount_paid": "30001"},
        "Amount paid",
        "More cannot be paid than was awarded",
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "label", "message"), BAD, ids=[f"{b[0]}-{next(iter(b[1]))}" for b in BAD]
)
def test_vw_bad_input_names_the_field_answers_400_and_saves_nothing(
    world: World, agency: Any, name: str, changes: dict[str, Any], label: str, message: str
) -> None:
    data = {**_valid(name, world), **at_run(changes)}
    before = _state()

    response = _client(world.actor).post(world.url(name), data)

    assert response.status_code == 400
    body = unescape(response.content.decode())
    errors = body[body.index('id="form-errors"') :]
    assert f"{label}</a>: " in errors
    assert message in errors
    assert _state() == before


# --- the safeguards' refusals, with their measure ID ----------------------------------------------


def _statement_post(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "statement",
        "conducted_at": (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "interviewer": "Fictional Prosecutor",
        "duration_minutes": "40",
        "support_person": "Fictional Social Worker",
        "interpreter": "Fictional Interpreter",
        "child_told_story": "on",
        **changes,
    }


def test_vw1_a_statement_before_the_child_agreed_is_refused_on_the_page(
    case: Case, case_worker: Any
) -> None:
    # Given a proceeding in which nothing is decided about the child taking part
    part = open_proceeding(case, case_worker)
    url = reverse("justice:statement_new", args=[case.public_id, part.public_id])
    client = _client(case_worker)
    # The page says so before anything is filled in
    assert "not decided — record the child" in unescape(client.get(url).content.decode())
    before = _state()

    # When a statement is posted
    response = client.post(url, _statement_post())

    # Then it is refused with the measure, and nothing is written
    assert response.status_code == 400
    body = unescape(response.content.decode())
    assert "VW-1: The child does not take part (giving a statement) until it is decided" in body
    assert _state() == before


def test_vw1_vw8_a_declined_testimony_is_refused_and_the_choice_stands(
    case: Case, case_worker: Any
) -> None:
    part = open_proceeding(case, case_worker)
    decide(part, case_worker, "testimony", choice="declines")
    url = reverse("justice:statement_new", args=[case.public_id, part.public_id])
    before = _state()

    response = _client(case_worker).post(url, _statement_post(kind="testimony"))

    assert response.status_code == 400
    body = unescape(response.content.decode())
    assert "VW-1: The child declined (testifying at a hearing) and that choice stands" in body
    assert "Their help goes on exactly as before (VW-8)" in body
    assert _state() == before


def test_vw4_a_second_statement_after_a_video_recorded_one_asks_why(world: World) -> None:
    client = _client(world.actor)
    url = world.url("statement_new")
    assert client.post(url, _statement_post(video_recorded="on")).status_code == 302
    before = _state()

    refused = client.post(url, _statement_post())
    assert refused.status_code == 400
    assert "Say why it does not serve (VW-4)" in unescape(refused.content.decode())
    assert _state() == before

    why = "Fictional: the court refused the recording."
    assert client.post(url, _statement_post(why_not_reused=why)).status_code == 302
    # The page counts both and marks the recorded one as reused (VW-5)
    body = unescape(client.get(world.page).content.decode())
    assert "2 statements" in body
    assert body.count("video-recorded: reused") == 1
    assert why in body


def test_vw1_vw2_without_a_session_or_a_determination_the_page_says_where_to_record_them(
    case: Case, case_worker: Any
) -> None:
    part = open_proceeding(case, case_worker)
    url = reverse("justice:participation_new", args=[case.public_id, part.public_id])

    body = unescape(_client(case_worker).get(url).content.decode())

    assert "No information session on the legal process is recorded" in body
    assert reverse("protection:information_new", args=[case.public_id]) in body
    assert "No best-interests determination about taking part in legal proceedings" in body
    decision_new = reverse("protection:decision_new", args=[case.public_id])
    assert f"{decision_new}?subject=legal_participation" in body


def test_vw1_a_yes_without_a_determination_is_refused_and_a_no_is_recorded(
    case: Case, case_worker: Any
) -> None:
    part = open_proceeding(case, case_worker)
    session = legal_session(case, case_worker)
    url = reverse("justice:participation_new", args=[case.public_id, part.public_id])
    data = {
        "form": "cross_examination",
        "choice": "agrees",
        "decided_on": _day(0),
        "information_session": str(session.public_id),
        "retraumatisation_risk": "high",
        "intimidation_risk": "high",
        "reprisal_risk": "high",
        "child_views": "Fictional: I do not want his lawyer to shout at me.",
    }
    client = _client(case_worker)
    before = _state()

    refused = client.post(url, data)

    assert refused.status_code == 400
    assert "Choose a best-interests determination" in unescape(refused.content.decode())
    assert _state() == before
    assert client.post(url, {**data, "choice": "declines"}).status_code == 302
    assert Participation.objects.get().choice == "declines"


# --- what the page shows --------------------------------------------------------------------------


def test_vw6_the_open_justice_alerts_are_at_the_top_with_their_measure_id(world: World) -> None:
    # Given the hearing the world recorded: news the child has not been told (VW-6)
    client = _client(world.actor)

    body = unescape(client.get(world.page).content.decode())

    assert "VW-6 · Alert" in body
    assert "Tell the child what happened in the proceeding" in body
    assert body.index("VW-6 · Alert") < body.index(f'id="part-{world.part.public_id}"')
    assert "News not told yet" in body
    # The update page lists what to tell; once told, the alert is gone
    assert "A hearing date was set" in client.get(world.url("update_new")).content.decode()
    client.post(world.url("update_new"), _valid("update_new", world))
    told = unescape(client.get(world.page).content.decode())
    assert "Tell the child what happened in the proceeding" not in told
    assert "Last told" in told


def test_vw1_vw3_vw4_vw7_the_page_shows_the_childs_part_and_what_protects_them(
    world: World,
) -> None:
    client = _client(world.actor)
    # The child agreed to testify: the hearing to come needs a support person (VW-3)
    decide(world.part, world.actor, "testimony")
    assert "No support person recorded (VW-3)" in client.get(world.page).content.decode()
    client.post(world.url("attendance"), _valid("attendance", world))
    client.post(world.url("risk_new"), _valid("risk_new", world))

    body = unescape(client.get(world.page).content.decode())

    assert "No support person recorded (VW-3)" not in body

    for shown in (
        "Fictional Provincial Court · FPC 123/2026",
        "Pre-trial",
        "Witness",
        "Giving a statement",
        "the child agrees",
        "in force, decided",
        "Support person: Fictional Aunt (aunt)",
        "Requested: Screen or separation from the accused, Breaks",
        "Granted: Screen or separation from the accused",
        "Protection: Police protection, No-contact order",
        "Claimed 50000.00 THB",
    ):
        assert shown in body, shown
    assert 'name="requested" value="screen"' in unescape(
        client.get(world.url("attendance")).content.decode()
    )


def test_vw1_vw8_the_latest_choice_is_in_force_and_the_earlier_one_is_kept(world: World) -> None:
    # Given a child who agreed to give a statement, and then changed their mind
    decide(world.part, world.actor, "statement", choice="declines")

    body = unescape(_client(world.actor).get(world.page).content.decode())

    statement = body[body.index("Giving a statement") : body.index("Claiming compensation")]
    assert "the child declines" in statement
    assert "the child agrees" not in statement
    assert "Earlier decisions" in statement
    assert "The child agrees to take part" in statement


# --- a shared proceeding, changed from two cases (lost updates) ---------------------------------


@pytest.mark.parametrize(
    ("name", "record"), [("proceeding_edit", "proceeding"), ("compensation_update", "claim")]
)
def test_vw_a_change_of_a_version_someone_else_changed_is_refused_with_409(
    world: World, name: str, record: str
) -> None:
    # Given two people who opened the same version of the proceeding (or the claim)
    opened = world.part.proceeding.version if record == "proceeding" else world.claim.version
    client = _client(world.actor)
    first = client.post(world.url(name), {**_valid(name, world), "version": opened})
    assert first.status_code == 302
    before = _state()

    # When the second saves what they typed over the version they opened
    second = client.post(
        world.url(name), {**_valid(name, world), "held_by": "Fictional Other", "version": opened}
    )

    # Then it is refused, saying so, with what they typed kept, and nothing is written
    assert second.status_code == 409
    body = unescape(second.content.decode())
    assert "Someone else changed this record" in body
    assert _state() == before
