from django.core.management.base import BaseCommand, CommandError

from haven.audit.models import AuditEvent
from haven.audit.verify import anchor_problems, head_anchor, verify_chain


class Command(BaseCommand):
    help = (
        "Prove that no audit event was edited, deleted or inserted (DP-3). Record the head "
        "outside the database with --print-head; compare with --expect-head."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--print-head",
            action="store_true",
            help="Print the chain head as SEQ:DIGEST, to keep somewhere the database is not.",
        )
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:DIGEST",
            help="A head printed earlier: the chain must still hold that row, unchanged.",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["print_head"]:
            self.stdout.write(head_anchor())
            return
        problems = verify_chain()
        if options["expect_head"]:
            problems += anchor_problems(options["expect_head"])
        for p in problems:
            self.stderr.write(f"row {p.seq}: {p.kind}: {p.detail}")
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} events")
