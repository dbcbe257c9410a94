from django.core.management.base import BaseCommand
from django.db.models import Q

from haven.cases.models import Case
from haven.placements.models import NOT_FREE, Placement
from haven.safeguards.engine import evaluate
from haven.safeguards.tally import recount_all


class Command(BaseCommand):
    help = (
        "Evaluate every alert rule over every open case, and every closed case whose child is "
        "still held in a closed place (deadlines pass without a write; ND-2 outlives closing)."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        held = Placement.objects.current().filter(liberty__in=NOT_FREE).values("case_id")
        result = evaluate(Case.objects.filter(~Q(stage=Case.Stage.CLOSED) | Q(pk__in=held)))
        # The counts of open alerts that order My cases: one two writes raced over is set right.
        recount_all()
        self.stdout.write(f"raised {result.raised}, cleared {result.cleared}")
        for code, count in sorted(result.per_rule.items()):
            self.stdout.write(f"  {code}: {count} case(s) in breach")
