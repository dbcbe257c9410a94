"""Every write about releases of statistics (DESIGN idea 1; DP-10, DP-12, DP-16). One
transaction each: check the actor may act, validate, save, audit. A release's figures are the
suppressed tables frozen when it is asked for; it leaves the system only once each contributing
agency has authorised it, and each download is audited."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import agencies_where, require
from haven.core.forms import EARLIEST_YEAR
from haven.reports import exports, selectors
from haven.reports.models import Release, ReleaseAuthorisation, ReleaseFormat, Table


def _validate_year(year: int | None) -> None:
    if year is not None and not EARLIEST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError({"year": _("Choose a year from the list.")})


@transaction.atomic
def release_request(
    *,
    actor: Any,
    year: int | None,
    tables: Iterable[str],
    purpose: str,
    format: str = ReleaseFormat.CSV,
) -> Release:
    """Ask for statistics to be released outside the system, saying what for (DP-12, DP-16).
    The figures are the suppressed tables of the statistics page (DP-10), frozen now; every
    agency whose children are counted must authorise them before they can be downloaded."""
    require(actor, Capability.VIEW_STATISTICS)
    errors: dict[str, Any] = {}
    chosen = set(tables)
    if chosen - set(Table.values):
        errors["tables"] = _("Choose from the list.")
    elif not chosen:
        errors["tables"] = _("Choose at least one table to release.")
    if not purpose.strip():
        errors["purpose"] = _("Say what the figures are for and who will receive them.")
    if format not in ReleaseFormat.values:
        errors["format"] = _("Choose CSV or XLSX.")
    try:
        _validate_year(year)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    own = [a.pk for a in selectors.statistics_agencies(actor)]
    contributing = sorted(
        set(
            selectors.statistics_cases(own, year)
            .order_by()
            .values_list("lead_agency_id", flat=True)
            .distinct()
        )
    )
    if not contributing:
        raise ValidationError(_("There are no figures for this period to release."))
    figures = selectors.released(selectors.statistics(contributing, year))
    ordered = [t for t in Table.values if t in chosen]
    figures["tables"] = {t: figures["tables"][t] for t in ordered}
    release = Release.objects.create(
        year=year,
        tables=ordered,
        purpose=purpose.strip(),
        requested_by=actor,
        format=format,
        figures=figures,
        created_by=actor,
        updated_by=actor,
    )
    release.agencies.set(contributing)
    record_event(
        actor=actor,
        action="release.request",
        obj=release,
        changes={
            "year": [None, year],
            "tables": [None, ordered],
            "format": [None, format],
            "purpose": [None, "[changed]"],
            "agencies": [None, len(contributing)],
        },
    )
    return release


def pending_agencies(release: Release, actor: Any) -> list[Any]:
    """The release's agencies that the actor may authorise and that have not authorised yet."""
    mine = {a.pk for a in agencies_where(actor, Capability.AUTHORISE_RELEASE)}
    done = set(release.authorisations.values_list("agency_id", flat=True))
    return [a for a in release.agencies.order_by("pk") if a.pk in mine and a.pk not in done]


@transaction.atomic
def release_authorise(
    *, release: Release, actor: Any, note: str = ""
) -> list[ReleaseAuthorisation]:
    """Authorise a release for each contributing agency where the actor is a supervisor
    (DP-12). Whoever asked for the release cannot authorise it: a second person looks at every
    release that leaves an agency."""
    require(actor, Capability.AUTHORISE_RELEASE)
    release = Release.objects.select_for_update().get(pk=release.pk)
    if release.requested_by_id == actor.pk:
        raise PermissionDenied(
            _("You asked for this release: another supervisor of the agency must authorise it.")
        )
    agencies = pending_agencies(release, actor)
    if not agencies:
        raise ValidationError(_("There is nothing left for you to authorise on this release."))
    now = timezone.now()
    made = []
    for agency in agencies:
        authorisation = ReleaseAuthorisation.objects.create(
            release=release,
            agency=agency,
            authorised_by=actor,
            authorised_at=now,
            note=note.strip(),
        )
        record_event(
            actor=actor,
            action="release.authorise",
            obj=release,
            changes={
                "agency": [None, str(agency.public_id)],
                "note": [None, "[changed]" if note.strip() else ""],
            },
        )
        made.append(authorisation)
    return made


def is_authorised(release: Release) -> bool:
    agencies = set(release.agencies.values_list("pk", flat=True))
    done = set(release.authorisations.values_list("agency_id", flat=True))
    return bool(agencies) and agencies <= done


@transaction.atomic
def release_download(*, release: Release, actor: Any) -> tuple[str, str, bytes]:
    """The release's file, for the person who asked for it, once every contributing agency has
    authorised it (DP-12). The file carries the release's ID, never an agency's name (DP-10).
    Each download is audited: it is the moment the figures leave the system."""
    require(actor, Capability.VIEW_STATISTICS)
    if release.requested_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who asked for a release can download it."))
    if not is_authorised(release):
        raise ValidationError(
            _("Every contributing agency must authorise this release before it is downloaded.")
        )
    name, content_type, content = exports.build(release)
    record_event(
        actor=actor,
        action="release.download",
        obj=release,
        changes={"format": [None, release.format]},
    )
    return name, content_type, content
