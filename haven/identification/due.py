"""The first steps on the list of what is due (ID-4, ID-5): each open step that no other record
meets yet, on the day it falls due (registered at ready())."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from haven.cases.due import Due, due_source
from haven.core.sensitivity import Sensitivity
from haven.identification.models import FirstStep
from haven.identification.selectors import met_q


@due_source
def first_steps(cases: Any, until: date) -> Iterable[Due]:
    # Due before the day after `until` begins, in the local time zone.
    after = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    # The open steps due by then first, by the index; only those are then compared with what
    # meets a step (met_q: a subquery per kind of record), which costs more to build and plan
    # than the open steps, usually none, cost to read.
    open_ids = list(
        FirstStep.objects.filter(
            case__in=cases, status=FirstStep.Status.OPEN, due_at__lt=after
        ).values_list("pk", flat=True)
    )
    if not open_ids:
        return
    steps = (
        FirstStep.objects.filter(pk__in=open_ids)
        .exclude(met_q())
        .select_related("case", "case__child")
    )
    for step in steps:
        yield Due(
            case=step.case,
            on=timezone.localdate(step.due_at),
            what=step.get_kind_display(),
            url=reverse("cases:detail", args=[step.case.public_id]) + "#first-steps",
            shows=Sensitivity.BASIC,
        )
