"""Deprivation of liberty is decided from the place, not its name (ND-2, ND-3, ND-5, CC-1).

Every placement the child cannot leave gets a review date, a determination, legal assistance and
a route to challenge it; criminal or immigration custody, whatever the place is called, is ND-2.
The practitioner's answer to "can the child leave?" can make a place stricter than its kind,
never freer."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.services import closure_request
from haven.core.errors import SafeguardViolation
from haven.placements.models import Liberty, Placement, PlacementType, effective_liberty
from haven.placements.services import liberty_challenge_record, placement_record
from haven.safeguards.engine import evaluate
from haven.safeguards.models import Alert
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

URGENT = "Fictional: she was found at night and needed a safe place at once."
FACILITY = "Fictional Youth Centre, Fictional Road 9"


def _day(offset: int):  # type: ignore[no-untyped-def]
    return timezone.localdate() + timedelta(days=offset)


def _state() -> tuple:
    return (
        list(Placement.objects.order_by("pk").values_list("pk", "type", "liberty", "end_on")),
        list(Alert.objects.order_by("pk").values_list("rule_code", "status")),
        AuditEvent.objects.count(),
    )


def _open(case, code: str) -> int:  # type: ignore[no-untyped-def]
    return Alert.objects.filter(case=case, rule_code=code, status=Alert.Status.OPEN).count()


def _place(case, actor, type="other_closed", **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("facility", FACILITY)
    fields.setdefault("start_on", _day(-1))
    return placement_record(case=case, actor=actor, type=type, **fields)


@pytest.mark.parametrize(
    ("type", "answer", "expected"),
    [
        ("police_cell", "free", Liberty.CUSTODY),
        ("prison", "", Liberty.CUSTODY),
        ("immigration_detention", "deprived", Liberty.CUSTODY),
        ("closed_shelter", "free", Liberty.DEPRIVED),
        ("other_closed", "", Liberty.DEPRIVED),
        ("other_closed", "custody", Liberty.CUSTODY),
        ("hospital", "deprived", Liberty.DEPRIVED),
        ("open_shelter", "deprived", Liberty.DEPRIVED),
        ("family", "", Liberty.FREE),
        ("open_shelter", "nonsense", Liberty.FREE),
    ],
)
def test_nd5_a_place_is_never_recorded_as_freer_than_its_kind(type, answer, expected):
    assert effective_liberty(type, answer) == expected


def test_nd3_other_closed_facility_without_review_date_is_refused_and_nothing_changes(
    case, case_worker
):
    before = _state()

    with pytest.raises(SafeguardViolation) as refused:
        _place(case, case_worker, urgent_reason=URGENT)

    assert refused.value.measure_id == "ND-3"
    assert _state() == before


def test_cc1_other_closed_facility_without_determination_or_urgent_reason_is_refused(
    case, case_worker
):
    before = _state()

    with pytest.raises(ValidationError) as refused:
        _place(case, case_worker, review_on=_day(30))

    assert "decision" in refused.value.message_dict
    assert _state() == before


def test_nd3_nd5_other_closed_facility_after_200_days_raises_review_lawyer_and_bid_alerts(
    case, case_worker
):
    placement = _place(case, case_worker, review_on=_day(30), urgent_reason=URGENT)
    # 200 days on: the review date has long passed, nobody linked a determination or a lawyer.
    Placement.objects.filter(pk=placement.pk).update(start_on=_day(-200), review_on=_day(-170))

    evaluate(case.__class__.objects.filter(pk=case.pk))

    assert placement.__class__.objects.get(pk=placement.pk).liberty == Liberty.DEPRIVED
    assert _open(case, "nd3.shelter_review_overdue") == 1
    assert _open(case, "nd5.no_legal_assistance") == 1
    assert _open(case, "cc1.placement_needs_bid") == 1
    assert _open(case, "nd2.child_detained") == 0


def test_nd3_a_closed_placement_with_no_review_date_at_all_is_overdue(case, case_worker):
    placement = _place(case, case_worker, review_on=_day(30), urgent_reason=URGENT)
    # A row recorded before review dates were required of closed places.
    Placement.objects.filter(pk=placement.pk).update(review_on=None)

    evaluate(case.__class__.objects.filter(pk=case.pk))

    assert _open(case, "nd3.shelter_review_overdue") == 1


def test_nd2_other_closed_facility_that_is_immigration_custody_raises_the_critical_alert(
    case, case_worker
):
    placement = _place(case, case_worker, can_leave="custody")

    assert placement.liberty == Liberty.CUSTODY
    assert placement.is_detention
    assert _open(case, "nd2.child_detained") == 1
    # Custody is recorded at once, never held up by a review date or a determination.
    assert placement.review_on is None


def test_nd2_a_police_cell_answered_as_free_is_still_custody(case, case_worker):
    placement = _place(case, case_worker, type="police_cell", can_leave="free")

    assert placement.liberty == Liberty.CUSTODY
    assert _open(case, "nd2.child_detained") == 1


def test_nd5_a_hospital_the_child_cannot_leave_is_deprivation_of_liberty_on_every_count(
    case, case_worker
):
    with pytest.raises(SafeguardViolation):
        _place(case, case_worker, type="hospital", can_leave="deprived", urgent_reason=URGENT)

    ward = _place(
        case,
        case_worker,
        type="hospital",
        can_leave="deprived",
        review_on=_day(14),
        urgent_reason=URGENT,
    )

    assert ward.is_closed and not ward.is_detention
    assert _open(case, "nd5.no_legal_assistance") == 1
    assert _open(case, "cc1.placement_needs_bid") == 1
    challenge = liberty_challenge_record(
        placement=ward,
        actor=case_worker,
        lodged_on=timezone.localdate(),
        lodged_with="Fictional Juvenile Court",
        lodged_by="Fictional Lawyer",
    )
    assert challenge.placement == ward
    with pytest.raises(SafeguardViolation) as refused:
        closure_request(
            closed_reason="goals_met",
            case=case,
            actor=case_worker,
            reason="Fictional: the family moved away and the child needs nothing more.",
        )
    assert refused.value.measure_id == "ND-2"


def test_nd5_a_hospital_the_child_can_leave_needs_no_review(case, case_worker):
    placement = _place(case, case_worker, type="hospital", can_leave="free")

    assert placement.liberty == Liberty.FREE
    assert _open(case, "nd5.no_legal_assistance") == 0
    assert _open(case, "cc1.placement_needs_bid") == 0


def test_nd5_an_unknown_answer_is_refused_with_a_message(case, case_worker):
    before = _state()

    with pytest.raises(ValidationError) as refused:
        _place(case, case_worker, type="hospital", can_leave="maybe")

    assert refused.value.message_dict == {
        "can_leave": ["Choose whether the child can leave from the list."]
    }
    assert _state() == before


def test_nd3_page_refuses_other_closed_facility_without_review_date(case, case_worker):
    client = signed_in(Client(), case_worker)
    before = _state()

    response = client.post(
        f"/cases/{case.public_id}/placement/new/",
        {
            "type": PlacementType.OTHER_CLOSED,
            "can_leave": "deprived",
            "facility": FACILITY,
            "start_on": _day(-1).isoformat(),
            "review_on": "",
            "decision": "",
            "urgent_reason": URGENT,
        },
    )

    assert response.status_code == 400
    assert "ND-3" in response.content.decode()
    assert _state() == before


def test_nd3_api_refuses_other_closed_facility_without_review_date(case, case_worker):
    client = signed_in(Client(), case_worker)
    before = _state()

    response = client.post(
        f"/api/v1/cases/{case.public_id}/placements/",
        {
            "type": "other_closed",
            "facility": FACILITY,
            "start_on": _day(-1).isoformat(),
            "urgent_reason": URGENT,
        },
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["error"]["measure_id"] == "ND-3"
    assert _state() == before


def test_nd2_api_other_closed_recorded_as_custody_raises_the_critical_alert(case, case_worker):
    client = signed_in(Client(), case_worker)

    response = client.post(
        f"/api/v1/cases/{case.public_id}/placements/",
        {
            "type": "other_closed",
            "can_leave": "custody",
            "facility": FACILITY,
            "start_on": _day(-1).isoformat(),
        },
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["liberty"] == "custody"
    assert response.json()["is_detention"] is True
    assert _open(case, "nd2.child_detained") == 1
