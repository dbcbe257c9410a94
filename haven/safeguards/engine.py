"""Evaluating alert rules over a set of cases (DESIGN idea 2).

`evaluate(cases)` runs every alert rule's set-based query over the given queryset, raises the
alerts that are new, clears those whose condition is gone and leaves the rest. The sweep runs
it over every open case; the cost is a few queries per rule, whatever the number of cases.
After a write, `reevaluate(case, *changed)` runs the same function with only the rules that
read one of the changed models, so an interview does not re-run the placement rules; opening a
case, `evaluate_opened(case, *written)`, leaves out those whose breaches are rows the new case
cannot have yet (`AlertRule.found_in`). Alert
state changes made here are system-derived and kept on the Alert rows themselves (raised_at,
closed_at); a person's resolution is audited.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import batched

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from haven.core.models import IN_LIST_SIZE
from haven.safeguards.models import Alert
from haven.safeguards.registry import AlertRule, Severity, alert_rules, rules_reading
from haven.safeguards.tally import recount

# Who must hear of a critical alert at once (ND-2) is case knowledge the engine does not have:
# haven.alerts registers its escalation here at start-up, and the engine calls it in the same
# transaction as the alerts it raised.
_escalations: list[Callable[[QuerySet[Alert]], object]] = []


def on_critical(escalate: Callable[[QuerySet[Alert]], object]) -> None:
    """Register what to do with newly raised critical alerts (once, at AppConfig.ready())."""
    if escalate not in _escalations:
        _escalations.append(escalate)


@dataclass
class EvaluationResult:
    raised: int = 0
    cleared: int = 0
    per_rule: dict[str, int] = field(default_factory=dict)


def evaluate(cases: QuerySet, rules: Iterable[AlertRule] | None = None) -> EvaluationResult:
    result = EvaluationResult()
    rules = list(rules if rules is not None else alert_rules())
    if not rules:
        return result
    now = timezone.now()
    case_ids = cases.values("pk")
    touched: set[int] = set()
    with transaction.atomic():
        # Every rule's standing alerts on these cases in one query, not one per rule.
        standing: dict[str, tuple[dict[tuple[int, str], int], dict[tuple[int, str], int]]] = {
            rule.code: ({}, {}) for rule in rules
        }
        existing = Alert.objects.filter(case_id__in=case_ids, rule_code__in=list(standing)).filter(
            Q(status=Alert.Status.OPEN)
            | Q(status=Alert.Status.RESOLVED, condition_ended_at__isnull=True)
        )
        for pk, code, case_id, subject, status in existing.values_list(
            "pk", "rule_code", "case_id", "subject", "status"
        ):
            open_by_key, resolved_by_key = standing[code]
            target = open_by_key if status == Alert.Status.OPEN else resolved_by_key
            target[(case_id, subject)] = pk
        for rule in rules:
            breaches = {(case_id, str(subject)) for case_id, subject in rule.breaches(cases)}
            open_keys, resolved_keys = standing[rule.code]

            new = sorted(breaches - open_keys.keys() - resolved_keys.keys())
            Alert.objects.bulk_create(
                [
                    Alert(
                        case_id=case_id,
                        rule_code=rule.code,
                        measure_id=rule.measure_id,
                        severity=rule.severity,
                        subject=subject,
                        raised_at=now,
                    )
                    for case_id, subject in new
                ],
                batch_size=500,
                # Two evaluations of one case at once (a write and the sweep) may both see an
                # alert as new; the partial unique constraint keeps one, the other is skipped.
                ignore_conflicts=True,
            )
            if new and rule.severity == Severity.CRITICAL and _escalations:
                raised = Alert.objects.filter(
                    rule_code=rule.code,
                    status=Alert.Status.OPEN,
                    raised_at=now,
                    case_id__in=[case_id for case_id, _subject in new],
                ).select_related("case__lead_agency")
                for escalate in _escalations:
                    escalate(raised)
            gone_keys = [key for key in open_keys if key not in breaches]
            gone = [open_keys[key] for key in gone_keys]
            for chunk in batched(gone, IN_LIST_SIZE):
                # Only alerts still open: one resolved a moment ago keeps its resolution.
                Alert.objects.filter(pk__in=chunk, status=Alert.Status.OPEN).update(
                    status=Alert.Status.CLEARED, closed_at=now, updated_at=now
                )
            ended = [pk for key, pk in resolved_keys.items() if key not in breaches]
            for chunk in batched(ended, IN_LIST_SIZE):
                Alert.objects.filter(pk__in=chunk).update(condition_ended_at=now, updated_at=now)
            result.raised += len(new)
            result.cleared += len(gone)
            result.per_rule[rule.code] = len(breaches)
            touched.update(case_id for case_id, _subject in [*new, *gone_keys])
        # The count of open alerts that orders My cases, in the same transaction.
        recount(touched)
    return result


def reevaluate(cases: Model | QuerySet, *changed: type[Model]) -> EvaluationResult:
    """After a write, in its transaction: evaluate on `cases` (one case, or a queryset of
    cases) the alert rules that read one of the `changed` models. Every service that writes
    calls it with the models it wrote; none of the rules reading them means nothing to run. A
    rule that depends on the clock (a due date passing) is the sweep's to raise."""
    rules = rules_reading(model._meta.label for model in changed)
    if isinstance(cases, Model):
        cases = type(cases)._default_manager.filter(pk=cases.pk)
    return evaluate(cases, rules)


def evaluate_opened(case: Model, *written: type[Model]) -> EvaluationResult:
    """After a case is opened, in its transaction: `reevaluate` for a case that holds rows only
    of the `written` models. A rule found only in rows of another model (a placement, a first
    step, a proceeding) has nothing to find on it and is not run: opening a case runs about a
    third of the rules, those about the case itself or about what it still lacks."""
    labels = {model._meta.label for model in written}
    rules = [r for r in rules_reading(labels) if not r.found_in or r.found_in in labels]
    return evaluate(type(case)._default_manager.filter(pk=case.pk), rules)
