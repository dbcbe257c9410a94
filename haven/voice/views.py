"""Staff pages for children's feedback (CC-12) and concerns about practitioners (CC-13): the
handlers' list and detail, and recording what a child said in person. Feedback is loaded only
through haven.voice.selectors (404 when the user may not read it); cases only through
haven.cases.access; every write calls a service."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.cases.access import access_case_by_id, agencies_where, can, cases_for_user
from haven.core.forms import apply_service_error, run_service
from haven.core.http import AuthedRequest
from haven.voice import selectors, services
from haven.voice.forms import FeedbackRecordForm, ResolveForm
from haven.voice.models import Feedback, Kind, Status

LIST_LIMIT = 200


def _require_handler(request: AuthedRequest) -> None:
    if not can(request.user, Capability.HANDLE_FEEDBACK):
        raise PermissionDenied


@login_required
def feedback_list(request: AuthedRequest) -> HttpResponse:
    """Handlers' list: overdue complaints first (CC-12). It shows no message, so opening it
    reads nothing a child wrote; each message is read, and audited, on its own page."""
    _require_handler(request)
    user = request.user
    sees_concerns, unread_concerns = selectors.concern_inbox(user)
    kinds = [k for k in Kind.choices if sees_concerns or k[0] != Kind.CONCERN]
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = feedback_for_list(user)
    if status in Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    if kind in dict(kinds):
        rows = rows.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "voice/list.html",
        {
            "rows": list(rows[:LIST_LIMIT]),
            "limit": LIST_LIMIT,
            "statuses": Status.choices,
            "kinds": kinds,
            "status": status,
            "kind": kind,
            "unread_concerns": unread_concerns,
            "may_record": can(user, Capability.RECORD_FEEDBACK),
            "ack_days": settings.HAVEN_FEEDBACK_ACK_DAYS,
        },
    )


def feedback_for_list(user: Any) -> Any:
    return selectors.with_overdue(selectors.feedback_for_user(user)).only(
        "public_id",
        "reference",
        "kind",
        "channel",
        "language",
        "mood",
        "status",
        "received_at",
        "wants_contact",
        "anonymous",
        "case_id",
    )


def _detail(
    request: AuthedRequest, feedback: Feedback, form: ResolveForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    case_visible = (
        feedback.case_id is not None and cases_for_user(user).filter(pk=feedback.case_id).exists()
    )
    return render(
        request,
        "voice/detail.html",
        {
            "feedback": feedback,
            "notice": selectors.notice_for(user, feedback),
            "overdue": selectors.is_overdue(feedback),
            "case_visible": case_visible,
            "form": form or ResolveForm(),
            "may_acknowledge": feedback.status == Status.RECEIVED,
            "may_resolve": feedback.status != Status.RESOLVED,
            "ack_days": settings.HAVEN_FEEDBACK_ACK_DAYS,
        },
        status=status,
    )


@login_required
def feedback_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    feedback = selectors.access_feedback_by_id(request.user, public_id)
    services.feedback_read(feedback=feedback, actor=request.user)
    return _detail(request, feedback)


@require_POST
@login_required
def feedback_acknowledge(request: AuthedRequest, public_id: str) -> HttpResponse:
    feedback = selectors.access_feedback_by_id(request.user, public_id)
    try:
        services.feedback_acknowledge(feedback=feedback, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Acknowledged. Now work towards resolving it."))
    return redirect("voice:detail", public_id=feedback.public_id)


@require_POST
@login_required
def feedback_resolve(request: AuthedRequest, public_id: str) -> HttpResponse:
    feedback = selectors.access_feedback_by_id(request.user, public_id)
    form = ResolveForm(request.POST)
    done = run_service(
        form,
        lambda: services.feedback_resolve(
            feedback=feedback, actor=request.user, resolution=form.cleaned_data["resolution"]
        ),
    )
    if done is None:
        feedback.refresh_from_db()
        services.feedback_read(feedback=feedback, actor=request.user)
        return _detail(request, feedback, form, status=400)
    messages.success(request, _("Resolved. What was done is kept with it."))
    return redirect("voice:detail", public_id=feedback.public_id)


@login_required
def feedback_record(request: AuthedRequest) -> HttpResponse:
    """A practitioner records what a child told them (CC-12, CC-13), optionally on a case they
    may open: `?case=<id>` from the case, or its reference typed in."""
    user = request.user
    if not can(user, Capability.RECORD_FEEDBACK):
        raise PermissionDenied
    case = None
    wanted = request.POST.get("case") or request.GET.get("case")
    if wanted:
        case = access_case_by_id(user, wanted)
        if not can(user, Capability.RECORD_FEEDBACK, case):
            raise PermissionDenied
    agencies = agencies_where(user, Capability.RECORD_FEEDBACK)
    form = FeedbackRecordForm(
        request.POST or None,
        agencies=agencies,
        case=case,
        people=selectors.staff_to_name(agencies),
    )
    if request.method == "POST" and form.is_valid():
        target = case
        reference = form.cleaned_data.get("case_reference", "").strip().upper()
        if reference:
            target = cases_for_user(user).filter(reference=reference).first()
            if target is None:
                form.add_error("case_reference", _("No case you can open has this reference."))
        if not form.errors:
            try:
                feedback = services.feedback_record(
                    actor=user, case=target, **form.service_kwargs()
                )
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, PermissionDenied):
                    exc = ValidationError(
                        {"case_reference": _("You may not record feedback on this case.")}
                    )
                apply_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("Recorded. Give the child this reference: %(ref)s")
                    % {"ref": feedback.reference},
                )
                if selectors.feedback_for_user(user).filter(pk=feedback.pk).exists():
                    return redirect("voice:detail", public_id=feedback.public_id)
                return redirect("voice:record")
    return render(
        request,
        "voice/record.html",
        {"form": form, "case": case, "may_open_kiosk": can(user, Capability.OPEN_KIOSK)},
        status=400 if form.errors else 200,
    )
