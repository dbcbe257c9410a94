"""The printable case summary (CC-9, DP-1, DP-3): a PDF of the case as its reader may see it,
for a case conference or a court. Each part shows only the classes the reader may read on the
case, exactly as the pages do (haven.cases.access.readable); every page carries the reader's
name, the time it was printed and "Confidential"; printing is logged as a reading of the case.

It lives in web, above every area, because it reads all of them; it writes nothing."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache

from haven.audit.services import log_read
from haven.cases import selectors as case_selectors
from haven.cases.access import access_case_by_id, readable
from haven.cases.models import Case
from haven.consent.selectors import consents
from haven.core.http import AuthedRequest
from haven.core.pdf import render_pdf
from haven.core.sensitivity import Sensitivity as S
from haven.documents.selectors import documents_of
from haven.identification.selectors import first_steps, screenings_listed
from haven.justice.selectors import parts as justice_parts
from haven.placements.selectors import current_placement
from haven.protection.selectors import guardian_appointments, services
from haven.reintegration.selectors import plans
from haven.safeguards.selectors import alerts_for_case

NOTES_SHOWN = 10


def summary_context(user: Any, case: Case) -> dict[str, Any]:
    """What the summary shows: every row filtered by its class, as on the pages."""
    classes = readable(user, case)

    def shown(rows: Any) -> list[Any]:
        return [row for row in rows if row.readable_with(classes)]

    placement = current_placement(case)
    return {
        "case": case,
        "child": case.child,
        "presumption": case.child.presumption,
        "can_read": {str(s) for s in classes},
        "reader": user.get_full_name() or user.get_username(),
        "printed_at": timezone.localtime(),
        "alerts": list(alerts_for_case(case, classes)),
        "assignments": list(case_selectors.current_assignments(case)),
        "retellings": case_selectors.retelling_count(case),
        "interviews": shown(case.interviews.all()[:50]),
        "screenings": list(screenings_listed(case)[:10]),
        "first_steps": first_steps(case, classes),
        "guardians": shown(guardian_appointments(case).filter(ended_on__isnull=True)),
        "consents": shown(consents(case)[:30]),
        "services": list(services(case, classes)[:50]),
        "placement": placement if placement and placement.readable_with(classes) else None,
        "proceedings": list(justice_parts(case)) if S.LEGAL in classes else [],
        "plans": shown(plans(case)[:10]) if S.FAMILY in classes else [],
        "notes": list(case.notes.select_related("created_by")[:NOTES_SHOWN])
        if S.NARRATIVE in classes
        else [],
        "documents": [d for d in documents_of(case, classes) if d.removed_at is None],
    }


@never_cache
@login_required
def case_summary(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = access_case_by_id(request.user, public_id)
    context = summary_context(request.user, case)
    try:
        pdf = render_pdf(render_to_string("web/case_summary.html", context, request=request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:detail", public_id=case.public_id)
    log_read(user=request.user, what="case.summary", case=case)
    response = HttpResponse(pdf, content_type="application/pdf")
    stamp = context["printed_at"].strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="{case.reference}-summary-{stamp}.pdf"'
    return response
