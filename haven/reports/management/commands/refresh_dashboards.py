from django.core.management.base import BaseCommand

from haven.reports.snapshots import READ_WITHIN, refresh_dashboards


class Command(BaseCommand):
    help = (
        "Count the supervisors' dashboard again for every set of agencies whose dashboard was "
        f"shown in the last {READ_WITHIN.days} days, and forget the others "
        "(haven.reports.snapshots). Run it every 15 minutes, from one machine."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        counted, deleted = refresh_dashboards()
        self.stdout.write(f"counted {counted}, forgot {deleted}")
