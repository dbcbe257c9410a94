from django.core.management.base import BaseCommand

from haven.cases.models import Case
from haven.safeguards.engine import evaluate


class Command(BaseCommand):
    help = "Evaluate every alert rule over every open case (deadlines pass without a write)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = evaluate(Case.objects.exclude(stage=Case.Stage.CLOSED))
        self.stdout.write(f"raised {result.raised}, cleared {result.cleared}")
        for code, count in sorted(result.per_rule.items()):
            self.stdout.write(f"  {code}: {count} case(s) in breach")
