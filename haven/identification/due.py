"""The first steps on the list of what is due (ID-4, ID-5): each open step that no other record
meets yet, on the day it falls due (registered at ready())."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from haven.cases.due import Due, case_keys, due_source, with_cases
from haven.core.sensitivity import Sensitivity
from haven.identification.models import FirstStep
from haven.identification.selectors import met_q


@due_source
def first_steps(cases: Any, until: date) -> Iterable[Due]:
    # Due before the day after `until` begins, in the local time zone.
    after = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
    # The open steps due by then first, by the index; only those are then compared with what
    # meets a step (met_q: a subquery per kind of record), which costs more to build and plan
    # than the open steps, usually none, cost to read; and only with what meets their kinds:
    # with every kind's subquery, planning the comparison of one case's one open step took
    # 6.2 ms at a million cases, for 0.4 ms of running it.
    open_steps = dict(
        FirstStep.objects.filter(
            case__in=case_keys(cases), status=FirstStep.Status.OPEN, due_at__lt=after
        ).values_list("pk", "kind")
    )
    if not open_steps:
        return
    steps = with_cases(
        FirstStep.objects.filter(pk__in=list(open_steps)).exclude(met_q(set(open_steps.values()))),
        cases,
    )
    for step in steps:
        yield Due(
            case=step.case,
            on=timezone.localdate(step.due_at),
            what=step.get_kind_display(),
            url=reverse("cases:detail", args=[step.case.public_id]) + "#first-steps",
            shows=Sensitivity.BASIC,
        )
