"""Each alert rule names the models its query reads, and a write re-runs only the rules that read
what it changed (DESIGN idea 2). If a rule read a table it did not name, a write to that table
would leave its alert stale: this test runs every rule over the demo's cases — a caseload that
reaches every branch of the queries — and compares the tables in its SQL with its `reads`."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.cases.models import Case
from haven.safeguards.registry import alert_rules
from tests.safeguards.reads import labels_of

# One worker seeds the demo once for the package (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda rule: rule.code)
def test_alert_rule_reads_only_the_models_it_declares(demo: str, rule) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        list(rule.breaches(Case.objects.all()))

    read = labels_of(q["sql"] for q in queries.captured_queries)
    assert read, "the rule ran no query"
    # Exactly: a table read but not named would leave an alert stale after a write to it; one
    # named but not read would re-run the rule for nothing.
    assert read == set(rule.reads), f"{rule.code} reads {sorted(read)}, not {sorted(rule.reads)}"


FOUND_IN = [rule for rule in alert_rules() if rule.found_in]


@pytest.mark.parametrize("rule", FOUND_IN, ids=lambda rule: rule.code)
def test_a_rule_found_in_a_model_breaches_no_case_without_a_row_of_it(demo: str, rule) -> None:  # type: ignore[no-untyped-def]
    """Opening a case does not run a rule found in rows of another model (`found_in`,
    engine.evaluate_opened): that holds only if the rule breaches no case without such a row.
    Over the demo's cases that have none (each with interviews, placements, plans... of other
    kinds), it finds nothing; over all the demo's cases, only cases that have one. Where every
    demo case has such rows (first steps), the demo's worst case loses them, in this test's
    savepoint only."""
    model = apps.get_model(rule.found_in)
    breached = {case_id for case_id, _subject in rule.breaches(Case.objects.all())}
    assert breached <= set(model.objects.values_list("case_id", flat=True))
    with_rows = model.objects.values("case_id")
    if not Case.objects.exclude(pk__in=with_rows).exists():
        model.objects.filter(case_id=min(breached or {Case.objects.earliest("pk").pk})).delete()
    without = Case.objects.exclude(pk__in=with_rows)
    assert without.exists()
    assert list(rule.breaches(without)) == []
