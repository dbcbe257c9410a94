"""When the child cannot be reached (RR-6): attempts to reach the child are recorded with when,
how and what was learnt; a case closes as "contact lost" only after three of them on different
days, in more than one way — on the service, the page and the API alike. Bad input and a
refused closing change nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_change_stage, closure_request
from haven.core.errors import SafeguardViolation
from haven.reintegration.models import ContactAttempt
from haven.reintegration.services import contact_attempt_record
from tests.conftest import signed_in
from tests.factories import close_case
from tests.reintegration.helpers import days, today

pytestmark = pytest.mark.django_db

REASON = "Fictional: no one has seen her since the family moved; three attempts recorded."
NOTES = "Fictional: the neighbours say the family left a month ago, address unknown."


def _try(case: Case, actor: Any, on: Any, method: str = "visit") -> ContactAttempt:
    return contact_attempt_record(
        case=case, actor=actor, attempted_on=on, method=method, notes=NOTES
    )


@pytest.fixture
def known(case: Case) -> Case:
    """The case, opened two months ago."""
    Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - timedelta(days=60))
    case.refresh_from_db()
    return case


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (case.stage, ContactAttempt.objects.count(), AuditEvent.objects.count())


def test_rr6_an_attempt_is_recorded_with_when_how_and_what_was_learnt(
    case: Case, case_worker: Any
) -> None:
    attempt = _try(case, case_worker, today(), "phone")

    assert (attempt.attempted_on, attempt.method, attempt.notes) == (today(), "phone", NOTES)
    assert AuditEvent.objects.filter(action="reintegration.contact_attempt").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"attempted_on": None}, "attempted_on"),
        ({"method": "telepathy"}, "method"),
        ({"notes": "  "}, "notes"),
        ({"attempted_on": days(2)}, "attempted_on"),  # in the future
        ({"attempted_on": days(-4000)}, "attempted_on"),  # before the case was opened
    ],
)
def test_rr6_bad_input_names_the_field_and_records_nothing(
    case: Case, case_worker: Any, fields: dict[str, Any], field: str
) -> None:
    before = _state(case)
    values = {"attempted_on": today(), "method": "visit", "notes": NOTES, **fields}

    with pytest.raises(ValidationError) as refused:
        contact_attempt_record(case=case, actor=case_worker, **values)

    assert field in refused.value.message_dict
    assert _state(case) == before


@pytest.mark.parametrize(
    "attempts",
    [
        [],
        [(0, "visit"), (-1, "phone")],  # two only
        [(0, "visit"), (-1, "visit"), (-2, "visit")],  # one way only
        [(0, "visit"), (0, "phone"), (-1, "family")],  # two days only
    ],
    ids=["none", "two", "one-way", "two-days"],
)
def test_rr6_a_case_does_not_close_as_contact_lost_without_the_attempts(
    known: Case, case_worker: Any, supervisor: Any, attempts: list[tuple[int, str]]
) -> None:
    case = known
    for offset, method in attempts:
        _try(case, case_worker, days(offset), method)
    before = _state(case)

    with pytest.raises(SafeguardViolation) as asked:
        closure_request(case=case, actor=case_worker, closed_reason="lost_contact", reason=REASON)
    with pytest.raises(SafeguardViolation) as directly:
        case_change_stage(
            case=case,
            actor=supervisor,
            to_stage="closed",
            closed_reason="lost_contact",
            reason=REASON,
        )

    assert asked.value.measure_id == directly.value.measure_id == "RR-6"
    assert "three recorded attempts" in str(asked.value.message)
    assert _state(case) == before


def test_rr6_three_attempts_on_different_days_in_two_ways_let_it_close(
    known: Case, case_worker: Any
) -> None:
    case = known
    for offset, method in ((-10, "visit"), (-5, "phone"), (0, "family")):
        _try(case, case_worker, days(offset), method)

    closed = close_case(case, case_worker, "lost_contact", REASON)

    assert (closed.stage, closed.closed_reason) == (Case.Stage.CLOSED, "lost_contact")


def test_rr6_the_page_records_an_attempt_and_the_recovery_page_lists_it(
    client: Client, case: Case, case_worker: Any
) -> None:
    browser = signed_in(client, case_worker)

    response = browser.post(
        f"/cases/{case.public_id}/recovery/contact-attempts/new/",
        {"attempted_on": today().isoformat(), "method": "school", "notes": NOTES},
        follow=True,
    )
    refused = browser.post(
        f"/cases/{case.public_id}/recovery/contact-attempts/new/",
        {"attempted_on": today().isoformat(), "method": "school", "notes": ""},
    )

    page = response.content.decode()
    assert "The attempt is recorded." in page
    assert "Through the school, work or community" in page
    assert refused.status_code == 400
    assert ContactAttempt.objects.count() == 1


def test_rr6_the_api_records_an_attempt_and_the_recovery_document_lists_it(
    client: Client, case: Case, case_worker: Any
) -> None:
    api = signed_in(client, case_worker)

    created = api.post(
        f"/api/v1/cases/{case.public_id}/recovery/contact-attempts/",
        {"attempted_on": today().isoformat(), "method": "agency", "notes": NOTES},
        content_type="application/json",
    )
    bad = api.post(
        f"/api/v1/cases/{case.public_id}/recovery/contact-attempts/",
        {"attempted_on": today().isoformat(), "method": "nope", "notes": NOTES},
        content_type="application/json",
    )
    document = api.get(f"/api/v1/cases/{case.public_id}/recovery/").json()

    assert created.status_code == 201
    assert bad.status_code == 400
    assert [a["method"] for a in document["contact_attempts"]] == ["agency"]
