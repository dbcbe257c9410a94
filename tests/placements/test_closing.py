"""A child held in a closed place is not forgotten by closing the case (ND-2, ND-5): the case
cannot close while the child is held — through the service, the page or the API — and the ND-2
alert is computed over the child's current placement, not over open cases, so it never clears
until the child is moved."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import Case, StageChange
from haven.cases.services import case_change_stage, closure_request
from haven.core.errors import SafeguardViolation
from haven.placements.services import placement_end, placement_record
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import close_case

pytestmark = pytest.mark.django_db

ND2 = "nd2.child_detained"
REASON = "Fictional: the family moved away and the child no longer needs the service."


def _held(case, actor, type="police_cell"):  # type: ignore[no-untyped-def]
    return placement_record(
        case=case,
        actor=actor,
        type=type,
        facility="Fictional District Police Station",
        start_on=timezone.localdate() - timedelta(days=2),
        urgent_reason="Fictional: found at night, no shelter bed.",
    )


def _state(case) -> tuple:  # type: ignore[no-untyped-def]
    case.refresh_from_db()
    return (case.stage, case.closed_at, StageChange.objects.count(), AuditEvent.objects.count())


def _open_nd2(case) -> int:  # type: ignore[no-untyped-def]
    return Alert.objects.filter(case=case, rule_code=ND2, status=Alert.Status.OPEN).count()


@pytest.mark.parametrize("place", ["police_cell", "prison", "immigration_detention"])
def test_nd2_a_case_cannot_close_while_the_child_is_held_and_nothing_changes(
    case, case_worker, place
):
    _held(case, case_worker, place)
    before = _state(case)

    with pytest.raises(SafeguardViolation) as refused:
        closure_request(closed_reason="goals_met", case=case, actor=case_worker, reason=REASON)

    assert refused.value.measure_id == "ND-2"
    assert "cannot be closed while the child is held" in str(refused.value.message)
    assert _state(case) == before
    assert _open_nd2(case) == 1


@pytest.mark.parametrize("place", ["closed_shelter", "other_closed"])
def test_nd5_a_case_cannot_close_while_the_child_is_in_any_place_they_cannot_leave(
    case, case_worker, place
):
    placement_record(
        case=case,
        actor=case_worker,
        type=place,
        facility="Fictional closed facility",
        start_on=timezone.localdate() - timedelta(days=2),
        review_on=timezone.localdate() + timedelta(days=20),
        urgent_reason="Fictional: no open place was free that night.",
    )
    before = _state(case)

    with pytest.raises(SafeguardViolation):
        closure_request(closed_reason="goals_met", case=case, actor=case_worker, reason=REASON)

    assert _state(case) == before


def test_nd2_closing_from_the_page_is_refused_with_the_reason_and_changes_nothing(
    client: Client, case, case_worker
):
    _held(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/cases/{case.public_id}/stage/",
        {"to_stage": "closed", "closed_reason": "no_needs", "reason": REASON},
        follow=True,
    )

    assert "cannot be closed while the child is held" in response.content.decode()
    assert _state(case) == before


def test_nd2_closing_through_the_api_is_refused_with_422_and_changes_nothing(
    client: Client, case, case_worker
):
    _held(case, case_worker)
    before = _state(case)

    response = signed_in(client, case_worker).post(
        f"/api/v1/cases/{case.public_id}/closures/",
        {"closed_reason": "no_needs", "reason": REASON},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["measure_id"] == "ND-2"
    assert _state(case) == before


def test_nd2_a_supervisor_closing_directly_on_the_api_or_the_page_is_refused_alike(
    client: Client, case, case_worker, supervisor
):
    _held(case, case_worker)
    before = _state(case)
    browser = signed_in(client, supervisor)

    api = browser.post(
        f"/api/v1/cases/{case.public_id}/stage/",
        {"to_stage": "closed", "closed_reason": "no_needs", "reason": REASON},
        content_type="application/json",
    )
    page = browser.post(
        f"/cases/{case.public_id}/stage/",
        {"to_stage": "closed", "closed_reason": "no_needs", "reason": REASON},
    )
    with pytest.raises(SafeguardViolation):
        case_change_stage(
            case=case, actor=supervisor, to_stage="closed", closed_reason="no_needs", reason=REASON
        )

    assert api.status_code == 422
    assert api.json()["error"]["measure_id"] == "ND-2"
    assert page.status_code == 400
    assert "cannot be closed while the child is held" in page.content.decode()
    assert _state(case) == before


def test_nd2_once_the_child_is_moved_the_case_can_close(case, case_worker):
    cell = _held(case, case_worker)
    placement_end(
        reason_code="moved",
        placement=cell,
        actor=case_worker,
        end_on=timezone.localdate(),
        reason=REASON,
    )

    close_case(case, case_worker, reason=REASON)

    case.refresh_from_db()
    assert case.stage == Case.Stage.CLOSED
    assert _open_nd2(case) == 0


def test_nd2_the_alert_is_read_over_the_placement_not_the_open_case(case, case_worker):
    # However a case came to be closed with the child still held (closed before this rule, or
    # by data written outside Haven), the alert stands for as long as the placement does.
    _held(case, case_worker)
    Case.objects.filter(pk=case.pk).update(stage=Case.Stage.CLOSED)

    evaluate(Case.objects.filter(pk=case.pk))

    assert _open_nd2(case) == 1


def test_nd2_the_sweep_keeps_a_held_childs_alert_on_a_closed_case(case, case_worker):
    from io import StringIO

    from django.core.management import call_command

    _held(case, case_worker)
    Case.objects.filter(pk=case.pk).update(stage=Case.Stage.CLOSED)
    Alert.objects.filter(case=case).delete()

    call_command("safeguards_sweep", stdout=StringIO())

    assert _open_nd2(case) == 1
