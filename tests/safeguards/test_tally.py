"""The kept count of each case's open alerts (Case.open_alert_count, haven.safeguards.tally), by
which My cases sorts a supervisor's whole agency: it follows every alert raised, cleared and
resolved, the sweep sets a wrong one right, and a page never shows it, only what the reader may
read (DP-9)."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from haven.alerts.services import alert_resolve
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import assignment_end, case_assign, case_register
from haven.safeguards.models import Alert
from haven.safeguards.tally import kept_counts, open_counts
from tests.conftest import signed_in
from tests.factories import child_fields

pytestmark = pytest.mark.django_db

CC9 = "cc9.no_case_worker"


def _without_case_worker(case: Case, supervisor: Any) -> None:
    """CC-9: the case worker's assignment ended, nobody else takes it."""
    current = CaseAssignment.objects.current().get(case=case, role="case_worker")
    assignment_end(assignment=current, actor=supervisor)


def _kept(case: Case) -> int:
    return Case.objects.values_list("open_alert_count", flat=True).get(pk=case.pk)


def _keep(case: Case, n: int) -> None:
    """A kept count out of step, as if two writes had raced over it."""
    Case.objects.filter(pk=case.pk).update(open_alert_count=n)


def test_cc9_the_count_follows_an_alert_raised_resolved_and_cleared(
    case: Case, supervisor: Any, case_worker: Any
) -> None:
    assert _kept(case) == 0

    _without_case_worker(case, supervisor)
    assert _kept(case) == Alert.objects.filter(case=case, status="open").count() >= 1
    before = _kept(case)

    alert = Alert.objects.get(case=case, rule_code=CC9, status="open")
    alert_resolve(alert=alert, actor=supervisor, reason="Fictional: a new worker starts Monday.")
    assert _kept(case) == before - 1

    case_assign(case=case, actor=supervisor, user=case_worker, role="case_worker")
    assert kept_counts() == open_counts()


def test_the_sweep_sets_a_wrong_count_right_and_drops_one_left_behind(
    case: Case, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    _without_case_worker(case, supervisor)
    other = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    right = open_counts()
    _keep(case, 99)
    _keep(other, 3)

    call_command("safeguards_sweep", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert kept_counts() == open_counts()
    assert _kept(case) == right[case.pk]
    assert _kept(other) == open_counts().get(other.pk, 0)  # counted again


def _lines(client: Client) -> list[tuple[str, str]]:
    """My cases' lines: (reference, the alert badge's text or "")."""
    html = client.get("/cases/").content.decode()
    lines = []
    for item in html.split('<li>\n      <a class="name"')[1:]:
        reference = item.split('<span class="muted">', 2)[-1].split("</span>")[0]
        badge = (
            item.split('<span class="badge warn">')[1].split("</span>")[0]
            if "badge warn" in item
            else ""
        )
        lines.append((reference.strip(), badge.strip()))
    return lines


def test_cc9_dp9_my_cases_puts_the_case_with_open_alerts_first_and_shows_them_counted_afresh(
    case: Case, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    quiet = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    _without_case_worker(case, supervisor)
    n = Alert.objects.filter(case=case, status="open").count()
    client = signed_in(Client(), supervisor)

    assert [ref for ref, _badge in _lines(client)] == [case.reference, quiet.reference]
    assert _lines(client)[0][1] == (f"{n} alert" if n == 1 else f"{n} alerts")

    # A kept count out of step would only move the line: the badge is counted from the alerts.
    _keep(case, 0)
    _keep(quiet, 5)
    assert _lines(client) == [(quiet.reference, ""), (case.reference, _lines(client)[1][1])]
    assert _lines(client)[1][1] == (f"{n} alert" if n == 1 else f"{n} alerts")


def test_cc9_dp9_a_kept_count_out_of_step_hides_no_case_from_those_with_alerts(
    case: Case, supervisor: Any, case_worker: Any, agency: Any
) -> None:
    from haven.cases.selectors import case_list

    quiet = case_register(actor=case_worker, agency=agency, child=child_fields(given_name="Dara"))
    _without_case_worker(case, supervisor)
    _keep(case, 0)
    _keep(quiet, 5)

    listed = case_list(supervisor, scope="all", with_alerts=True)

    assert [c.pk for c in listed] == [case.pk]
    assert listed[0].open_alerts == Alert.objects.filter(case=case, status="open").count()
