"""Reports pages: the supervisor's dashboard (CC-9, CC-14, ID-4, PS-2), the statistics
(CC-16, DP-10) and releases of statistics (DP-12). Figures come from haven.reports.selectors;
statistics are shown only after small-cell suppression; every write calls a service."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from haven.accounts.roles import Capability
from haven.cases.access import agencies_where
from haven.core.forms import apply_service_error, run_service
from haven.core.http import AuthedRequest
from haven.core.routers import replica_reads
from haven.justice.models import Measure
from haven.reports import selectors, services, snapshots
from haven.reports.forms import AuthoriseForm, PeriodForm, ReleaseRequestForm, period_year
from haven.reports.models import Release, Table
from haven.reports.suppression import legend, shown


def _require_any(user: Any, *capabilities: str) -> None:
    if not any(agencies_where(user, c) for c in capabilities):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """Caseloads against the ceiling (CC-14), handovers (CC-9), open alerts, overdue first
    steps (ID-4) and guardians' caseloads (PS-2) over the agencies' cases. No child's name.
    A POST ("Count again now") counts them now, to see a change just made, and comes back to
    the page: a reload or a bookmark never counts again."""
    _require_any(request.user, Capability.VIEW_DASHBOARD)
    # The last count of the same agencies, or one made now (haven.reports.snapshots), maybe on
    # a replica (haven.core.routers); who may see them was decided above, on the primary, and
    # the page around them (menus, counts of one's own) reads it too.
    if request.method == "POST":
        snapshots.dashboard(request.user, recount=True)
        return redirect("reports:dashboard")
    shown = snapshots.dashboard(request.user)
    return render(
        request,
        "reports/dashboard.html",
        shown.figures | {"counted_at": shown.counted_at, "kept": shown.kept},
    )


_PEOPLE_TITLES = {
    "case-workers": gettext_lazy("Case workers' caseloads"),
    "interpreters": gettext_lazy("Interpreters' load"),
    "guardians": gettext_lazy("Guardians' caseloads"),
}
# People per page of a whole caseload list.
PEOPLE_PER_PAGE = 100


@login_required
def caseloads(request: AuthedRequest, who: str) -> HttpResponse:
    """One of the dashboard's lists of people whole, heaviest first, a page at a time (CC-14,
    PS-2): the dashboard shows the heaviest, this page everyone, so that a supervisor also
    finds who has room for a new case."""
    _require_any(request.user, Capability.VIEW_DASHBOARD)
    if who not in selectors.PEOPLE:
        raise Http404
    with replica_reads():
        rows = selectors.people_loads(request.user, who)
    page = Paginator(rows, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/caseloads.html",
        {
            "who": who,
            "title": _PEOPLE_TITLES[who],
            "page": page,
            "ceiling": settings.HAVEN_CASELOAD_CEILING,
        },
    )


_TABLE_NOTES = {
    Table.SEX: gettext_lazy("Boys are often overlooked (CC-16)."),
    Table.GENDER: gettext_lazy(
        "Gender as the child describes it. Gender-diverse and LGBTQI+ children are often "
        "overlooked (CC-16)."
    ),
    Table.AGE_BAND: gettext_lazy(
        "Age when first identified. Older teenagers are often overlooked (CC-11, CC-16)."
    ),
    Table.EXPLOITATION: gettext_lazy(
        "A child may be counted under several forms. Labour, domestic work, begging and forced "
        "criminality are often overlooked (CC-16)."
    ),
    Table.NATIONALITY: gettext_lazy(
        "Nationals trafficked within their own country are often overlooked (CC-16)."
    ),
    Table.DISABILITY: gettext_lazy(
        "Children with disabilities are often overlooked (CC-5, CC-16)."
    ),
    Table.STATUS: gettext_lazy("The status on each child's latest case."),
    Table.PLACEMENTS: gettext_lazy(
        "A child is never to be detained (ND-2). Medians are shown only when they rest on "
        "enough stays or challenges."
    ),
    Table.RETRAFFICKING: gettext_lazy(
        "Children found back in exploitation after their case was opened, by the forms they "
        "were found in; a child may be counted under several (RR-6)."
    ),
}


def _value(value: Any) -> dict[str, Any]:
    """One released figure as the page shows it: its text, and whether it is the hidden mark
    (set apart from numbers, the same for every hidden figure: DP-10)."""
    return {"text": shown(value) if value != "" else "–", "hidden": value is None}


def presented(figures: dict[str, Any], only: list[str] | None = None) -> list[dict[str, Any]]:
    """Suppressed figures (selectors.released) as the page shows them, overlooked groups
    marked (CC-16)."""
    titles = dict(Table.choices)
    out = []
    # In the tables' own order: figures kept as JSON on PostgreSQL (jsonb) come back with their
    # keys in another order (a release's, a kept count's).
    for code in Table.values:
        table = figures["tables"].get(code)
        if table is None or (only is not None and code not in only):
            continue
        labels = selectors.row_labels(code)
        overlooked = selectors.OVERLOOKED.get(code, frozenset())
        out.append(
            {
                "code": code,
                "title": titles.get(code, code),
                "note": _TABLE_NOTES.get(Table(code), ""),
                "headings": selectors.column_headings(code),
                "rows": [
                    {
                        "label": labels.get(row, row),
                        "value": _value(value),
                        "overlooked": row in overlooked,
                    }
                    for row, value in table["rows"]
                ],
                "total": None if code == Table.PLACEMENTS else _value(table["total"]),
            }
        )
    return out


def presented_measures(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The child-friendly measures table (selectors.released_measures) as the page shows it:
    per authority, each measure's label with its suppressed counts (VW-4, DP-10)."""
    labels = dict(Measure.choices)
    return [
        {
            "authority": group["authority"] or _("Other authorities"),
            "named": group["authority"] is not None,
            "rows": [
                {
                    "label": labels.get(measure, measure),
                    "values": [_value(requested), _value(granted), _value(applied)],
                }
                for measure, requested, granted, applied in group["rows"]
            ],
        }
        for group in figures["groups"]
    ]


@login_required
def statistics(request: AuthedRequest) -> HttpResponse:
    """Counts of children by the groups that are overlooked (CC-16), suppressed as any release
    is (DP-10): statisticians and supervisors see the same figures, never a name or an ID."""
    agencies = selectors.statistics_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    year: int | None = _this_year()
    form = PeriodForm(request.GET or None, initial={"period": str(year)})
    if request.GET and form.is_valid():
        year = period_year(form.cleaned_data["period"])
    # The last count of these agencies and period, or one made now (haven.reports.snapshots),
    # perhaps on a replica; the agencies were read above, on the primary, and so are the
    # releases awaiting this person.
    shown_figures = snapshots.shown([a.pk for a in agencies], year)
    figures, measures = shown_figures.figures, shown_figures.measures
    return render(
        request,
        "reports/statistics.html",
        {
            "form": form,
            "year": year,
            "k": figures["k"],
            "legend": legend(figures["k"]),
            "counted_at": shown_figures.counted_at,
            "tables": presented(figures),
            "measures": presented_measures(measures),
            "awaiting": selectors.awaiting(request.user).count()
            if agencies_where(request.user, Capability.AUTHORISE_RELEASE)
            else 0,
        },
        status=400 if form.errors else 200,
    )


def _this_year() -> int:
    return timezone.localdate().year


def _release_visible(request: AuthedRequest, public_id: str) -> Release:
    release = selectors.releases_for_user(request.user).filter(public_id=public_id).first()
    if release is None:
        raise Http404
    return release


@login_required
def releases(request: AuthedRequest) -> HttpResponse:
    """The releases the user asked for, and those waiting for their authorisation (DP-12)."""
    _require_any(request.user, Capability.VIEW_STATISTICS, Capability.AUTHORISE_RELEASE)
    user = request.user
    return render(
        request,
        "reports/releases.html",
        {
            "mine": list(selectors.releases_for_user(user).filter(requested_by=user)[:100]),
            "awaiting": list(selectors.awaiting(user)[:100]),
            "may_request": bool(agencies_where(user, Capability.VIEW_STATISTICS)),
        },
    )


@login_required
def release_new(request: AuthedRequest) -> HttpResponse:
    _require_any(request.user, Capability.VIEW_STATISTICS)
    initial = {"period": request.GET.get("period", str(_this_year()))}
    form = ReleaseRequestForm(request.POST or None, initial=initial)
    if request.method == "POST":
        release = run_service(
            form,
            lambda: services.release_request(actor=request.user, **form.service_kwargs()),
        )
        if release is not None:
            messages.success(
                request,
                _(
                    "The release is requested. A supervisor of each agency counted must "
                    "authorise it before you can download it."
                ),
            )
            return redirect("reports:release", public_id=release.public_id)
    return render(
        request, "reports/release_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _detail_context(request: AuthedRequest, release: Release, **extra: Any) -> dict[str, Any]:
    user = request.user
    k = release.figures.get("k", settings.HAVEN_STATISTICS_MIN_CELL)
    pending = services.pending_agencies(release, user) if release.requested_by_id != user.pk else []
    return {
        "release": release,
        "tables": presented(release.figures, release.tables),
        "k": k,
        "legend": legend(k),
        "authorisations": list(release.authorisations.select_related("authorised_by")),
        # Annotated by selectors.releases_for_user.
        "authorised": getattr(release, "authorised_count", 0)
        == getattr(release, "agency_count", -1),
        "is_requester": release.requested_by_id == user.pk,
        "may_authorise": bool(pending),
        "form": extra.pop("form", None) or AuthoriseForm(),
        **extra,
    }


@login_required
def release_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A release: its purpose, the figures exactly as they would leave, who has authorised it.
    Agencies are not named here either: only how many have authorised (DP-10)."""
    release = _release_visible(request, public_id)
    return render(request, "reports/release.html", _detail_context(request, release))


@require_POST
@login_required
def release_authorise(request: AuthedRequest, public_id: str) -> HttpResponse:
    release = _release_visible(request, public_id)
    form = AuthoriseForm(request.POST)
    if form.is_valid():
        try:
            services.release_authorise(
                release=release, actor=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("You have authorised this release."))
            return redirect("reports:release", public_id=release.public_id)
    release = _release_visible(request, public_id)
    return render(
        request, "reports/release.html", _detail_context(request, release, form=form), status=400
    )


@login_required
def release_download(request: AuthedRequest, public_id: str) -> HttpResponse:
    release = _release_visible(request, public_id)
    try:
        name, content_type, content = services.release_download(release=release, actor=request.user)
    except ValidationError as exc:
        form = AuthoriseForm()
        return render(
            request,
            "reports/release.html",
            _detail_context(request, release, form=form, download_error=exc.messages[0]),
            status=400,
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
