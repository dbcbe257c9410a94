"""Backup and restore of the whole database as one encrypted archive (`manage.py backup`,
`manage.py restore`; docs/deployment.md, "Backup and restore").

Each database's own tool makes the copy, because it is faithful — every table, sequence and
index, the audit chain and its head byte for byte — and fast: PostgreSQL's `pg_dump` in its
custom format, read from its output as it writes, and `pg_restore` in one transaction; SQLite's
online backup API (`sqlite3.Connection.backup`), which copies a consistent snapshot while Haven
runs. Django's dumpdata/loaddata would work on both, but it turns every row into Python objects
(on the demo's 30 cases, `manage.py dumpdata` took 2.6 s, 1.9 s of it past start-up, against
0.16 s for pg_dump), decrypts and re-encrypts every encrypted field on the way, and leaves the
sequences behind.

The archive (haven.core.archive) is encrypted with HAVEN_BACKUP_KEY, a key of its own: never
SECRET_KEY, the audit key or a field key, so that a stolen archive is useless without a key
kept elsewhere. Its header records the format, the database vendor, the latest applied
migration of each app, the time it was made (UTC), the audit chain's head and the row count of
every table, all read in the same snapshot as the copy.

A restore goes only into an empty database. It refuses, before changing anything, an archive
it cannot read with the key, one that was altered, one of another vendor or migration state,
and one whose chain head does not verify with this deployment's audit key. It reads and
authenticates the whole archive before it writes a row, then checks every table's row count
against the header and verifies the audit chain, head included.

The commands print counts, paths and the audit head; never a row, and never a tool's message
that could quote one.
"""

import hmac
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from haven.audit.models import AuditChainHead
from haven.audit.services import head_mac
from haven.audit.verify import Problem, anchor_problems, verify_chain
from haven.core.archive import CHUNK_SIZE, ArchiveError, ArchiveReader, ArchiveWriter, parse_key

FORMAT = 1
# What `manage.py migrate` writes by itself: a database holding only these rows (and the chain
# head at row 0, which the audit app's migration creates) is empty.
FILLED_BY_MIGRATE = frozenset(
    {"contenttypes.contenttype", "auth.permission", "identification.indicator"}
)
# Lines of pg_dump's and pg_restore's messages that can quote a row or a statement.
_QUOTING = ("detail:", "hint:", "context:", "command was", "line ", "query:")


def backup_key() -> bytes:
    """HAVEN_BACKUP_KEY, from the settings if a deployment sets it there, else the
    environment. Only the backup job and the person restoring need it, not the web processes."""
    text = (
        getattr(settings, "HAVEN_BACKUP_KEY", None) or os.environ.get("HAVEN_BACKUP_KEY") or ""
    ).strip()
    if not text:
        raise ArchiveError(
            _(
                "HAVEN_BACKUP_KEY is not set. Backups are encrypted with a key of their own, kept "
                "apart from the database host; Haven never uses its other keys for them. Make "
                'one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        )
    others = {settings.SECRET_KEY, settings.HAVEN_AUDIT_KEY, *settings.HAVEN_FIELD_KEYS}
    if text in {other.strip() for other in others if other}:
        raise ArchiveError(
            _(
                "HAVEN_BACKUP_KEY must be a key of its own, not SECRET_KEY, HAVEN_AUDIT_KEY or a "
                "field key: whoever holds an archive and that key would otherwise hold both."
            )
        )
    return parse_key(text)


# --- what the header records ---------------------------------------------------------------------


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _inventory(cursor: Any, tables: list[str]) -> dict[str, Any]:
    """Row counts, migration state and chain head, read through `cursor` (a DB-API cursor on
    the database being copied, in the snapshot being copied)."""
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 (a table name)
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        for app, name in cursor.fetchall():
            migrations[app] = name
    head = None
    head_table = AuditChainHead._meta.db_table
    if head_table in counts:
        cursor.execute(
            f"SELECT last_seq, last_digest, mac FROM {_quote(head_table)} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
        if row is not None:
            head = {"last_seq": row[0], "last_digest": row[1], "mac": row[2]}
    return {"tables": counts, "migrations": migrations, "audit_head": head}


def _header(inventory: dict[str, Any], **details: Any) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "vendor": connection.vendor,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **details,
        **inventory,
    }


def code_migrations() -> dict[str, str]:
    """The latest migration of each app in this Haven's code."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return dict(sorted(graph.leaf_nodes()))


def rows(header: dict[str, Any]) -> int:
    return sum(header["tables"].values())


# --- the tools ---------------------------------------------------------------------------------


def find_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ArchiveError(
            _(
                "%(tool)s was not found on PATH: install the PostgreSQL client programs of the "
                "server's version or newer (Debian: postgresql-client-15)."
            )
            % {"tool": name}
        )
    return path


def _tool_major(path: str) -> tuple[int, str]:
    """`pg_dump (PostgreSQL) 15.20 (Debian …)` → (15, the line)."""
    line = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        [path, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    version = line.split(")", 1)[-1].split()[0]
    return int(version.split(".")[0]), line


def _pg_env() -> dict[str, str]:
    """The connection settings as libpq reads them; Django's own dbshell builds them alike."""
    settings_dict = connection.settings_dict
    _args, env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    env = dict(env or {})
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return {**os.environ, **env}


def _tool_failed(tool: str, code: int, errors: IO[bytes]) -> ArchiveError:
    """The tool's own error lines, without those that can quote data."""
    errors.seek(0)
    kept = []
    for line in errors.read().decode(errors="replace").splitlines():
        text = line.split(f"{tool}: ", 1)[-1].strip()
        if text and not text.lower().startswith(_QUOTING):
            kept.append(text[:300])
    return ArchiveError(
        _("%(tool)s failed (exit status %(code)s): %(errors)s")
        % {"tool": tool, "code": code, "errors": " / ".join(kept[:3]) or "-"}
    )


@contextmanager
def _running(args: list[str], **kwargs: Any) -> Iterator[subprocess.Popen[bytes]]:
    """A child process that is killed if we leave early (an error, a refused archive)."""
    process = subprocess.Popen(args, env=_pg_env(), **kwargs)  # noqa: S603
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@contextmanager
def _private_directory() -> Iterator[Path]:
    """A directory only this user may enter, for the unencrypted copy SQLite's backup API
    works on: beside the database file, which holds the same data unencrypted, or in the
    system's temporary directory for a database in memory. Removed on leaving."""
    name = connection.settings_dict["NAME"]
    in_memory = connection.creation.is_in_memory_db(name)  # type: ignore[attr-defined]
    parent = None if in_memory else Path(name).resolve().parent
    path = Path(tempfile.mkdtemp(prefix=".haven-backup-", dir=parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _sqlite_connection() -> Any:
    if connection.in_atomic_block:
        raise ArchiveError(_("Backup and restore cannot run inside a transaction."))
    connection.ensure_connection()
    return connection.connection


# --- backup ------------------------------------------------------------------------------------


def _backup_sqlite(out: BinaryIO, key: bytes) -> dict[str, Any]:
    with _private_directory() as directory:
        copy_path = directory / "copy.sqlite3"
        copy = sqlite3.connect(copy_path)
        try:
            _sqlite_connection().backup(copy)
            cursor = copy.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
            inventory = _inventory(copy.cursor(), [name for (name,) in cursor.fetchall()])
        finally:
            copy.close()
        header = _header(
            inventory,
            method="sqlite3 online backup",
            tool=f"SQLite {sqlite3.sqlite_version}",
            compression="zlib",
        )
        writer = ArchiveWriter(out, key, header)
        # A database file has much empty space; encrypted bytes no longer compress.
        compressor = zlib.compressobj(level=1)
        with copy_path.open("rb") as plain:
            while piece := plain.read(CHUNK_SIZE):
                writer.write(compressor.compress(piece))
        writer.write(compressor.flush())
        writer.close()
    return header


def _backup_postgresql(out: BinaryIO, key: bytes) -> dict[str, Any]:
    pg_dump = find_tool("pg_dump")
    tool_major, tool_line = _tool_major(pg_dump)
    connection.ensure_connection()
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    if tool_major < server_major:
        raise ArchiveError(
            _(
                "pg_dump %(tool)s cannot copy a PostgreSQL %(server)s server: install the "
                "client programs of version %(server)s or newer."
            )
            % {"tool": tool_major, "server": server_major}
        )
    # The header and pg_dump read the same snapshot, so the counts and the chain head it
    # records are those of the copy even while Haven keeps writing.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        inventory = _inventory(cursor, connection.introspection.table_names(cursor))
        header = _header(
            inventory,
            method="pg_dump --format=custom",
            tool=tool_line,
            server=server_major,
            compression="pg_dump",
        )
        writer = ArchiveWriter(out, key, header)
        args = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password"]
        with (
            tempfile.TemporaryFile() as errors,
            _running(
                [*args, f"--dbname={connection.settings_dict['NAME']}"],
                stdout=subprocess.PIPE,
                stderr=errors,
            ) as process,
        ):
            assert process.stdout is not None
            while piece := process.stdout.read(CHUNK_SIZE):
                writer.write(piece)
            if code := process.wait():
                raise _tool_failed("pg_dump", code, errors)
        writer.close()
    return header


@dataclass(frozen=True)
class Written:
    header: dict[str, Any]
    size: int


def write_backup(output: Path, key: bytes) -> Written:
    """Write the archive beside `output` under a temporary name, readable by this user only,
    and give it its name once complete: a failed backup leaves no archive that looks whole."""
    if output.exists():
        raise ArchiveError(
            _("%(path)s already exists: give each backup a new name.") % {"path": output}
        )
    if not output.parent.is_dir():
        raise ArchiveError(_("The directory %(path)s does not exist.") % {"path": output.parent})
    backups = {"sqlite": _backup_sqlite, "postgresql": _backup_postgresql}
    if connection.vendor not in backups:
        raise ArchiveError(
            _("Haven cannot back up a %(vendor)s database.") % {"vendor": connection.vendor}
        )
    handle, partial = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            header = backups[connection.vendor](out, key)
            size = out.tell()
            os.fsync(out.fileno())
        os.replace(partial, output)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return Written(header, size)


# --- restore -----------------------------------------------------------------------------------


def read_header(path: Path, key: bytes, *, whole: bool = False) -> dict[str, Any]:
    """The archive's header; with `whole`, only after authenticating every frame."""
    try:
        with path.open("rb") as inp:
            reader = ArchiveReader(inp, key)
            if whole:
                for _piece in reader.payload():
                    pass
            return reader.header
    except FileNotFoundError as exc:
        raise ArchiveError(_("%(path)s does not exist.") % {"path": path}) from exc


def mismatch(header: dict[str, Any]) -> str | None:
    """Why this archive cannot be restored faithfully here, or None."""
    if header.get("format") != FORMAT:
        return _("This archive has header format %(format)s, which this Haven cannot read.") % {
            "format": header.get("format")
        }
    if header["vendor"] != connection.vendor:
        return _(
            "This archive holds a %(archive)s database and this Haven is configured for "
            "%(here)s: point DATABASE_URL at a %(archive)s database to restore it."
        ) % {"archive": header["vendor"], "here": connection.vendor}
    here = code_migrations()
    theirs = header["migrations"]
    differ = sorted(app for app in set(here) | set(theirs) if here.get(app) != theirs.get(app))
    if differ:
        listed = "; ".join(
            f"{app}: {theirs.get(app, '-')} / {here.get(app, '-')}" for app in differ[:5]
        )
        return _(
            "This archive was made at another migration state than this Haven's code "
            "(archive / here: %(listed)s). Restore it with the Haven version that made it, "
            "then upgrade with manage.py migrate."
        ) % {"listed": listed}
    head = header.get("audit_head")
    if head and not hmac.compare_digest(
        head["mac"], head_mac(head["last_seq"], head["last_digest"])
    ):
        return _(
            "The audit chain head in this archive does not verify with this HAVEN_AUDIT_KEY: set "
            "the audit key of the deployment that made the archive. If it is set, the chain was "
            "altered before the backup was made."
        )
    return None


def rows_in_target() -> dict[str, int]:
    """The tables of this database that hold rows `migrate` did not write."""
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        seen = set()
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in seen or table not in existing:
                continue
            seen.add(table)
            if model._meta.label_lower in FILLED_BY_MIGRATE:
                continue
            where = " WHERE last_seq <> 0" if model is AuditChainHead else ""
            cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}{where}")  # noqa: S608
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


def _restore_sqlite(reader: ArchiveReader) -> None:
    with _private_directory() as directory:
        plain_path = directory / "restore.sqlite3"
        decompressor = zlib.decompressobj()
        with plain_path.open("wb") as plain:
            for piece in reader.payload():
                plain.write(decompressor.decompress(piece))
            plain.write(decompressor.flush())
        if not decompressor.eof:
            raise ArchiveError(_("The archive's database copy is incomplete."))
        # Every frame authenticated: only now is the database touched. The backup API replaces
        # it in one step, under one lock.
        source = sqlite3.connect(plain_path)
        try:
            source.backup(_sqlite_connection())
        finally:
            source.close()


def _restore_postgresql(path: Path, key: bytes, header: dict[str, Any]) -> None:
    pg_restore = find_tool("pg_restore")
    tool_major, _line = _tool_major(pg_restore)
    made_by = int(header["tool"].split(")", 1)[-1].split()[0].split(".")[0])
    if tool_major < made_by:
        raise ArchiveError(
            _("This archive was made by pg_dump %(made)s; pg_restore here is %(here)s.")
            % {"made": made_by, "here": tool_major}
        )
    # First pass: authenticate every frame without writing anything, so that a damaged
    # archive is refused before the database is touched; the second pass streams it to
    # pg_restore, authenticating again (the file could change in between).
    read_header(path, key, whole=True)
    connection.close()
    args = [
        pg_restore,
        "--no-password",
        "--single-transaction",  # all or nothing: a failure leaves the database as it was
        "--clean",  # drops the empty tables `migrate` may have made, in the same transaction
        "--if-exists",
        "--no-owner",  # the objects belong to the role that restores
        "--no-privileges",
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    with (
        path.open("rb") as inp,
        tempfile.TemporaryFile() as errors,
        _running(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors) as process,
    ):
        assert process.stdin is not None
        reader = ArchiveReader(inp, key)
        if reader.header != header:
            raise ArchiveError(_("The archive changed while it was being restored."))
        try:
            for piece in reader.payload():
                process.stdin.write(piece)
            process.stdin.close()
        except BrokenPipeError:
            pass  # pg_restore stopped early; its exit status and message say why
        if code := process.wait():
            raise _tool_failed("pg_restore", code, errors)


@dataclass
class Restored:
    header: dict[str, Any]
    differing: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def restore(path: Path, key: bytes, confirm: Callable[[dict[str, Any]], bool]) -> Restored:
    """Restore the archive at `path` into this (empty) database and check the result.
    Raises ArchiveError, having changed nothing, for an archive it will not restore."""
    restores = {"sqlite", "postgresql"}
    if connection.vendor not in restores:
        raise ArchiveError(
            _("Haven cannot restore into a %(vendor)s database.") % {"vendor": connection.vendor}
        )
    try:
        inp = path.open("rb")
    except FileNotFoundError as exc:
        raise ArchiveError(_("%(path)s does not exist.") % {"path": path}) from exc
    with inp:
        reader = ArchiveReader(inp, key)
        header = reader.header
        if problem := mismatch(header):
            raise ArchiveError(problem)
        if found := rows_in_target():
            listed = ", ".join(f"{table}: {count}" for table, count in sorted(found.items())[:5])
            raise ArchiveError(
                _(
                    "This database is not empty: %(tables)s table(s) hold rows (%(listed)s). "
                    "Restore only into a new, empty database."
                )
                % {"tables": len(found), "listed": listed}
            )
        if not confirm(header):
            raise ArchiveError(_("Restore cancelled."))
        if connection.vendor == "sqlite":
            _restore_sqlite(reader)
        else:
            _restore_postgresql(path, key, header)
    return check_restored(header)


def check_restored(header: dict[str, Any]) -> Restored:
    """Every table holds the rows the archive recorded, and the audit chain verifies up to the
    head the archive recorded."""
    result = Restored(header)
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table, expected in header["tables"].items():
            actual = None
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608
                actual = cursor.fetchone()[0]
            if actual != expected:
                result.differing[table] = (expected, actual)
    result.problems = verify_chain()
    head = header.get("audit_head")
    if head:
        result.problems += anchor_problems(f"{head['last_seq']}:{head['last_digest']}")
        restored = AuditChainHead.objects.filter(pk=1).values("last_seq", "last_digest").first()
        if restored != {"last_seq": head["last_seq"], "last_digest": head["last_digest"]}:
            result.problems.append(
                Problem(head["last_seq"], "head", "the chain head is not the one archived")
            )
    return result
