from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.accounts.roles import Capability
from haven.alerts import services
from haven.audit.services import log_read
from haven.cases.access import can, cases_for_user, shown_alerts
from haven.core.forms import apply_service_error
from haven.core.http import AuthedRequest
from haven.safeguards import selectors


class ResolveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this resolved?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


@login_required
def my_alerts(request: AuthedRequest) -> HttpResponse:
    alerts = selectors.open_alerts(shown_alerts(request.user))[:300]
    log_read(user=request.user, what="alert.list")  # the list shows children's names
    return render(request, "alerts/my_alerts.html", {"alerts": alerts})


@require_POST
@login_required
def resolve(request: AuthedRequest, public_id: str) -> HttpResponse:
    alert = selectors.open_alerts(shown_alerts(request.user)).filter(public_id=public_id).first()
    if alert is None:
        raise Http404
    if not can(request.user, Capability.RESOLVE_ALERT, alert.case):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            services.alert_resolve(
                alert=alert, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The alert is resolved; your reason is kept with it."))
            return redirect("cases:detail", public_id=alert.case.public_id)
    return render(request, "alerts/resolve.html", {"alert": alert, "form": form}, status=400)


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    """Critical alerts escalated to this person (ND-2): which case and which measure. A case the
    person may open is linked; the others show the reference and agency to call."""
    entries = list(selectors.inbox(request.user)[:200])
    visible = set(
        cases_for_user(request.user)
        .filter(pk__in={n.alert.case_id for n in entries})
        .values_list("pk", flat=True)
    )
    return render(request, "alerts/inbox.html", {"entries": entries, "visible": visible})


@require_POST
@login_required
def inbox_read(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.inbox(request.user).filter(pk=pk).first()
    if entry is None:
        raise Http404
    services.notification_read(notification=entry, actor=request.user)
    return redirect("alerts:inbox")
