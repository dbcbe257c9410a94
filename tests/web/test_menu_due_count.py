"""The menu's count of what is due now (CC-9) is kept in the session for a minute, so that a
page does not go over every source of dated obligations each time: the person's own writes show
at once, other people's within the minute, and a new day is counted afresh."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.cases.due import due_now_count
from haven.core.sessions import MENU_COUNT_KEY
from haven.identification.codes import Act, Exploitation
from haven.identification.models import FirstStep
from haven.identification.services import first_step_done, screening_record
from haven.web import context_processors
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(case: Any, case_worker: Any) -> Any:
    """Screened two days ago: the first steps are overdue."""
    screening_record(
        case=case,
        actor=case_worker,
        screened_at=timezone.now() - timedelta(hours=48),
        acts=[Act.HARBOURING],
        forms=[{"form": Exploitation.FORCED_BEGGING}],
    )
    return case


def _open_step(case: Any) -> FirstStep:
    """The case's open, overdue first step of urgent medical care."""
    step = FirstStep.objects.filter(
        case=case, status=FirstStep.Status.OPEN, kind="urgent_medical"
    ).first()
    assert step is not None
    return step


def _menu(client: Client) -> str:
    page = client.get("/cases/").content.decode()
    start = page.index('href="/cases/due/"')
    return page[start : page.index("</a>", start)]


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    now = context_processors.time.time()
    monkeypatch.setattr(context_processors.time, "time", lambda: now + seconds)


def _counted_then_changed_by_another(
    case: Any, case_worker: Any, supervisor: Any
) -> tuple[Client, int]:
    """The case worker's menu counts what is due; then someone else marks a first step done, so
    one item fewer is due now than the kept count says. The client and that count."""
    client = signed_in(Client(), case_worker)
    before = due_now_count(case_worker)
    assert f"{before} due now" in _menu(client)
    first_step_done(
        step=_open_step(case), actor=supervisor, note="Fictional: placed at the shelter."
    )
    assert due_now_count(case_worker) == before - 1
    return client, before


def test_cc9_the_count_is_kept_for_a_minute_then_counted_again(
    overdue: Any, case_worker: Any, supervisor: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, before = _counted_then_changed_by_another(overdue, case_worker, supervisor)
    with CaptureQueriesContext(connection) as kept:
        assert f"{before} due now" in _menu(client)  # within the minute: as counted

    _later(monkeypatch, 61)
    with CaptureQueriesContext(connection) as counted:
        assert f"{before - 1} due now" in _menu(client)
    assert len(counted.captured_queries) > len(kept.captured_queries)


def test_cc9_ones_own_write_shows_in_the_count_at_once(overdue: Any, case_worker: Any) -> None:
    client = signed_in(Client(), case_worker)
    before = due_now_count(case_worker)
    assert f"{before} due now" in _menu(client)
    step = _open_step(overdue)

    response = client.post(
        f"/cases/{overdue.public_id}/first-steps/{step.public_id}/done/",
        {"note": "Fictional: placed at the shelter."},
    )

    assert response.status_code == 302
    assert MENU_COUNT_KEY not in client.session
    assert f"{before - 1} due now" in _menu(client)


def test_cc9_a_new_day_is_counted_afresh(overdue: Any, case_worker: Any) -> None:
    client = signed_in(Client(), case_worker)
    _menu(client)
    session = client.session
    kept = session[MENU_COUNT_KEY]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    session[MENU_COUNT_KEY] = kept | {"n": 99, "day": yesterday}
    session.save()

    assert f"{due_now_count(case_worker)} due now" in _menu(client)
    assert "99 due now" not in _menu(client)


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/cases/", {"q": "Mali", "scope": "mine"}),
        ("/cases/find/", {"name": "Mali Testchild"}),
    ],
    ids=["my cases filtered", "is this child already known"],
)
def test_cc9_dp13_a_search_sent_by_post_keeps_the_count(
    overdue: Any, case_worker: Any, supervisor: Any, url: str, form: dict[str, str]
) -> None:
    # A name searched for is sent by POST (DP-13), but nothing is written: the count stands.
    client, before = _counted_then_changed_by_another(overdue, case_worker, supervisor)

    response = client.post(url, form)

    assert response.status_code == 200
    assert client.session[MENU_COUNT_KEY]["n"] == before
    assert f"{before} due now" in response.content.decode()
