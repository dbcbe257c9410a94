"""Each alert rule names the models its query reads, and a write re-runs only the rules that read
what it changed (DESIGN idea 2). If a rule read a table it did not name, a write to that table
would leave its alert stale: this test runs every rule over the demo's cases — a caseload that
reaches every branch of the queries — and compares the tables in its SQL with its `reads`."""

import pytest
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
