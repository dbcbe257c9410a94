from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from haven.cases.retention import RetentionReport, apply_retention
from haven.core.retention import SCHEDULED, schedule


class Command(BaseCommand):
    help = (
        "Erase what the retention schedule (HAVEN_RETENTION, DP-8) says has expired: every "
        "field of an expired class on the records of children whose cases are all closed. "
        "Rows are never deleted; each case erased gets an audit event. --dry-run lists what "
        "would change (counts and case references, never content) and changes nothing."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Apply the schedule as on this day (a later day only with --dry-run).",
        )
        parser.add_argument("--batch-size", type=int, default=50, help="Children per transaction.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        today = options["today"] or timezone.localdate()
        if today > timezone.localdate() and not options["dry_run"]:
            raise CommandError("A day after today is for --dry-run only: nothing has expired yet.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be 1 or more.")
        report = apply_retention(
            today=today, dry_run=options["dry_run"], batch_size=options["batch_size"]
        )
        self._print(report)

    def _print(self, report: RetentionReport) -> None:
        rules = schedule()
        mode = "dry run, nothing changed" if report.dry_run else f"run {report.run}"
        self.stdout.write(f"Retention schedule applied as on {report.today} ({mode})")
        for cls in SCHEDULED:
            out = report.classes.get(cls)
            head = f"{cls} ({rules[cls].describe()})"
            if out is None:
                self.stdout.write(f"{head}: nothing due")
                continue
            self.stdout.write(
                f"{head}: expired for {len(out.children)} child(ren), {len(out.cases)} case(s)"
            )
            self.stdout.write(f"  cases: {', '.join(sorted(out.cases))}")
            counts = out.values if report.dry_run else out.rows
            unit = "value(s) would be erased" if report.dry_run else "row(s) erased"
            for name, n in sorted(counts.items()):
                self.stdout.write(f"  {name}: {n} {unit}")
            if not counts:
                self.stdout.write("  nothing of this class is held on these records")
        if report.skipped:
            self.stdout.write(
                f"left alone (a case reopened meanwhile): {report.skipped} child(ren)"
            )
