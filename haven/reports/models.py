"""Releases of statistics outside the system (DP-10, DP-12, DP-16).

A release is asked for with a purpose; its figures are frozen, already suppressed, when it is
asked for, so that what each contributing agency's supervisor authorises is exactly what leaves.
It can be downloaded once every contributing agency has authorised it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.models import HavenModel


class Table(models.TextChoices):
    """The statistics tables (CC-16), in the order the page and the files show them."""

    SEX = "sex", _("Sex")
    GENDER = "gender", _("Gender")
    AGE_BAND = "age_band", _("Age at identification")
    EXPLOITATION = "exploitation", _("Forms of exploitation")
    NATIONALITY = "nationality", _("Nationals and foreign nationals")
    DISABILITY = "disability", _("Disability and special needs")
    STATUS = "status", _("Trafficking status")
    PLACEMENTS = "placements", _("Placements and detention")
    RETRAFFICKING = "retrafficking", _("Found back in exploitation")


class ReleaseFormat(models.TextChoices):
    CSV = "csv", _("CSV (plain text)")
    XLSX = "xlsx", _("Spreadsheet (XLSX)")


class Release(HavenModel):
    """Statistics to be released outside the system, with the figures as released."""

    # None: all time.
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    tables = models.JSONField(_("tables"), default=list)
    purpose = models.TextField(_("purpose"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    format = models.CharField(
        _("format"), max_length=4, choices=ReleaseFormat.choices, default=ReleaseFormat.CSV
    )
    # The agencies whose children are counted: each must authorise (DP-12). Never written into
    # the file (DP-10).
    agencies = models.ManyToManyField("accounts.Agency", related_name="+")
    # The suppressed figures, frozen when asked for: {"k": 11, "tables": {code: {...}}}.
    figures = models.JSONField(default=dict, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("release of statistics")
        verbose_name_plural = _("releases of statistics")

    def __str__(self) -> str:
        return str(self.public_id)

    @property
    def period_label(self) -> str:
        return str(self.year) if self.year else str(_("All time"))


class ReleaseAuthorisation(models.Model):
    """One contributing agency's authorisation of a release, by a supervisor of that agency who
    did not ask for it (DP-12)."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="authorisations")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(_("authorised"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["authorised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "agency"], name="release_one_authorisation_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.release_id} {self.agency_id}"


class Snapshot(models.Model):
    """Figures of one set of agencies as counted at `counted_at`, which a page shows while they
    are young enough instead of counting on every request, and a scheduled command counts again
    while someone reads them (haven.reports.snapshots)."""

    # sha256 of what was counted (the agencies, and for the statistics the period and k).
    key = models.CharField(max_length=64, unique=True)
    agency_ids = models.JSONField(default=list)
    figures = models.JSONField(default=dict)
    counted_at = models.DateTimeField()
    # When a page last showed it: a snapshot nobody reads is no longer counted.
    read_at = models.DateTimeField()

    class Meta:
        abstract = True


class StatisticsSnapshot(Snapshot):
    """The statistics page's figures for one set of agencies and one period, as counted at
    `counted_at` (CC-16). Counting a national agency's children takes seconds at a million
    cases, so the page and the API show the last count while it is younger than
    HAVEN_STATISTICS_MAX_AGE, and `manage.py refresh_statistics` counts again every snapshot
    read lately (haven.reports.snapshots). Only figures already suppressed are kept (DP-10):
    what the page may show, never a raw count, a name or a case. `figures` is
    selectors.released, `measures` selectors.released_measures."""

    # None: all time.
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    k = models.PositiveSmallIntegerField()
    measures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")

    def __str__(self) -> str:
        return f"{self.year or 'all'} {self.agency_ids}"


class DashboardSnapshot(Snapshot):
    """The supervisors' dashboard of one set of agencies as counted at `counted_at` (CC-9,
    CC-14, ID-4, PS-2): selectors.dashboard_figures, which the page shows while younger than
    HAVEN_DASHBOARD_MAX_AGE; `manage.py refresh_dashboards` counts again every one read lately.
    It holds what the dashboard shows every supervisor of these agencies: staff names, counts
    and the references of the cases it lists, never a child's name. Only figures that do not
    depend on who reads them are kept (cases.access.sees_every_case)."""

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"dashboard {self.agency_ids}"
