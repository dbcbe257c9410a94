"""One trusted case worker (CC-9)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.safeguards.registry import AlertRule, Severity, register


def open_case_without_case_worker(cases: Any) -> Any:
    from django.db.models import Exists, OuterRef

    from haven.cases.models import Case, CaseAssignment

    # A correlated NOT EXISTS, not NOT IN (subquery): for one case it reads one index entry
    # instead of every current case worker, and PostgreSQL never falls back to re-scanning the
    # list per case when it outgrows work_mem (bench/README.md).
    current_worker = CaseAssignment.objects.current().filter(
        case_id=OuterRef("pk"), role="case_worker"
    )
    rows = (
        cases.exclude(stage=Case.Stage.CLOSED)
        .filter(~Exists(current_worker))
        .values_list("pk", flat=True)
    )
    return ((pk, "") for pk in rows)


NO_CASE_WORKER = register(
    AlertRule(
        code="cc9.no_case_worker",
        measure_id="CC-9",
        severity=Severity.ALERT,
        title=_("No case worker"),
        message=_(
            "This child has no case worker. Assign one trusted case worker who will stay with "
            "the child; a supervisor can do this from the case page."
        ),
        breaches=open_case_without_case_worker,
        reads=("accounts.Membership", "accounts.User", "cases.Case", "cases.CaseAssignment"),
    )
)
