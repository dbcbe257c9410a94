import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from haven.audit.backup import backup_key, rows, write_backup
from haven.core.archive import ArchiveError


class Command(BaseCommand):
    help = (
        "Write the whole database, audit chain included, to one archive encrypted with "
        "HAVEN_BACKUP_KEY (docs/deployment.md, 'Backup and restore')."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--output",
            required=True,
            type=Path,
            metavar="PATH",
            help="The archive to write; it must not exist yet.",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        started = time.monotonic()
        try:
            written = write_backup(options["output"], backup_key())
        except ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        header = written.header
        head = header["audit_head"] or {"last_seq": 0, "last_digest": ""}
        self.stdout.write(
            _(
                "Backup written to %(path)s: %(rows)s rows in %(tables)s tables, %(size)s bytes, "
                "in %(seconds).1f s."
            )
            % {
                "path": options["output"],
                "rows": rows(header),
                "tables": len(header["tables"]),
                "size": written.size,
                "seconds": time.monotonic() - started,
            }
        )
        self.stdout.write(
            _("Audit chain head: %(anchor)s")
            % {"anchor": f"{head['last_seq']}:{head['last_digest']}"}
        )
