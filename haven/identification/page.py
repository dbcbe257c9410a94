"""Identification's part of the case page: the latest screenings, the first-steps checklist,
the interviews that needed a reason about the interpreter (CC-10) and, for those who decide it,
the victim-status form (registered at ready())."""

from typing import Any

from haven.accounts.roles import Capability
from haven.cases.access import can
from haven.cases.page import case_page_part
from haven.identification.forms import StatusForm
from haven.identification.models import NotNeededReason
from haven.identification.selectors import (
    first_steps,
    interpreter_reasons,
    screenings_listed,
)


@case_page_part
def identification_part(request: Any, case: Any, classes: frozenset[Any]) -> dict[str, Any]:
    may_decide = can(request.user, Capability.DECIDE_STATUS, case)
    return {
        "screenings": screenings_listed(case)[:10],
        "first_steps": first_steps(case, classes),
        "interpreter_reasons": interpreter_reasons(case)[:20],
        "not_needed_reasons": NotNeededReason.choices,
        "status_form": StatusForm(initial={"status": case.trafficking_status})
        if may_decide
        else None,
    }
