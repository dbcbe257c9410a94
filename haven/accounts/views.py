import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts import services
from haven.accounts.access import agencies_where, landing_page
from haven.accounts.forms import (
    AgencyContactsForm,
    AgencyForm,
    LanguageReviewForm,
    StaffForm,
    TokenForm,
)
from haven.accounts.languages import statuses as language_statuses
from haven.accounts.models import Agency, Membership, User
from haven.accounts.roles import Capability, Role, roles_with
from haven.accounts.services import CONTACT_FIELDS
from haven.core.forms import apply_service_error, run_service
from haven.core.http import AuthedRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        nxt = self.get_redirect_url()
        url = "/accounts/verify/"
        return f"{url}?next={nxt}" if nxt else url


def _next_url(request: AuthedRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, {request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse(landing_page(request.user))


def _demo_code(device: TOTPDevice) -> str | None:
    """The current code, shown only in the labelled local demo. The settings refuse demo mode
    outside local development; this asks again, so that no other settings module can show a
    code on a deployed server."""
    if not (settings.DEMO_MODE and settings.DEV):
        return None
    return str(
        TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    ).zfill(device.digits)


def _second_factor_passed(request: AuthedRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new key: a session key seen before the second
    factor (on a shared computer, in a log) is worth nothing after it (session fixation)."""
    otp_login(request, device)
    request.session.cycle_key()


@login_required
def verify(request: AuthedRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            _second_factor_passed(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _(
                "That code is not right or has expired. Wait a few seconds, then type the "
                "code your app shows now."
            ),
        )
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": _next_url(request), "demo_code": _demo_code(device)},
    )


@login_required
def enrol(request: AuthedRequest) -> HttpResponse:
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = services.totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_confirm(
            user=request.user, device=device, token=form.cleaned_data["token"]
        ):
            _second_factor_passed(request, device)
            messages.success(request, _("Your second sign-in step is set up."))
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("That code is not right. Check the time on your phone and try the current code."),
        )
    qr = segno.make(device.config_url, error="m")
    qr_data_uri = (
        "data:image/svg+xml;base64," + base64.b64encode(qr.svg_inline(scale=5).encode()).decode()
    )
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "qr": qr_data_uri,
            "secret": secret,
            "demo_code": _demo_code(device),
            "next": _next_url(request),
        },
    )


@require_POST
def logout_view(request: AuthedRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You are signed out."))
    return redirect("accounts:login")


@require_POST
@login_required
def logout_everywhere(request: AuthedRequest) -> HttpResponse:
    services.logout_everywhere(user=request.user)
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    return redirect("accounts:login")


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_verified():
        return redirect("accounts:verify")
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=request.user, new_password=form.cleaned_data["new_password1"])
        request.user.refresh_from_db()
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect(landing_page(request.user))
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": Membership.objects.filter(
                user=request.user, is_active=True
            ).select_related("agency")
        },
    )


@login_required
def members(request: AuthedRequest) -> HttpResponse:
    agencies = agencies_where(request.user, Capability.MANAGE_MEMBERS)
    if not agencies:
        raise PermissionDenied
    rows = (
        Membership.objects.filter(agency__in=agencies)
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__username")
    )
    return render(
        request,
        "accounts/members.html",
        {
            "rows": rows,
            "without_safeguarding_lead": _without_safeguarding_lead(agencies),
            "roles": _roles_to_give(request.user),
        },
    )


def _roles_to_give(user: Any) -> list[tuple[str, str]]:
    """The roles an administrator may give: a system administrator's only by another."""
    may_add_sysadmin = bool(agencies_where(user, Capability.MANAGE_AGENCIES))
    return [(r.value, str(r.label)) for r in Role if r != Role.SYSTEM_ADMIN or may_add_sysadmin]


def _without_safeguarding_lead(agencies: list[Agency]) -> list[Agency]:
    """The agencies among these where no one active handles concerns about practitioners
    (CC-13). A child's concern there still reaches someone (haven.voice.routing), but outside
    the person whose job it is; the administrator is shown the gap and what to do. One query."""
    led = set(
        Membership.objects.filter(
            agency__in=agencies,
            role__in=roles_with(Capability.HANDLE_CONCERNS),
            is_active=True,
            user__is_active=True,
        ).values_list("agency_id", flat=True)
    )
    return [agency for agency in agencies if agency.pk not in led]


@login_required
def member_new(request: AuthedRequest) -> HttpResponse:
    agencies = agencies_where(request.user, Capability.MANAGE_MEMBERS)
    if not agencies:
        raise PermissionDenied
    roles = _roles_to_give(request.user)
    form = StaffForm(
        request.POST or None,
        agencies=Agency.objects.filter(pk__in=[a.pk for a in agencies]),
        roles=roles,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.staff_create(
                actor=request.user,
                agency=data["agency"],
                username=data["username"],
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                languages=data["languages"],
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            return render(
                request,
                "accounts/member_reset_done.html",
                {"member": user, "password": password, "new": True},
            )
    return render(
        request, "accounts/member_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _member(request: AuthedRequest, public_id: str) -> User:
    """A person on the staff of an agency the caller administers; anyone else is "not found",
    whether they exist in another agency or not at all (no account is revealed)."""
    agencies = agencies_where(request.user, Capability.MANAGE_MEMBERS)
    user = (
        User.objects.filter(public_id=public_id, memberships__agency__in=agencies)
        .distinct()
        .first()
    )
    if user is None:
        raise Http404
    return user


@require_POST
@login_required
def member_reset(request: AuthedRequest, public_id: str) -> HttpResponse:
    user = _member(request, public_id)
    password = services.password_reset_by_admin(actor=request.user, user=user)
    return render(
        request, "accounts/member_reset_done.html", {"member": user, "password": password}
    )


@require_POST
@login_required
def member_reset_second_factor(request: AuthedRequest, public_id: str) -> HttpResponse:
    user = _member(request, public_id)
    services.second_factor_reset_by_admin(actor=request.user, user=user)
    messages.success(
        request,
        _("%(name)s's second step is removed; they set up a new one at their next sign-in.")
        % {"name": user.get_full_name() or user.username},
    )
    return redirect("accounts:members")


@login_required
def languages(request: AuthedRequest) -> HttpResponse:
    """Each of Haven's languages, who wrote it and whether a native-speaking practitioner has
    reviewed it (CC-11); an agency's administrator records a review here."""
    agencies = agencies_where(request.user, Capability.MANAGE_MEMBERS)
    if not agencies:
        raise PermissionDenied
    rows = language_statuses()
    form = LanguageReviewForm(
        request.POST or None,
        agencies=Agency.objects.filter(pk__in=[a.pk for a in agencies]),
        languages=[(r.code, f"{r.name_local} ({r.name})") for r in rows if r.status != "source"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.language_review_record(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The review is recorded."))
            return redirect("accounts:languages")
    return render(
        request,
        "accounts/languages.html",
        {"rows": rows, "form": form},
        status=400 if form.errors else 200,
    )


# --- agencies ---------------------------------------------------------------------------------


def _editable_agencies(user: Any) -> Any:
    """Every agency for a system administrator; their own for an agency administrator."""
    if agencies_where(user, Capability.MANAGE_AGENCIES):
        return Agency.objects.all()
    own = agencies_where(user, Capability.MANAGE_MEMBERS)
    if not own:
        raise PermissionDenied
    return Agency.objects.filter(pk__in=[a.pk for a in own])


@login_required
def agencies(request: AuthedRequest) -> HttpResponse:
    """The agencies and how to reach them; a system administrator adds one here."""
    rows = _editable_agencies(request.user).order_by("country", "name")
    return render(
        request,
        "accounts/agencies.html",
        {
            "rows": rows,
            "may_add": bool(agencies_where(request.user, Capability.MANAGE_AGENCIES)),
        },
    )


@login_required
def agency_new(request: AuthedRequest) -> HttpResponse:
    if not agencies_where(request.user, Capability.MANAGE_AGENCIES):
        raise PermissionDenied
    form = AgencyForm(request.POST or None)
    if request.method == "POST":
        agency = run_service(
            form, lambda: services.agency_create(actor=request.user, **form.service_kwargs())
        )
        if agency is not None:
            messages.success(request, _("The agency %(name)s is added.") % {"name": agency.name})
            return redirect("accounts:agencies")
    return render(
        request, "accounts/agency_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def agency_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    agency = get_object_or_404(_editable_agencies(request.user), public_id=public_id)
    form = AgencyContactsForm(
        request.POST or None,
        initial={"version": agency.version, **{f: getattr(agency, f) for f in CONTACT_FIELDS}},
    )
    if request.method == "POST":
        saved = run_service(
            form,
            lambda: services.agency_contacts_update(
                actor=request.user, agency=agency, **form.edit_kwargs()
            ),
        )
        if saved is not None:
            messages.success(request, _("The agency's details are saved."))
            return redirect("accounts:agencies")
    status = 409 if form.conflict else 400 if form.errors else 200
    return render(
        request, "accounts/agency_form.html", {"form": form, "agency": agency}, status=status
    )
