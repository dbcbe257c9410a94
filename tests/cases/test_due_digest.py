"""The e-mail digest of what is due (CC-9, DP-13): off unless HAVEN_DUE_DIGEST is set; on, each
person with something overdue or due today on their own open cases gets one e-mail a run with
the counts and the link to What is due, in their language, and never a child's name, other
name, reference or anything of the case. Nobody else gets one; a person without an address is
left out. The number of queries does not grow with the number of people."""

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.accounts.roles import Role
from haven.cases.child_services import child_update
from haven.cases.due import due_by_user, due_items, scoped_cases
from haven.cases.management.commands.send_due_digest import digests
from haven.cases.models import Case
from haven.cases.services import case_assign, case_register
from haven.children.models import Child
from haven.identification.codes import Act, Exploitation
from haven.identification.services import screening_record
from haven.justice import services as justice
from haven.placements.services import placement_record
from tests.factories import child_fields, staff

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
ON = override_settings(HAVEN_DUE_DIGEST=True, HAVEN_BASE_URL="https://haven.example.org")
LOCATION = "Fictional market, stall 12"


def _screened(case: Case, actor: Any, hours_ago: int = 48) -> None:
    """Screened two days ago: the first steps not met yet are overdue or due soon (ID-4)."""
    screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=hours_ago),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
        location=LOCATION,
    )


def _with_email(user: Any, language: str = "") -> Any:
    user.email = f"{user.username}@example.org"
    user.preferred_language = language
    user.save(update_fields=["email", "preferred_language"])
    return user


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send_due_digest", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _hearing_in(case: Case, actor: Any, days: int) -> None:
    part = justice.proceeding_open(
        case=case,
        actor=actor,
        kind="criminal",
        authority="Fictional Provincial Court",
        stage="trial",
        opened_on=TODAY() - timedelta(days=30),
        role="witness",
    )
    justice.hearing_record(
        case=case,
        actor=actor,
        part=part,
        held_on=TODAY() + timedelta(days=days),
        purpose="Fictional: first hearing",
    )


@pytest.fixture
def due_case(case: Case, case_worker: Any) -> Case:
    """The case worker's case, with an other name, screened two days ago: first steps are
    overdue."""
    child_update(case=case, actor=case_worker, aliases=["Noi"], name_romanised="Mali Testchild")
    _screened(case, case_worker)
    return case


def test_cc9_the_digest_is_off_by_default_and_sends_nothing(due_case: Case, case_worker: Any):
    _with_email(case_worker)

    assert _run() == "The due digest is off (HAVEN_DUE_DIGEST): nothing sent.\n"
    assert _run("--dry-run") == "The due digest is off (HAVEN_DUE_DIGEST): nothing sent.\n"
    assert mail.outbox == []


@ON
def test_cc9_dp13_an_overdue_first_step_brings_one_mail_that_names_no_child(
    due_case: Case, case_worker: Any, agency: Any
):
    _with_email(case_worker)
    lines = due_items(case_worker, scoped_cases(case_worker))
    assert any(item.on < TODAY() for item in lines)

    assert _run() == "1 e-mail(s) sent, 0 not sent.\n"

    [sent] = mail.outbox
    assert sent.to == ["cw@example.org"]
    assert sent.subject == "Haven: what is due on your cases"
    assert "https://haven.example.org/cases/due/" in sent.body
    child = Child.objects.get(pk=due_case.child_id)
    assert child.name_romanised == "Mali Testchild"
    told = sent.subject + sent.body
    for secret in (
        child.given_name,
        child.family_name,
        "Noi",
        child.name_romanised,
        due_case.reference,
        due_case.reference.removeprefix("HV-"),
        str(due_case.public_id),
        str(child.public_id),
        LOCATION,
        agency.name,
        *(str(item.what) for item in lines),
    ):
        assert secret.lower() not in told.lower(), secret


@ON
def test_cc9_the_counts_are_exact(case: Case, case_worker: Any, agency: Any):
    # Given one case with first steps overdue and due, a placement review today and a hearing
    # in 2 days, and another case with only a hearing in 5 days.
    _with_email(case_worker)
    _screened(case, case_worker)
    placement_record(
        case=case,
        actor=case_worker,
        type="open_shelter",
        facility="Fictional shelter",
        start_on=TODAY() - timedelta(days=1),
        review_on=TODAY(),
        urgent_reason="Fictional: she needed a safe bed at once.",
    )
    _hearing_in(case, case_worker, 2)
    later = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    _hearing_in(later, case_worker, 5)
    lines = due_items(case_worker, scoped_cases(case_worker))
    overdue = sum(1 for i in lines if i.on < TODAY())
    today = sum(1 for i in lines if i.on == TODAY())
    assert (overdue, today, len(lines) - overdue - today) == (1, 2, 3)

    _run()

    [sent] = mail.outbox
    assert sent.body == (
        "Things are due on your cases in Haven.\n"
        "\n"
        "Overdue: 1\n"
        "Today: 2\n"
        "In the next 7 days: 3\n"
        "On 2 of your cases.\n"
        "\n"
        "What is due: https://haven.example.org/cases/due/\n"
        "\n"
        "This e-mail names no child: the details are in Haven, behind your sign-in.\n"
    )


@ON
def test_cc9_nothing_due_now_brings_no_mail(case: Case, case_worker: Any, agency: Any):
    # Given a case worker whose only line is a hearing in 3 days, and one with nothing at all.
    _with_email(case_worker)
    _hearing_in(case, case_worker, 3)
    idle = _with_email(staff(agency, Role.CASE_WORKER, username="idle"))
    case_register(actor=idle, agency=agency, child=child_fields(given_name="Sok"))

    assert _run() == "0 e-mail(s) sent, 0 not sent.\n"
    assert mail.outbox == []


@ON
def test_cc9_a_person_without_an_email_address_is_left_out(
    due_case: Case, case_worker: Any, agency: Any
):
    other = _with_email(staff(agency, Role.CASE_WORKER, username="other"))
    _screened(
        case_register(actor=other, agency=agency, child=child_fields(given_name="Mina")), other
    )
    assert case_worker.email == ""

    assert _run("--dry-run") == "1 e-mail(s) would be sent (dry run, none sent).\n"
    assert mail.outbox == []
    _run()
    assert [m.to for m in mail.outbox] == [["other@example.org"]]


@ON
def test_cc9_the_mail_is_in_the_persons_language(due_case: Case, case_worker: Any):
    _with_email(case_worker, language="th")

    _run()

    [sent] = mail.outbox
    assert "เลยกำหนด: " in sent.body  # "Overdue"
    assert "งานที่ถึงกำหนด: https://haven.example.org/cases/due/" in sent.body  # "What is due"
    assert "Overdue" not in sent.body


@ON
@override_settings(HAVEN_BASE_URL="")
def test_cc9_without_a_base_url_the_mail_names_the_page(due_case: Case, case_worker: Any):
    _with_email(case_worker)
    _run()
    [sent] = mail.outbox
    assert "Sign in to Haven and open What is due." in sent.body
    assert "http" not in sent.body


@ON
def test_dp1_an_interpreter_counts_only_the_lines_they_may_read(
    case: Case, case_worker: Any, assigned_interpreter: Any
):
    # Given the case's first steps (an interpreter reads them) and a hearing today (legal: an
    # interpreter does not read it).
    _screened(case, case_worker)
    _hearing_in(case, case_worker, 0)
    users = [case_worker, assigned_interpreter]

    together = due_by_user(users, until=TODAY() + timedelta(days=7))

    for user in users:
        assert together[user.pk] == due_items(user, scoped_cases(user))
    assert len(together[case_worker.pk]) == len(together[assigned_interpreter.pk]) + 1


@ON
def test_cc9_the_queries_do_not_grow_with_the_number_of_people(
    due_case: Case, case_worker: Any, agency: Any, supervisor: Any
):
    _with_email(case_worker)
    with CaptureQueriesContext(connection) as one:
        assert len(digests()) == 1
    for name in ("Dara", "Mina", "Sok"):
        worker = _with_email(staff(agency, Role.CASE_WORKER, username=name.lower()))
        other = case_register(actor=worker, agency=agency, child=child_fields(given_name=name))
        _screened(other, worker)
        case_assign(case=other, actor=supervisor, user=case_worker, role="support_person")
    with CaptureQueriesContext(connection) as four:
        assert len(digests()) == 4
    # The people, their memberships, their assignments, the sources of what is due (first
    # steps due, then those of them no other record meets; placement and restriction reviews;
    # hearings; safety-plan and plan reviews) and what each may read: whatever the number of
    # people and cases.
    assert len(four) == len(one) == 11
