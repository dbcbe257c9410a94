import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from haven.audit.backup import backup_key, mismatch, read_header, restore, rows
from haven.audit.models import AuditEvent
from haven.core.archive import ArchiveError


class Command(BaseCommand):
    help = (
        "Restore an archive made by manage.py backup into an empty database, then check every "
        "table's row count and the audit chain (docs/deployment.md, 'Backup and restore')."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--input", required=True, type=Path, metavar="PATH")
        parser.add_argument(
            "--yes", action="store_true", help="Restore without asking for confirmation."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only authenticate the whole archive and describe it; change nothing.",
        )

    def _describe(self, header: dict[str, Any]) -> str:
        head = header["audit_head"] or {"last_seq": 0}
        return _(
            "made %(created)s from %(vendor)s: %(rows)s rows in %(tables)s tables, audit chain "
            "head at row %(seq)s"
        ) % {
            "created": header["created_at"],
            "vendor": header["vendor"],
            "rows": rows(header),
            "tables": len(header["tables"]),
            "seq": head["last_seq"],
        }

    def _confirm(self, yes: bool, path: Path) -> Any:
        def confirm(header: dict[str, Any]) -> bool:
            if yes:
                return True
            if not sys.stdin.isatty():
                raise ArchiveError(_("Add --yes to restore without a terminal to confirm on."))
            self.stdout.write(
                _("Restore %(path)s (%(archive)s) into the database %(database)s?")
                % {
                    "path": path,
                    "archive": self._describe(header),
                    "database": connection.settings_dict["NAME"],
                }
            )
            return input(_("Type yes to restore: ")).strip().lower() == "yes"

        return confirm

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path = options["input"]
        started = time.monotonic()
        try:
            key = backup_key()
            if options["check"]:
                header = read_header(path, key, whole=True)
                self.stdout.write(
                    _("The archive %(path)s is whole: %(archive)s.")
                    % {"path": path, "archive": self._describe(header)}
                )
                if problem := mismatch(header):
                    self.stdout.write(problem)
                return
            result = restore(path, key, self._confirm(options["yes"], path))
        except ArchiveError as exc:
            raise CommandError(_("%(reason)s Nothing was changed.") % {"reason": str(exc)}) from exc
        self.stdout.write(
            _("Restored %(rows)s rows in %(tables)s tables from %(path)s in %(seconds).1f s.")
            % {
                "rows": rows(result.header),
                "tables": len(result.header["tables"]),
                "path": path,
                "seconds": time.monotonic() - started,
            }
        )
        for table, (expected, actual) in sorted(result.differing.items()):
            self.stderr.write(
                _("table %(table)s: %(expected)s rows in the archive, %(actual)s restored")
                % {"table": table, "expected": expected, "actual": actual}
            )
        for p in result.problems:
            self.stderr.write(f"row {p.seq}: {p.kind}: {p.detail}")
        if result.differing or result.problems:
            raise CommandError(
                _(
                    "The restored database does not match the archive: %(tables)s table(s) "
                    "differ, %(problems)s audit chain problem(s)."
                )
                % {"tables": len(result.differing), "problems": len(result.problems)}
            )
        self.stdout.write(_("Every table holds the rows the archive recorded."))
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} events")
