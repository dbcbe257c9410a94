"""A placement meets the "safe accommodation" first step (ID-4): a current place the child is
free to leave does; a closed shelter or a police cell never does, and the step's alert stays."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.core.sensitivity import Sensitivity
from haven.identification.codes import Act, Exploitation
from haven.identification.selectors import first_steps
from haven.identification.services import screening_record
from haven.placements.services import placement_record
from haven.safeguards.models import Alert

pytestmark = pytest.mark.django_db

ALL_CLASSES = frozenset(Sensitivity.values)
BASIC = frozenset({Sensitivity.BASIC})
URGENT = "Fictional: she was found at night and needed a safe bed at once."
ID4 = "id4.first_step_overdue"


def _screened_two_days_ago(case, actor):  # type: ignore[no-untyped-def]
    screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=48),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )


def _place(case, actor, type, **fields):  # type: ignore[no-untyped-def]
    return placement_record(
        case=case,
        actor=actor,
        type=type,
        facility="Fictional facility, Fictional Street 1",
        start_on=timezone.localdate() - timedelta(days=1),
        urgent_reason=URGENT,
        **fields,
    )


def _accommodation(case, classes=ALL_CLASSES):  # type: ignore[no-untyped-def]
    row = next(r for r in first_steps(case, classes) if r["step"].kind == "safe_accommodation")
    return row["state"], row["met_by"]


def _overdue_kinds(case) -> set[str]:  # type: ignore[no-untyped-def]
    return set(
        Alert.objects.filter(case=case, rule_code=ID4, status="open").values_list(
            "subject", flat=True
        )
    )


def test_id4_an_open_shelter_meets_safe_accommodation_and_clears_its_alert(case, case_worker):
    _screened_two_days_ago(case, case_worker)
    assert "safe_accommodation" in _overdue_kinds(case)

    _place(case, case_worker, "open_shelter", review_on=timezone.localdate() + timedelta(days=30))

    yesterday = timezone.localdate() - timedelta(days=1)
    assert _accommodation(case) == ("met", f"Open shelter since {yesterday:%-d %b %Y}")
    # A reader who may not know where the child lives sees the step met, not where.
    assert _accommodation(case, BASIC) == ("met", "")
    assert "safe_accommodation" not in _overdue_kinds(case)


@pytest.mark.parametrize("type", ["closed_shelter", "police_cell"])
def test_id4_nd2_a_place_the_child_cannot_leave_never_meets_safe_accommodation(
    case, case_worker, type
):
    _screened_two_days_ago(case, case_worker)
    review = {"review_on": timezone.localdate() + timedelta(days=30)} if "shelter" in type else {}
    _place(case, case_worker, type, **review)

    assert _accommodation(case)[0] == "overdue"
    assert "safe_accommodation" in _overdue_kinds(case)
