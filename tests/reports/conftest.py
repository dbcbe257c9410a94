"""A small agency for the reports: cases with known caseloads, handovers, an interpreter, an
overdue first step, a child in detention and a guardian, all fictional."""

from datetime import timedelta

import pytest
from django.utils import timezone

from haven.accounts.roles import Role
from haven.cases.services import case_assign, case_register
from tests.factories import child_fields, staff


def open_case(actor, agency, *, age=14, **child):  # type: ignore[no-untyped-def]
    fields = child_fields(birth_date=timezone.localdate() - timedelta(days=age * 365 + 40))
    fields.update(child)
    nationalities = fields.pop("nationalities", ["MM"])
    return case_register(
        actor=actor,
        agency=agency,
        child=fields,
        nationalities=nationalities,
        languages=["th"],
        summary="Fictional summary.",
    )


@pytest.fixture
def second_worker(agency):  # type: ignore[no-untyped-def]
    return staff(agency, Role.CASE_WORKER, username="cw2", first_name="Bua", last_name="Second")


@pytest.fixture
def office_cases(agency, case_worker, supervisor, second_worker):  # type: ignore[no-untyped-def]
    """Three open cases held by `case_worker`; the first was handed to `second_worker` and back
    (two handovers)."""
    cases = [open_case(case_worker, agency) for _ in range(3)]
    first = cases[0]
    case_assign(
        case=first, actor=supervisor, user=second_worker, role="case_worker", handover_note="Away."
    )
    case_assign(
        case=first, actor=supervisor, user=case_worker, role="case_worker", handover_note="Back."
    )
    return cases


@pytest.fixture
def release_supervisor(agency):  # type: ignore[no-untyped-def]
    """A second supervisor of the agency, to authorise what the first asks for."""
    return staff(agency, Role.SUPERVISOR, username="sup2")
