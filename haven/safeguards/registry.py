"""The safeguard rule registry (DESIGN idea 2). It knows no area: each area keeps its rules in
`<app>/rules.py` and registers them from its AppConfig.ready().

Every rule cites the measure it enforces and has a severity and a message that tells the
practitioner what to do. Two kinds:

- `BlockRule`: checked by a service before it writes; it raises SafeguardViolation. Its `check`
  lives in the rule module so that the list of what Haven refuses is in one place.
- `AlertRule`: one set-based query, `breaches(cases)`, that returns (case_id, subject) pairs for
  the cases in the given queryset that breach the rule. The same query serves one case (after a
  write) and every open case (the sweep), so a sweep costs a few queries per rule. Each alert
  rule names the models its query reads (`reads`, as "app_label.Model"): a write re-evaluates
  only the rules that read what it changed (`engine.reevaluate`), the sweep runs them all, and
  tests/safeguards/test_rule_reads.py fails when a query touches a table it did not name.
  A rule whose every breach is a row of one model about the case (a placement, a first step, a
  hearing's child) names it (`found_in`): a case just opened has none, so opening it does not
  run that rule (`engine.evaluate_opened`); tests/demo/test_rule_reads.py holds each rule to it.
"""

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.sensitivity import Sensitivity


class Severity(models.TextChoices):
    BLOCK = "block", _("Blocked")
    CRITICAL = "critical", _("Critical")
    ALERT = "alert", _("Alert")
    REMINDER = "reminder", _("Reminder")


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.ALERT: 1, Severity.REMINDER: 2, Severity.BLOCK: 3}


@dataclass(frozen=True)
class Rule:
    code: str
    measure_id: str
    severity: str
    title: Any
    message: Any
    # False for a breach nobody may "resolve" with a reason: it closes only when the facts
    # change (a child in detention is moved out, ND-2).
    resolvable: bool = True


@dataclass(frozen=True)
class BlockRule(Rule):
    check: Callable[..., None] = field(default=lambda **kw: None)


@dataclass(frozen=True)
class AlertRule(Rule):
    # breaches(cases: QuerySet[Case]) -> iterable of (case_id, subject) pairs
    breaches: Callable[[Any], Iterable[tuple[int, str]]] = field(default=lambda cases: ())
    # The models the query reads, as "app_label.Model" labels (the registry knows no domain).
    reads: Collection[str] = frozenset()
    # The sensitivity classes (haven.core.sensitivity) of what the alert tells (DP-1, DP-9): a
    # person sees it only on a case where they may read one of them. "A child is held in
    # detention" is whereabouts and a legal matter; a referral recipient agreed to health alone
    # does not learn it from an alert.
    shows: Collection[str] = frozenset()
    # "app_label.Model" when the rule finds a breach only where the case has a row of that model
    # (its query starts from it, or requires one with Exists): a case just opened has no row of
    # it, so opening one need not run the rule. Empty for a rule about the case itself, or about
    # something missing (no case worker, no transition plan), which a new case can breach.
    found_in: str = ""
    # The words for an alert's subject where it is a code (which first step is overdue), so a
    # line names what to do; None where the subject is a record's id.
    subject_label: Callable[[str], Any] | None = None

    def __post_init__(self) -> None:
        if not self.reads:
            raise ValueError(f"alert rule {self.code} must name the models it reads")
        if self.found_in and self.found_in not in self.reads:
            raise ValueError(f"alert rule {self.code} is found in a model it does not read")
        if not self.shows or not set(self.shows) <= set(Sensitivity.values):
            raise ValueError(f"alert rule {self.code} must name the classes of what it shows")
        object.__setattr__(self, "reads", frozenset(self.reads))
        object.__setattr__(self, "shows", frozenset(self.shows))


_RULES: dict[str, Rule] = {}


def register[R: Rule](rule: R) -> R:
    if rule.code in _RULES:
        raise ValueError(f"safeguard rule {rule.code} is registered twice")
    _RULES[rule.code] = rule
    return rule


def all_rules() -> list[Rule]:
    return list(_RULES.values())


def alert_rules() -> list[AlertRule]:
    return [r for r in _RULES.values() if isinstance(r, AlertRule)]


def rules_reading(labels: Iterable[str]) -> list[AlertRule]:
    """The alert rules whose query reads one of these models: the ones a write must re-run."""
    changed = set(labels)
    return [rule for rule in alert_rules() if not changed.isdisjoint(rule.reads)]


def rules_shown(classes: Iterable[str]) -> list[str]:
    """The codes of the alert rules a person who may read these classes on a case may see."""
    readable = set(classes)
    return sorted(rule.code for rule in alert_rules() if not readable.isdisjoint(rule.shows))


def get_rule(code: str) -> Rule:
    return _RULES[code]
