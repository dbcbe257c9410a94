"""A child found back in exploitation (RR-6) comes back to their own case, not as a new child:
the return is recorded with its date and forms; a closed case reopens to protection in the same
write, with everything recorded before, and protection's first steps are asked again. Bad
input, or a person who may not plan reintegration, changes nothing — on the page and in the API
alike."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import Case, StageChange
from haven.cases.selectors import with_list_details
from haven.cases.services import case_assign
from haven.reintegration.models import Retrafficking
from haven.reintegration.services import retrafficking_record
from tests.conftest import signed_in
from tests.factories import close_case, interview, staff
from tests.reintegration.helpers import days, member, plan, today

pytestmark = pytest.mark.django_db

NOTES = "Fictional: found by the labour inspectorate at the same garment workshop."


def _record(case: Case, actor: Any, **overrides: Any) -> Retrafficking:
    fields = {"occurred_on": today(), "forms": ["ForcedLabour"], "notes": NOTES, **overrides}
    return retrafficking_record(case=case, actor=actor, **fields)


def _close(case: Case, actor: Any) -> None:
    close_case(case, actor, reason="Fictional: back at school, the family supported.")


def _told(case: Case) -> int:
    (listed,) = with_list_details(Case.objects.filter(pk=case.pk))
    return int(listed.retellings)


def _state(case: Case) -> tuple[Any, ...]:
    case.refresh_from_db()
    return (
        case.stage,
        case.closed_at,
        Retrafficking.objects.count(),
        StageChange.objects.count(),
        AuditEvent.objects.count(),
    )


def test_rr6_a_return_to_exploitation_is_recorded_on_the_childs_case_with_date_and_forms(
    case: Case, case_worker: Any
) -> None:
    event = _record(case, case_worker, forms=["SexualExploitation", "ForcedBegging"])

    assert (event.case, event.occurred_on, event.forms, event.notes) == (
        case,
        today(),
        ["ForcedBegging", "SexualExploitation"],
        NOTES,
    )
    assert event.form_labels == ["Forced begging", "Sexual exploitation"]
    audit = AuditEvent.objects.latest("pk")
    assert (audit.action, audit.case_id) == ("reintegration.retrafficking_record", case.pk)
    # Codes and dates only: never what is known of it.
    assert NOTES not in str(audit.changes)
    case.refresh_from_db()
    assert case.stage == "identification"  # an open case stays where it is


def test_rr6_a_closed_case_reopens_to_protection_with_everything_recorded_before(
    case: Case, case_worker: Any
) -> None:
    mother = member(case, case_worker)
    interview(case, case_worker)
    plan(case, case_worker, agreed_on=days(-60), review_on=days(30), first_visit_on=days(20))
    _close(case, case_worker)
    told_before = _told(case)
    assert told_before == 1

    _record(case, case_worker)

    case.refresh_from_db()
    assert (case.stage, case.closed_at, case.closed_reason) == ("protection", None, "")
    change = StageChange.objects.filter(case=case).latest("pk")
    assert (change.from_stage, change.to_stage) == ("closed", "protection")
    assert "Found back in exploitation" in change.reason
    # The same child, the same record: nothing to tell again, nobody registered twice.
    assert Case.objects.filter(child=case.child).count() == 1
    assert list(case.family_members.all()) == [mother]
    assert case.reintegration_plans.count() == 1
    assert _told(case) == told_before
    # The reopening and the event are one write: the event comes after the reopening.
    events = AuditEvent.objects.filter(case_id=case.pk).order_by("-pk")
    actions = list(events.values_list("action", flat=True)[:2])
    assert actions == ["reintegration.retrafficking_record", "case.stage"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_on": None}, "occurred_on"),
        ({"forms": []}, "forms"),
        ({"forms": ["Kidnapping"]}, "forms"),
        ({"notes": "  "}, "notes"),
        ({"occurred_on": timezone.localdate() + timedelta(days=2)}, "occurred_on"),
        ({"occurred_on": timezone.localdate() - timedelta(days=400)}, "occurred_on"),
    ],
    ids=["no-date", "no-form", "unknown-form", "no-notes", "future", "before-the-case"],
)
def test_rr6_bad_input_names_the_field_and_neither_records_nor_reopens(
    case: Case, case_worker: Any, changes: dict[str, Any], field: str
) -> None:
    _close(case, case_worker)
    before = _state(case)

    with pytest.raises(ValidationError) as refused:
        _record(case, case_worker, **changes)

    assert field in refused.value.message_dict
    assert _state(case) == before


def test_rr6_a_guardian_may_not_record_it_and_nothing_changes(
    case: Case, case_worker: Any, supervisor: Any, agency: Any
) -> None:
    guardian = staff(agency, "guardian", username="guardian-rr6")
    case_assign(case=case, actor=supervisor, user=guardian, role="guardian")
    _close(case, case_worker)
    before = _state(case)

    with pytest.raises(PermissionDenied):
        _record(case, guardian)

    assert _state(case) == before


def test_rr6_the_page_records_it_reopens_the_case_and_shows_it_on_recovery(
    client: Client, case: Case, case_worker: Any
) -> None:
    _close(case, case_worker)
    signed_in(client, case_worker)
    url = f"/cases/{case.public_id}/recovery/retrafficking/new/"

    form = client.get(url)
    assert "The case is closed and will open again at protection." in form.content.decode()

    response = client.post(
        url,
        {"occurred_on": today().isoformat(), "forms": ["ForcedLabour"], "notes": NOTES},
        follow=True,
    )

    page = response.content.decode()
    assert response.redirect_chain[-1][0].endswith("/recovery/#retrafficking")
    assert "The case is open again" in page
    assert "Forced labour" in page and NOTES in page
    case.refresh_from_db()
    assert case.stage == "protection"


def test_rr6_the_page_refuses_bad_input_with_400_and_leaves_the_case_closed(
    client: Client, case: Case, case_worker: Any
) -> None:
    _close(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/cases/{case.public_id}/recovery/retrafficking/new/",
        {"occurred_on": today().isoformat(), "notes": NOTES},
    )

    assert response.status_code == 400
    assert "Choose the forms of exploitation" in response.content.decode()
    assert _state(case) == before


def test_rr6_the_api_records_it_and_the_recovery_document_lists_it(
    client: Client, case: Case, case_worker: Any
) -> None:
    _close(case, case_worker)
    signed_in(client, case_worker)
    base = f"/api/v1/cases/{case.public_id}/recovery/"

    response = client.post(
        base + "retrafficking/",
        {"occurred_on": today().isoformat(), "forms": ["ChildLabour"], "notes": NOTES},
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["occurred_on"], body["forms"], body["notes"]) == (
        today().isoformat(),
        ["ChildLabour"],
        NOTES,
    )
    case.refresh_from_db()
    assert case.stage == "protection"
    listed = client.get(base).json()["retrafficking"]
    assert [row["id"] for row in listed] == [body["id"]]


def test_rr6_the_api_refuses_bad_input_with_400_naming_the_field_and_changes_nothing(
    client: Client, case: Case, case_worker: Any
) -> None:
    _close(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/api/v1/cases/{case.public_id}/recovery/retrafficking/",
        {"occurred_on": today().isoformat(), "forms": ["Kidnapping"], "notes": NOTES},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "forms.0" in response.json()["error"]["fields"]
    assert _state(case) == before
