"""Backup and restore (`manage.py backup` / `restore`, haven/audit/backup.py): one archive of the
whole database, encrypted with HAVEN_BACKUP_KEY, restored into an empty database with every
record and an audit chain that verifies, head included. A missing or wrong key, a changed
byte, a cut archive, another vendor or migration state and a database that holds rows are
refused, and nothing is changed.

The source and the targets are databases of their own (files for SQLite, new databases on the
PostgreSQL server), never the worker's test database: pg_dump reads only committed rows, and
the test database must stay as the migrations left it. The module makes them once: one source
with ordinary casework, one backup, one restore, shared by the assertions below.
"""

import base64
import io
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.test import override_settings
from django.utils import timezone

from config.safety import DEV_FIELD_KEY, DEV_SECRET_KEY
from haven.accounts.roles import Role
from haven.audit.backup import find_tool, read_header
from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.services import head_mac, log_read
from haven.audit.verify import verify_chain
from haven.cases.services import case_change_stage, case_note_add, case_register
from haven.core.archive import ArchiveError, ArchiveReader, ArchiveWriter, parse_key
from haven.identification.services import screening_record
from tests.factories import AgencyFactory, child_fields, interview, staff

# `django_db` makes pytest-django create the worker's test database, which the scratch databases
# are copied from; the tests themselves work on the scratch databases.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("backup")]

# Fictional keys for the tests only.
KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
CHILD_NAMES = ("Malitestchild", "Sokhatestchild")
NOTE = "Fictional note: met at the night market."


# --- databases of the module's own ----------------------------------------------------------------


def _vendor() -> str:
    return connections[DEFAULT_DB_ALIAS].vendor


@contextmanager
def _scratch_database(label: str, directory: Path, *, migrated: bool) -> Iterator[str]:
    """A new database, named for `label`: as the migrations left the worker's test database
    (`migrated`), or with no table at all. Dropped on leaving."""
    test_db = connections[DEFAULT_DB_ALIAS]
    # Never the database of a deployment: only the worker's test database is copied.
    assert str(test_db.settings_dict["NAME"]).startswith(("test_", "file:memorydb_"))
    if test_db.vendor == "sqlite":
        path = directory / f"{label}.sqlite3"
        copy = sqlite3.connect(path)
        if migrated:
            test_db.ensure_connection()
            test_db.connection.backup(copy)
        copy.close()
        yield str(path)
        return
    name = f"haven_bk_{label}_{uuid.uuid4().hex[:8]}"
    quote = test_db.ops.quote_name
    # A template must have no other session: ours is the only one, and is closed here.
    template = f" TEMPLATE {quote(test_db.settings_dict['NAME'])}" if migrated else ""
    test_db.close()
    with test_db._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quote(name)}{template}")
    try:
        yield name
    finally:
        with test_db._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


@contextmanager
def _on(name: str) -> Iterator[None]:
    """Django's default connection points at database `name` while inside, so services,
    factories and the commands read and write there."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**original.settings_dict, "NAME": name}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = wrapper
    try:
        yield
    finally:
        wrapper.close()
        connections[DEFAULT_DB_ALIAS] = original
        ContentType.objects.clear_cache()


def _counts() -> dict[str, int]:
    """Rows of every model, many-to-many tables included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


def _tables() -> dict[str, int]:
    """Every table of the database as it stands, with its rows: what a refusal must not change."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        found = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = cursor.fetchone()[0]
    return found


def _casework() -> None:
    """Ordinary work through the services, so the audit chain and the access log hold rows."""
    agency = AgencyFactory(
        name="Fictional Child Protection Office", country="TH", is_child_protection_authority=True
    )
    worker = staff(agency, Role.CASE_WORKER, username="bk_cw")
    staff(agency, Role.SUPERVISOR, username="bk_sup")
    cases = [
        case_register(
            actor=worker,
            agency=agency,
            child=child_fields(
                given_name=name, birth_date=timezone.localdate() - timedelta(days=14 * 365)
            ),
            nationalities=["MM"],
            languages=["my"],
            summary=f"Fictional summary about {name}.",
        )
        for name in CHILD_NAMES
    ]
    screening_record(
        case=cases[0],
        actor=worker,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
        means=["none"],
        movement="none",
        location="Fictional market, stall 12",
        notes="Fictional: sells flowers at night.",
    )
    interview(cases[0], worker)
    case_note_add(case=cases[0], actor=worker, body=NOTE)
    case_change_stage(case=cases[1], actor=worker, to_stage="protection")
    log_read(user=worker, what="case", case=cases[0])


def _run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@dataclass
class Run:
    archive: Path
    broken_archive: Path
    source_counts: dict[str, int]
    source_head: tuple[int, str, str]
    restored_db: str
    empty_db: str
    restored_counts: dict[str, int] = field(default_factory=dict)
    restored_problems: list[Any] = field(default_factory=list)
    restored_head: tuple[int, str, str] = (0, "", "")
    backup_out: str = ""
    restore_out: str = ""
    broken_error: str = ""
    broken_err: str = ""
    seconds: dict[str, float] = field(default_factory=dict)


def _head() -> tuple[int, str, str]:
    head = AuditChainHead.objects.get(pk=1)
    return head.last_seq, head.last_digest, head.mac


@pytest.fixture(scope="module")
def run(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Run]:  # type: ignore[no-untyped-def]
    """Casework in a source database, one backup of it, one restore into a migrated, empty
    database; and a second archive, of the source after an audit row was edited behind
    Haven's back, restored into a database with no table at all."""
    directory = tmp_path_factory.mktemp("backup")
    with (
        django_db_blocker.unblock(),
        override_settings(HAVEN_BACKUP_KEY=KEY),
        _scratch_database("source", directory, migrated=True) as source,
        _scratch_database("restored", directory, migrated=True) as restored,
        _scratch_database("empty", directory, migrated=False) as empty,
        _scratch_database("broken", directory, migrated=False) as broken,
    ):
        archive, broken_archive = directory / "haven.backup", directory / "broken.backup"
        seconds: dict[str, float] = {}
        with _on(source):
            _casework()
            started = time.perf_counter()
            backup_out, _err = _run("backup", "--output", str(archive))
            seconds["backup"] = time.perf_counter() - started
            state = Run(archive, broken_archive, _counts(), _head(), restored, empty)
            with connection.cursor() as cursor:
                table = connection.ops.quote_name(AuditEvent._meta.db_table)
                cursor.execute(f"UPDATE {table} SET action = 'case.close' WHERE seq = 2")  # noqa: S608
            _run("backup", "--output", str(broken_archive))
        with _on(restored):
            started = time.perf_counter()
            state.restore_out, _err = _run("restore", "--input", str(archive), "--yes")
            seconds["restore"] = time.perf_counter() - started
            state.restored_counts = _counts()
            state.restored_problems = verify_chain()
            state.restored_head = _head()
        with _on(broken):
            err = io.StringIO()
            with pytest.raises(CommandError) as refused:
                call_command(
                    "restore",
                    "--input",
                    str(broken_archive),
                    "--yes",
                    stdout=io.StringIO(),
                    stderr=err,
                )
            state.broken_error, state.broken_err = str(refused.value), err.getvalue()
        state.backup_out, state.seconds = backup_out, seconds
        yield state


@contextmanager
def _target(django_db_blocker, name: str, key: str = KEY) -> Iterator[None]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), override_settings(HAVEN_BACKUP_KEY=key), _on(name):
        yield


def _refused(archive: Path, pattern: str) -> None:
    with pytest.raises(CommandError, match=pattern):
        _run("restore", "--input", str(archive), "--yes")


# --- the restore keeps everything -----------------------------------------------------------------


def test_restore_into_empty_database_keeps_every_record_and_a_valid_audit_chain(run):
    # given casework that wrote cases, screenings, notes, audit events and access-log rows
    assert run.source_counts["cases.Case"] == 2
    assert run.source_counts["audit.AuditEvent"] >= 8
    assert run.source_counts["audit.AccessLog"] == 1

    # then the restored database holds exactly as many rows of every model
    assert run.restored_counts == run.source_counts
    # and its audit chain verifies, up to the same head, sealed with the audit key
    assert run.restored_problems == []
    assert run.restored_head == run.source_head
    seq, digest, mac = run.restored_head
    assert mac == head_mac(seq, digest)


def test_restore_reports_rows_and_the_verified_chain_but_no_case_content(run):
    events = run.source_counts["audit.AuditEvent"]
    assert re.fullmatch(
        r"Restored \d+ rows in \d+ tables from \S+ in \d+\.\d s\.\n"
        r"Every table holds the rows the archive recorded\.\n"
        rf"audit chain intact: {events} events\n",
        run.restore_out,
    )
    assert re.fullmatch(
        rf"Backup written to \S+: \d+ rows in \d+ tables, \d+ bytes, in \d+\.\d s\.\n"
        rf"Audit chain head: {run.source_head[0]}:{run.source_head[1]}\n",
        run.backup_out,
    )
    for text in (*CHILD_NAMES, NOTE):
        assert text not in run.backup_out + run.restore_out


def test_archive_is_encrypted_and_readable_only_with_the_backup_key(run):
    data = run.archive.read_bytes()

    # no name, note or database signature can be read from the file
    for text in (*CHILD_NAMES, "Fictional", "SQLite format 3", "PGDMP", "audit_auditevent"):
        assert text.encode() not in data
    # and the file is for its owner only
    assert run.archive.stat().st_mode & 0o077 == 0


def test_archive_header_records_vendor_migrations_time_and_audit_head(run):
    header = read_header(run.archive, parse_key(KEY))

    assert header["format"] == 1
    assert header["vendor"] == _vendor()
    assert header["migrations"]["audit"] == "0003_authenticated_head"
    assert set(header["migrations"]) >= {"accounts", "cases", "contenttypes"}
    assert header["created_at"].endswith("+00:00")
    seq, digest, mac = run.source_head
    assert header["audit_head"] == {"last_seq": seq, "last_digest": digest, "mac": mac}
    assert header["tables"][AuditEvent._meta.db_table] == run.source_counts["audit.AuditEvent"]


def test_restore_exits_non_zero_when_the_restored_audit_chain_does_not_verify(run):
    # given an archive of a database where an audit row was edited behind Haven's back, the
    # restore copies it faithfully, then says the chain is broken and where
    assert run.broken_error == (
        "The restored database does not match the archive: 0 table(s) differ, "
        "1 audit chain problem(s)."
    )
    assert run.broken_err == "row 2: edited: content does not match its digest\n"


def test_restore_check_authenticates_the_whole_archive_and_changes_nothing(run, django_db_blocker):
    with _target(django_db_blocker, run.empty_db):
        before = _tables()

        out, _err = _run("restore", "--input", str(run.archive), "--check")

        assert _tables() == before
    assert re.fullmatch(
        r"The archive \S+ is whole: made \S+\+00:00 from \w+: \d+ rows in \d+ tables, "
        rf"audit chain head at row {run.source_head[0]}\.\n",
        out,
    )


def test_restore_without_yes_and_without_a_terminal_is_refused(run, django_db_blocker, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with _target(django_db_blocker, run.empty_db):
        before = _tables()

        with pytest.raises(CommandError, match=r"^Add --yes to restore without a terminal"):
            _run("restore", "--input", str(run.archive))

        assert _tables() == before


def test_a_missing_postgresql_client_is_named_with_what_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "")

    with pytest.raises(ArchiveError, match=r"^pg_dump was not found on PATH: install"):
        find_tool("pg_dump")


# --- the key --------------------------------------------------------------------------------------


def test_backup_without_a_backup_key_is_refused_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("HAVEN_BACKUP_KEY", raising=False)
    output = tmp_path / "haven.backup"

    with (
        override_settings(HAVEN_BACKUP_KEY=None),
        pytest.raises(CommandError, match=r"^HAVEN_BACKUP_KEY is not set\."),
    ):
        _run("backup", "--output", str(output))

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("other", [DEV_SECRET_KEY, DEV_FIELD_KEY], ids=["secret", "field"])
def test_backup_refuses_another_of_havens_keys_as_the_backup_key(tmp_path, other):
    with (
        override_settings(HAVEN_BACKUP_KEY=other),
        pytest.raises(CommandError, match=r"^HAVEN_BACKUP_KEY must be a key of its own"),
    ):
        _run("backup", "--output", str(tmp_path / "haven.backup"))


def test_backup_does_not_overwrite_an_existing_archive(run, tmp_path):
    existing = tmp_path / "haven.backup"
    existing.write_bytes(b"an earlier backup")

    with (
        override_settings(HAVEN_BACKUP_KEY=KEY),
        pytest.raises(CommandError, match=r"already exists: give each backup a new name\.$"),
    ):
        _run("backup", "--output", str(existing))

    assert existing.read_bytes() == b"an earlier backup"


def test_restore_with_a_wrong_key_is_refused_and_changes_nothing(run, django_db_blocker):
    with _target(django_db_blocker, run.empty_db, key=OTHER_KEY):
        before = _tables()

        _refused(
            run.archive, r"^This archive was made with another backup key.*Nothing was changed"
        )

        assert _tables() == before


# --- the archive ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(lambda size: 30, id="salt"),
        pytest.param(lambda size: 70, id="header"),
        pytest.param(lambda size: size // 2, id="payload"),
        pytest.param(lambda size: size - 1, id="last-byte"),
    ],
)
def test_restore_of_an_archive_with_a_changed_byte_is_refused_and_changes_nothing(
    run, django_db_blocker, tmp_path, where
):
    data = bytearray(run.archive.read_bytes())
    data[where(len(data))] ^= 0x01
    tampered = tmp_path / "tampered.backup"
    tampered.write_bytes(bytes(data))

    with _target(django_db_blocker, run.empty_db):
        before = _tables()

        _refused(tampered, r"^The archive was altered or damaged.*Nothing was changed\.$")

        assert _tables() == before


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda data: data[:-100], id="cut-short"),
        pytest.param(lambda data: data + b"\x00", id="extended"),
    ],
)
def test_restore_of_a_cut_or_extended_archive_is_refused(run, django_db_blocker, tmp_path, change):
    changed = tmp_path / "changed.backup"
    changed.write_bytes(change(run.archive.read_bytes()))

    with _target(django_db_blocker, run.empty_db):
        before = _tables()

        _refused(changed, r"^The archive was altered or damaged")

        assert _tables() == before


def _with_header(archive: Path, destination: Path, **changes: Any) -> None:
    """A genuine archive whose header says something else, sealed with the right key."""
    key = parse_key(KEY)
    with archive.open("rb") as inp, destination.open("wb") as out:
        reader = ArchiveReader(inp, key)
        writer = ArchiveWriter(out, key, {**reader.header, **changes})
        for piece in reader.payload():
            writer.write(piece)
        writer.close()


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"vendor": "oracle"}, r"^This archive holds a oracle database"),
        (
            {"migrations": {"audit": "0002_chain_head"}},
            r"^This archive was made at another migration state.*audit: 0002_chain_head",
        ),
        ({"format": 2}, r"^This archive has header format 2"),
    ],
    ids=["vendor", "migrations", "format"],
)
def test_restore_refuses_an_archive_of_another_vendor_migration_state_or_format(
    run, django_db_blocker, tmp_path, changes, refusal
):
    other = tmp_path / "other.backup"
    _with_header(run.archive, other, **changes)

    with _target(django_db_blocker, run.empty_db):
        before = _tables()

        _refused(other, refusal)

        assert _tables() == before


def test_restore_refuses_a_chain_head_sealed_with_another_audit_key(run, django_db_blocker):
    with _target(django_db_blocker, run.empty_db), override_settings(HAVEN_AUDIT_KEY="another"):
        before = _tables()

        _refused(run.archive, r"^The audit chain head in this archive does not verify")

        assert _tables() == before


# --- the target -----------------------------------------------------------------------------------


def test_restore_into_a_database_that_holds_rows_is_refused_and_changes_nothing(
    run, django_db_blocker
):
    # given the database the archive was already restored into
    with _target(django_db_blocker, run.restored_db):
        before = _tables()

        _refused(
            run.archive,
            r"^This database is not empty: \d+ table\(s\) hold rows \(.*\)\. Restore only into "
            r"a new, empty database\. Nothing was changed\.$",
        )

        assert _tables() == before
