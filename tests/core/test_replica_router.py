"""The replica router (haven.core.routers): with DATABASE_REPLICA_URL, only the reads marked with
`replica_reads()` — the statistics (page and API) and the supervisor's dashboard — go to the
replica; every other read, every access check and every write go to the primary.

"replica" here is a test mirror of the default database (tests/settings.py): a connection of
its own to the same test database, so each statement can be seen on the connection that ran it.
The router is installed only by these tests. The pages' tests commit their data
(transaction=True), as the replica's connection sees only committed rows."""

import os
import runpy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.test import override_settings
from django.utils import timezone

from haven.accounts.models import Agency
from haven.accounts.roles import Capability, Role
from haven.cases.access import agencies_where
from haven.core.routers import ReplicaRouter, replica_reads
from haven.reports import selectors
from tests.conftest import signed_in
from tests.factories import staff
from tests.reports.conftest import open_case

SETTINGS = Path(__file__).resolve().parents[2] / "config" / "settings.py"
BOTH = ["default", "replica"]
SNAPSHOTS = '"reports_statisticssnapshot"'
DASHBOARDS = '"reports_dashboardsnapshot"'


def routed() -> override_settings:
    """The router installed as DATABASE_REPLICA_URL installs it."""
    return override_settings(DATABASE_ROUTERS=["haven.core.routers.ReplicaRouter"])


@contextmanager
def statements(alias: str) -> Iterator[list[str]]:
    """The SQL each statement run on `alias` was written as (before its parameters are put in,
    so that the same query run twice reads the same), in order."""
    seen: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connections[alias].execute_wrapper(record):
        yield seen


@contextmanager
def both() -> Iterator[tuple[list[str], list[str]]]:
    # Opened first: on PostgreSQL a connection's first opening looks up types for
    # django.contrib.postgres (pg_type), which are not the page's reads.
    for alias in ("default", "replica"):
        connections[alias].ensure_connection()
    with statements("default") as primary, statements("replica") as replica:
        yield primary, replica


# --- the router ------------------------------------------------------------------------------


@pytest.mark.django_db(databases=BOTH)
@routed()
def test_reads_inside_replica_reads_go_to_the_replica():
    with both() as (primary, replica), replica_reads():
        list(Agency.objects.all())

    assert primary == []
    assert len(replica) == 1 and 'FROM "accounts_agency"' in replica[0]


@pytest.mark.django_db(databases=BOTH)
@routed()
def test_reads_outside_replica_reads_go_to_the_primary():
    with both() as (primary, replica):
        list(Agency.objects.all())

    assert len(primary) == 1 and 'FROM "accounts_agency"' in primary[0]
    assert replica == []


@pytest.mark.django_db(databases=BOTH)
@routed()
def test_writes_inside_replica_reads_go_to_the_primary_and_so_do_the_reads_after_them():
    """A read after a write in the same block must see the write: replication lag must not
    hide it, so the rest of the block reads the primary."""
    with both() as (primary, replica), replica_reads():
        agency = Agency.objects.create(name="Fictional Office", country="TH")
        assert Agency.objects.filter(pk=agency.pk).exists()

    assert [sql.split()[0] for sql in primary] == ["INSERT", "SELECT"]
    assert replica == []


@pytest.mark.django_db(databases=BOTH)
@routed()
def test_reads_in_a_transaction_open_on_the_primary_stay_on_the_primary():
    """Its uncommitted writes are on the primary alone."""
    with both() as (primary, replica), transaction.atomic(), replica_reads():
        list(Agency.objects.all())

    reads = [sql for sql in primary if sql.startswith("SELECT")]
    assert len(reads) == 1 and 'FROM "accounts_agency"' in reads[0]
    assert replica == []


@pytest.mark.django_db(databases=BOTH)
def test_without_a_replica_configured_marked_reads_go_to_the_primary():
    router = ReplicaRouter(databases={"default": {}})
    with (
        override_settings(DATABASE_ROUTERS=[router]),
        both() as (primary, replica),
        replica_reads(),
    ):
        list(Agency.objects.all())

    assert router.has_replica is False
    assert len(primary) == 1
    assert replica == []


def test_the_router_writes_and_migrates_the_primary_only_and_relates_across_both():
    router = ReplicaRouter(databases={"default": {}, "replica": {}})

    with replica_reads():
        assert router.db_for_write(Agency) == "default"
    assert router.db_for_write(Agency) == "default"
    assert router.allow_migrate("default", "accounts") is True
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_relation(Agency(), Agency()) is True


def test_a_nested_block_is_part_of_the_outer_one_and_the_mark_ends_with_it():
    router = ReplicaRouter(databases={"default": {}, "replica": {}})

    assert router.db_for_read(Agency) == "default"
    with replica_reads():
        with replica_reads():
            assert router.db_for_read(Agency) == "replica"
        assert router.db_for_read(Agency) == "replica"
        router.db_for_write(Agency)
        # The inner block has ended, yet the write was the outer block's too.
        assert router.db_for_read(Agency) == "default"
    assert router.db_for_read(Agency) == "default"


def test_the_mark_stays_with_its_own_thread():
    """gunicorn's threads each serve a request: one request's mark must not reach another's."""
    router = ReplicaRouter(databases={"default": {}, "replica": {}})
    elsewhere: list[str] = []

    with replica_reads():
        thread = threading.Thread(target=lambda: elsewhere.append(router.db_for_read(Agency)))
        thread.start()
        thread.join()
        here = router.db_for_read(Agency)

    assert (here, elsewhere) == ("replica", ["default"])


# --- the settings ----------------------------------------------------------------------------


def _settings(**env: str) -> dict:  # type: ignore[type-arg]
    """config/settings.py read afresh with this environment (local development, so that no key
    is needed), as a dictionary of its names."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "DB_CONN_MAX_AGE"}
    }
    with mock.patch.dict(os.environ, {**base, "HAVEN_DEV": "1", **env}, clear=True):
        return runpy.run_path(str(SETTINGS))


def test_without_database_replica_url_there_is_no_replica_and_no_router():
    names = _settings(DATABASE_URL="postgres://haven@db.example.org:5432/haven")

    assert list(names["DATABASES"]) == ["default"]
    assert names["DATABASE_ROUTERS"] == []


def test_database_replica_url_adds_the_replica_opened_as_the_primary_is_and_the_router():
    names = _settings(
        DATABASE_URL="postgres://haven@db.example.org:5432/haven",
        DATABASE_REPLICA_URL="postgres://haven@replica.example.org:5432/haven?sslmode=require",
    )
    replica = names["DATABASES"]["replica"]

    assert names["DATABASE_ROUTERS"] == ["haven.core.routers.ReplicaRouter"]
    assert (replica["ENGINE"], replica["HOST"], replica["NAME"]) == (
        "django.db.backends.postgresql",
        "replica.example.org",
        "haven",
    )
    assert replica["OPTIONS"] == {"sslmode": "require", "options": "-c jit=off"}
    assert replica["CONN_MAX_AGE"] == names["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert replica["TEST"] == {"MIRROR": "default"}


@pytest.mark.parametrize(
    ("primary", "replica"),
    [
        ("sqlite:///haven.sqlite3", "postgres://haven@replica.example.org/haven"),
        ("postgres://haven@db.example.org/haven", "sqlite:///replica.sqlite3"),
    ],
)
def test_a_replica_is_refused_unless_both_databases_are_postgresql(primary, replica):
    with pytest.raises(ImproperlyConfigured) as refused:
        _settings(DATABASE_URL=primary, DATABASE_REPLICA_URL=replica)

    assert "both must be postgres:// addresses" in str(refused.value)


# --- the pages -------------------------------------------------------------------------------

COMMITTED = pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=BOTH)


@pytest.fixture
def office(db):  # type: ignore[no-untyped-def]
    agency = Agency.objects.create(name="Fictional Replica Office", country="TH")
    worker = staff(agency, Role.CASE_WORKER, username="cw", first_name="Dara", last_name="Worker")
    for _ in range(2):
        open_case(worker, agency)
    return agency


def _lookups(table: str, statements: list[str]) -> list[str]:
    """The statements that look for a kept count young enough (snapshots._young)."""
    return [sql for sql in statements if table in sql and '"counted_at" >=' in sql]


def _counted_on_the_replica_and_kept(
    table: str, aggregates: list[str], first: tuple[list[str], list[str]]
) -> None:
    """No kept count yet (haven.reports.snapshots): the first request (its statements on the
    primary and the replica) looked for one on the primary, where counts are kept, counted on
    the replica, and kept its count on the primary."""
    primary, replica = first
    assert len(_lookups(table, primary)) == 1
    assert replica == aggregates
    assert any(sql.startswith("INSERT") and table in sql for sql in primary)
    assert not set(aggregates) & set(primary)


def _kept_count_read_on_the_primary(
    table: str, aggregates: list[str], then: tuple[list[str], list[str]]
) -> None:
    """The next request read the count the first kept, on the primary (a lagging replica would
    not have it yet), and counted nothing anywhere."""
    primary, replica = then
    assert len(_lookups(table, primary)) == 1
    assert not any(table in sql for sql in replica)
    assert not set(aggregates) & (set(primary) | set(replica))


@COMMITTED
def test_the_dashboard_reads_its_aggregates_on_the_replica(client, office):
    supervisor = staff(office, Role.SUPERVISOR, username="sup")
    agencies_where(supervisor, Capability.VIEW_DASHBOARD)  # the memberships, read by the gate
    with statements("default") as aggregates:
        figures = selectors.dashboard(supervisor)
    signed_in(client, supervisor)

    with routed(), both() as (primary, replica):
        response = client.get("/reports/dashboard/")
    with routed(), both() as (kept_primary, kept_replica):
        again = client.get("/reports/dashboard/")

    assert (response.status_code, again.status_code) == (200, 200)
    _counted_on_the_replica_and_kept(DASHBOARDS, aggregates, (primary, replica))
    _kept_count_read_on_the_primary(DASHBOARDS, aggregates, (kept_primary, kept_replica))
    # The figures the replica gave are the primary's: two open cases held by the case worker.
    assert {name: response.context[name] for name in figures} == figures
    assert {name: again.context[name] for name in figures} == figures
    assert ("Dara Worker", 2) in [(p["name"], p["load"]) for p in figures["caseloads"]["rows"]]


@COMMITTED
def test_the_statistics_page_and_api_read_their_counts_on_the_replica(client, office):
    statistician = staff(office, Role.STATISTICIAN, username="stat")
    year = timezone.localdate().year
    with statements("default") as aggregates:
        figures = selectors.released(selectors.statistics([office.pk], year))
        selectors.released_measures(selectors.measures_at_hearings([office.pk], year))
    signed_in(client, statistician)

    with routed(), both() as (page_primary, page_replica):
        page = client.get("/reports/statistics/")
    with routed(), both() as (api_primary, api_replica):
        api = client.get("/api/v1/reports/statistics/")

    assert (page.status_code, api.status_code) == (200, 200)
    _counted_on_the_replica_and_kept(SNAPSHOTS, aggregates, (page_primary, page_replica))
    _kept_count_read_on_the_primary(SNAPSHOTS, aggregates, (api_primary, api_replica))
    # Two children: below k, every count hidden, from the replica as from the primary.
    assert api.json()["tables"] == figures["tables"]
    assert figures["tables"]["sex"]["total"] is None
