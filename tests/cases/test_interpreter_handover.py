"""CC-10 on the handover page: before someone who does not speak the child's language takes the
case, the page says so and that an interpreter will be needed, and asks to confirm. A prompt,
never a block: confirming assigns at once (urgent protection waits for no interpreter), and the
case's CC-10 alert follows the assignment."""

from typing import Any

import pytest
from django.test import Client

from haven.accounts.models import User
from haven.accounts.roles import Role
from haven.audit.models import AccessLog, AuditEvent
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import case_assign
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import staff

pytestmark = pytest.mark.django_db

NOTE = "Fictional handover: she likes to talk in the afternoon, with the same interpreter."
WORKER = "cc10.case_worker_language"


def _state() -> tuple[list[tuple[int, int, Any]], int, int]:
    return (
        list(CaseAssignment.objects.order_by("pk").values_list("pk", "user_id", "ended_at")),
        AuditEvent.objects.count(),
        Alert.objects.count(),
    )


def _hand_over(client: Client, case: Case, user: User, role: str = "case_worker", **extra: Any):  # type: ignore[no-untyped-def]
    return client.post(
        f"/cases/{case.public_id}/assign/",
        {"user": user.pk, "role": role, "handover_note": NOTE, **extra},
    )


def _current_case_worker(case: Case) -> User:
    return CaseAssignment.objects.current().get(case=case, role="case_worker").user


def test_cc10_handover_page_asks_to_confirm_a_worker_without_the_childs_language(
    client: Client, case: Case, supervisor: User, case_worker: User, agency: Any
) -> None:
    newcomer = staff(
        agency, Role.CASE_WORKER, username="newcomer", first_name="Nok", languages=["th", "en"]
    )
    signed_in(client, supervisor)
    before = _state()

    response = _hand_over(client, case, newcomer)

    # Then the page says who does not speak which language, and nothing is assigned yet
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not recorded as speaking the child's language (Burmese)." in page
    assert "They work in Thai, English." in page
    assert "none is assigned to this case" in page
    assert "Assign anyway" in page
    assert 'name="language_confirmed" value="True"' in page
    assert f'name="user" value="{newcomer.pk}"' in page
    assert _state() == before
    assert _current_case_worker(case) == case_worker
    assert AccessLog.objects.filter(what="case.assign_confirm", case_id=case.pk).count() == 1


def test_cc10_confirming_the_prompt_hands_over_and_raises_the_alert(
    client: Client, case: Case, supervisor: User, agency: Any
) -> None:
    newcomer = staff(agency, Role.CASE_WORKER, username="newcomer", languages=["th"])
    signed_in(client, supervisor)

    response = _hand_over(client, case, newcomer, language_confirmed="True")

    assert response.status_code == 302
    assert _current_case_worker(case) == newcomer
    assert CaseAssignment.objects.current().get(case=case, role="case_worker").handover_note == NOTE
    assert list(
        Alert.objects.filter(case=case, rule_code=WORKER).values_list("subject", "status")
    ) == [(str(newcomer.public_id), "open")]


def test_cc10_the_prompt_names_the_interpreter_already_on_the_case(
    client: Client, case: Case, supervisor: User, agency: Any, assigned_interpreter: User
) -> None:
    newcomer = staff(agency, Role.CASE_WORKER, username="newcomer", languages=["th"])
    signed_in(client, supervisor)

    page = _hand_over(client, case, newcomer).content.decode()

    assert "An interpreter will be needed for every conversation with the child." in page
    assert f"The interpreter on this case:\n    {assigned_interpreter}." in page


@pytest.mark.parametrize(
    ("role", "part", "languages"),
    [
        (Role.CASE_WORKER, "case_worker", ["my", "th"]),  # speaks the child's language
        (Role.CASE_WORKER, "case_worker", []),  # languages not recorded: nothing asserted
        (Role.INTERPRETER, "interpreter", ["th"]),  # the interpreter is the answer, not the gap
    ],
    ids=["speaks-burmese", "not-recorded", "interpreter"],
)
def test_cc10_no_prompt_when_there_is_nothing_to_say(
    client: Client,
    case: Case,
    supervisor: User,
    agency: Any,
    role: str,
    part: str,
    languages: list[str],
) -> None:
    person = staff(agency, role, username="person", languages=languages)
    signed_in(client, supervisor)

    response = _hand_over(client, case, person, role=part)

    assert response.status_code == 302
    assert CaseAssignment.objects.current().filter(case=case, user=person, role=part).exists()


def test_cc10_the_person_choice_shows_working_languages_and_the_childs(
    client: Client, case: Case, supervisor: User, agency: Any
) -> None:
    staff(agency, Role.CASE_WORKER, username="polyglot", first_name="Ploy", languages=["th", "my"])
    signed_in(client, supervisor)

    page = client.get(f"/cases/{case.public_id}/").content.decode()

    assert "The child speaks: Burmese. Someone who does not will need an interpreter." in page
    assert "(Fictional Child Protection Office, Case worker) — works in Thai, Burmese" in page


def test_cc10_the_api_hands_over_without_a_prompt_and_raises_the_alert(
    client: Client, case: Case, supervisor: User, agency: Any
) -> None:
    newcomer = staff(agency, Role.CASE_WORKER, username="newcomer", languages=["th"])
    signed_in(client, supervisor)

    response = client.post(
        f"/api/v1/cases/{case.public_id}/assignments/",
        {"user": str(newcomer.public_id), "role": "case_worker", "handover_note": NOTE},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert list(
        Alert.objects.filter(case=case, rule_code=WORKER, status="open").values_list(
            "subject", flat=True
        )
    ) == [str(newcomer.public_id)]


def test_cc10_a_refused_handover_after_the_prompt_changes_nothing(
    client: Client, case: Case, supervisor: User, agency: Any
) -> None:
    newcomer = staff(agency, Role.CASE_WORKER, username="newcomer", languages=["th"])
    signed_in(client, supervisor)
    before = _state()

    # Confirmed, but without the handover note a change of case worker needs
    response = client.post(
        f"/cases/{case.public_id}/assign/",
        {"user": newcomer.pk, "role": "case_worker", "language_confirmed": "True"},
    )

    assert response.status_code == 400
    assert "Write a handover note" in response.content.decode()
    assert _state() == before


def test_cc10_a_case_assign_through_the_service_needs_no_confirmation(
    case: Case, supervisor: User, agency: Any
) -> None:
    newcomer = staff(agency, Role.CASE_WORKER, username="newcomer", languages=["th"])

    case_assign(case=case, actor=supervisor, user=newcomer, role="case_worker", handover_note=NOTE)

    assert _current_case_worker(case) == newcomer
