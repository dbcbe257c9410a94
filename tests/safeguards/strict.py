"""A check that a write's selective re-evaluation leaves the alerts exactly as a full evaluation
would (DESIGN idea 2: an alert never lags its cause).

Within `every_write_checked()`, each `engine.reevaluate` after a write is followed by:
- a full evaluation of the same cases with every rule, which must raise and clear nothing,
  and after which each case's kept count of open alerts (haven.safeguards.tally) must be the
  count of its open alerts, and each reopened case's kept episode (Case.episode_started_at)
  its last reopening;
- a look at the tables the write inserted into, updated or deleted from since the previous
  evaluation: every rule that reads one of them must have been among the rules run (opening a
  case, `engine.evaluate_opened`, may leave out a rule found in rows of a model it did not
  write: the new case has none).
The second holds whatever the data, the first on the data at hand; together they catch a write
that names too few changed models and a rule that reads more than it says.
"""

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Max

from haven.cases.models import Case, StageChange
from haven.safeguards import engine
from haven.safeguards.registry import alert_rules
from haven.safeguards.tally import kept_counts, open_counts

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"([^"]+)"', re.IGNORECASE)
# The tally's count of a case's open alerts (Case.open_alert_count) is the engine's own, not a
# fact any rule reads.
_TALLY = re.compile(r'^\s*UPDATE\s+"cases_case"\s+SET\s+"open_alert_count"\s*=\s*%s\s+WHERE')
# The engine's and the audit trail's own rows are not facts any rule reads.
_NOT_FACTS = {
    "safeguards_alert",
    "safeguards_notification",
    "audit_auditevent",
    "audit_auditchainhead",
    "audit_accesslog",
}
# Accounts lie below the safeguards and do not re-evaluate: a person who leaves an agency stops
# counting as a case's worker at once in access (CaseAssignment.objects.current()), and CC-9's
# alert follows at the next sweep. The rules read these tables for that, so they are declared.
SWEEP_ONLY = {"accounts.User", "accounts.Membership"}


@dataclass
class Checked:
    """What the check saw: which services re-evaluated, and how often."""

    writes: dict[str, int] = field(default_factory=dict)


def _writer() -> str:
    """The service that called reevaluate (the first frame outside the engine)."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename.endswith("engine.py"):
        frame = frame.f_back  # type: ignore[assignment]
    return frame.f_code.co_name if frame is not None else "?"


def kept_episodes() -> dict[int, Any]:
    """When each reopened case's current episode began, as the case keeps it."""
    return dict(
        Case.objects.exclude(episode_started_at=None).values_list("pk", "episode_started_at")
    )


def reopenings() -> dict[int, Any]:
    """Each reopened case's last reopening, from its history of stage changes."""
    return dict(
        StageChange.objects.filter(from_stage=Case.Stage.CLOSED)
        .values("case_id")
        .annotate(last=Max("changed_at"))
        .values_list("case_id", "last")
    )


@contextmanager
def every_write_checked() -> Iterator[Checked]:
    table_label = {m._meta.db_table: m._meta.label for m in apps.get_models()}
    written: set[str] = set()
    checked = Checked()

    def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        match = _WRITE.match(sql)
        label = table_label.get(match.group(1), match.group(1)) if match else ""
        tally = _TALLY.match(sql) is not None
        if match and match.group(1) not in _NOT_FACTS and label not in SWEEP_ONLY and not tally:
            written.add(label)
        return execute(sql, params, many, context)

    real = engine.evaluate

    def evaluate(cases: Any, rules: Any = None) -> engine.EvaluationResult:
        if rules is None:  # the sweep, or a full evaluation of this check itself
            return real(cases, rules)
        rules = list(rules)
        opening = sys._getframe(1).f_code is engine.evaluate_opened.__code__
        writer = _writer()
        checked.writes[writer] = checked.writes.get(writer, 0) + 1
        ran = {rule.code for rule in rules}
        missed = sorted(
            r.code
            for r in alert_rules()
            if not written.isdisjoint(r.reads)
            and r.code not in ran
            and not (opening and r.found_in and r.found_in not in written)
        )
        assert not missed, f"{writer} wrote {sorted(written)} but did not re-run {missed}"
        result = real(cases, rules)
        full = real(cases)
        assert (full.raised, full.cleared) == (0, 0), (
            f"after {writer}, a full evaluation raised {full.raised} and cleared {full.cleared}"
        )
        assert kept_counts() == open_counts(), f"after {writer}, the open alerts' counts lag"
        assert kept_episodes() == reopenings(), f"after {writer}, an episode lags its reopening"
        written.clear()
        return result

    engine.evaluate = evaluate  # type: ignore[assignment]
    try:
        with connection.execute_wrapper(watch):
            yield checked
    finally:
        engine.evaluate = real  # type: ignore[assignment]
