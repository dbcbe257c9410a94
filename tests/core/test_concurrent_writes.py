"""Twenty interviews recorded at once on one case, through the whole HTTP stack, on SQLite and
on PostgreSQL (issue 14): each is answered as recorded, each is recorded once, and the audit
chain stays whole.

The finding, on SQLite as configured then (deferred transactions, a 5 s wait, a session save
after every request): 8 of 20 answered 500 "database is locked", and one answered 400 from the
session save after its interview had committed — a user who sends it again records it twice and
inflates the child's retelling count (CC-6).

Each request runs in a thread of its own with its own database connection, as under a threaded
or multi-process server, and its own signed-in browser (a test Client with both factors done).
The test commits (transaction=True): the threads see only committed rows. On SQLite the suite's
test database is in memory (shared-cache mode, whose table locks are not those of a file and
ignore the busy timeout), so the test copies it into a file with SQLite's backup API (a few
milliseconds) and points the threads' connections at the file, with the production OPTIONS (WAL,
IMMEDIATE transactions, busy timeout). The main thread keeps the in-memory database and reads
the results through a connection of its own too. On PostgreSQL the threads share the worker's
test database directly.
"""

import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain
from haven.cases.models import Interview
from haven.cases.selectors import retelling_count
from tests.conftest import signed_in

N = 20

pytestmark = [
    # The threads see only committed rows; the migrations' rows (the audit chain's head) are
    # put back after the tables are emptied.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow(
        reason="twenty writes through the whole HTTP stack, about 40 ms of work each (the "
        "interview's alert rules), that must truly overlap: fewer would not show the locking"
    ),
]


@pytest.fixture
def share_with_threads(tmp_path: Path) -> Iterator[Callable[[], None]]:
    """Call it once the test's data is committed: from then on, connections opened by new
    threads reach that data (see the module's docstring)."""
    configured = connections.settings[DEFAULT_DB_ALIAS]

    def share() -> None:
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():  # type: ignore[attr-defined]
            return
        file = tmp_path / "haven.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(file)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        # A new dict: the main thread's connection keeps its own, and so the in-memory database.
        connections.settings[DEFAULT_DB_ALIAS] = {**configured, "NAME": str(file)}

    try:
        yield share
    finally:
        connections.settings[DEFAULT_DB_ALIAS] = configured


def on_own_connection[T](work: Callable[[], T]) -> T:
    """Run `work` in a new thread, on that thread's own connection, closed afterwards."""
    result: list[T] = []

    def run() -> None:
        try:
            result.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


def _interview(i: int, api: bool) -> dict[str, Any]:
    an_hour_ago = timezone.now() - timedelta(hours=1, minutes=i)
    fields = {
        "kind": "assessment",
        "interviewer": f"Fictional Psychologist {i}",
        "interpreter": "Fictional Interpreter",
    }
    if api:
        return {
            **fields,
            "conducted_at": an_hour_ago.isoformat(),
            "duration_minutes": 30,
            "child_told_story": True,
        }
    return {
        **fields,
        "conducted_at": timezone.localtime(an_hour_ago).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "child_told_story": "on",
    }


def test_issue14_parallel_interviews_on_one_case_are_each_recorded_once(
    case, case_worker, share_with_threads
):
    # given N browsers of the case worker, signed in with both factors, and what was before
    browsers = [signed_in(Client(raise_request_exception=False), case_worker) for _ in range(N)]
    retellings_before = retelling_count(case)
    interviews_before = Interview.objects.filter(case=case).count()
    page = f"/cases/{case.public_id}/interviews/new/"
    api = f"/api/v1/cases/{case.public_id}/interviews/"
    start = threading.Barrier(N)
    share_with_threads()
    answers: list[tuple[int, int, str]] = []
    lock = threading.Lock()
    in_flight = [0, 0]  # now, most at once

    def record(i: int) -> None:
        # half through the page (a redirect and a message in the session), half through the API
        by_api = i % 2 == 1
        start.wait()
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)
        try:
            if by_api:
                response = browsers[i].post(
                    api, _interview(i, api=True), content_type="application/json"
                )
            else:
                response = browsers[i].post(page, _interview(i, api=False))
            exc_info = getattr(response, "exc_info", None)
            error = repr(exc_info[1]) if exc_info else ""
            said = error or response.get("Location") or response.content.decode()[:200]
            answers.append((i, response.status_code, said))
        finally:
            with lock:
                in_flight[0] -= 1
            connections.close_all()

    # when they record an interview each, at once
    threads = [threading.Thread(target=record, args=(i,)) for i in range(N)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every answer says recorded: no 500 "database is locked", no 400 from the session
    def recorded(i: int, status: int, said: str) -> bool:
        if i % 2:
            return status == 201
        return (status, said) == (302, f"/cases/{case.public_id}/")

    unexpected = sorted(answer for answer in answers if not recorded(*answer))
    assert len(answers) == N
    assert in_flight[1] > 1, "the requests did not overlap"
    assert unexpected == [], Counter(status for _, status, _ in answers)

    # and each interview is recorded once, counted once, and its audit row chained
    def outcome() -> tuple[int, int, int, list[Any]]:
        return (
            Interview.objects.filter(case=case).count(),
            retelling_count(case),
            AuditEvent.objects.filter(action="interview.record", case_id=case.pk).count(),
            verify_chain(),
        )

    interviews, retellings, audited, problems = on_own_connection(outcome)
    assert interviews == interviews_before + N
    assert retellings == retellings_before + N
    assert audited == N
    assert problems == []
