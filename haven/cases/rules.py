"""The safeguard rules of cases: one trusted case worker (CC-9); interviews are minimised and
counted (CC-6, VW-5); no case closes past a critical alert (RR-6). Registered by
CasesConfig.ready()."""

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from haven.cases.closing import closing_check
from haven.cases.models import Case, CaseAssignment, ClosingReason, Interview
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.safeguards.models import Alert
from haven.safeguards.registry import AlertRule, BlockRule, Severity, get_rule, register


def open_case_without_case_worker(cases: Any) -> Any:
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
        shows=(S.BASIC,),
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


def too_many_retellings(cases: Any) -> Any:
    threshold = settings.HAVEN_RETELLING_ALERT_THRESHOLD
    open_cases = cases.exclude(stage=Case.Stage.CLOSED)
    # One grouped pass over the interviews of these children (not a subquery per case), then
    # the open cases of the children above the limit: two queries whatever the number of cases.
    over = dict(
        Interview.objects.filter(
            child_told_story=True, case__child_id__in=open_cases.values("child_id")
        )
        .values("case__child_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=threshold)
        .values_list("case__child_id", "n")
        .order_by()
    )
    if not over:
        return []
    rows = open_cases.filter(child_id__in=list(over)).values_list("pk", "child_id")
    # The subject is the count, so each further retelling raises a new alert even after the
    # previous one was resolved with a reason.
    return [(pk, str(over[child_id])) for pk, child_id in rows]


TOO_MANY_RETELLINGS = register(
    AlertRule(
        code="cc6.too_many_retellings",
        shows=(S.BASIC,),
        measure_id="CC-6",
        severity=Severity.ALERT,
        title=_("The child has told their story many times"),
        message=_(
            "This child has been asked to tell their story more often than the agreed limit. "
            "Before any further interview, use the records already made, and agree with the "
            "supervisor whether the interview is needed at all."
        ),
        breaches=too_many_retellings,
        reads=("cases.Case", "cases.Interview"),
    )
)


# --- closing (RR-6) ------------------------------------------------------------------------------


def check_no_critical_alert(*, open_alerts: list[str]) -> None:
    """RR-6, CC-1: a case does not close while a critical alert is open on it. Closing would
    silence what the alert keeps in view (the rules look at open cases); the child's situation
    is put right first, or the facts recorded. Only a child's death closes a case past one."""
    if open_alerts:
        raise SafeguardViolation(
            NOT_CLOSED_WITH_CRITICAL_ALERT.measure_id,
            str(NOT_CLOSED_WITH_CRITICAL_ALERT.message) % {"alerts": "; ".join(open_alerts)},
        )


def _no_critical_alert_open(case: Any, closed_reason: str) -> None:
    if closed_reason == ClosingReason.DIED:
        return
    codes = (
        Alert.objects.filter(case=case, status=Alert.Status.OPEN, severity=Severity.CRITICAL)
        .order_by("raised_at")
        .values_list("rule_code", flat=True)
    )
    check_no_critical_alert(open_alerts=[str(get_rule(code).title) for code in codes])


closing_check(_no_critical_alert_open, last=True)

NOT_CLOSED_WITH_CRITICAL_ALERT = register(
    BlockRule(
        code="rr6.not_closed_with_critical_alert",
        measure_id="RR-6",
        severity=Severity.BLOCK,
        title=_("A critical alert is open"),
        message=_(
            "This case cannot be closed while a critical alert is open on it: %(alerts)s. "
            "Closing would hide it. Act on it first — its message on the case page says how — "
            "then close."
        ),
        check=check_no_critical_alert,
    )
)
