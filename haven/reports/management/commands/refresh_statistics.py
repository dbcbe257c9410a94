from django.core.management.base import BaseCommand

from haven.reports.snapshots import READ_WITHIN, refresh


class Command(BaseCommand):
    help = (
        "Count the statistics again for every set of agencies and period shown in the last "
        f"{READ_WITHIN.days} days, and forget the others (haven.reports.snapshots). Run it "
        "every hour, from one machine."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        counted, deleted = refresh()
        self.stdout.write(f"counted {counted}, forgot {deleted}")
