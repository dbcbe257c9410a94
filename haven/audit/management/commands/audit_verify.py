from django.core.management.base import BaseCommand, CommandError

from haven.audit.models import AuditEvent
from haven.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Prove that no audit event was edited, deleted or inserted (DP-3)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        problems = verify_chain()
        for p in problems:
            self.stderr.write(f"row {p.seq}: {p.kind}: {p.detail}")
        if problems:
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(f"audit chain intact: {AuditEvent.objects.count()} events")
