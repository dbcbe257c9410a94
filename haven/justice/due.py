"""Hearings on the list of what is due (VW-3, VW-4, VW-6): a hearing of a proceeding the child
takes part in, from today to the end of the list's week, so the child is prepared and told in
time (registered at ready())."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.cases.due import Due, case_keys, due_source
from haven.cases.models import Case
from haven.justice.models import Hearing


@due_source
def hearings(cases: Any, until: date) -> Iterable[Due]:
    today = timezone.localdate()
    # A proceeding shared by several children puts its hearing on each child's case.
    rows = list(
        Hearing.objects.filter(
            held_on__gte=today,
            held_on__lte=until,
            proceeding__children__case__in=case_keys(cases),
        ).values_list("held_on", "purpose", "proceeding__children__case_id")
    )
    found = (
        cases
        if isinstance(cases, dict)
        else Case.objects.select_related("child").in_bulk({case_id for _on, _p, case_id in rows})
    )
    for held_on, purpose, case_id in rows:
        case = found[case_id]
        what = _("Hearing: prepare the child and the support person")
        yield Due(
            case=case,
            on=held_on,
            what=f"{what} ({purpose})" if purpose else what,
            url=reverse("justice:justice", args=[case.public_id]),
            shows=Hearing.ROW_SENSITIVITY,
        )
