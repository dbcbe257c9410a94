"""Releases of statistics (DP-10, DP-12, DP-16): asked for with a purpose, authorised by a
supervisor of each agency counted who did not ask for it, downloaded only then; refusals change
nothing; files neutralise spreadsheet formulas."""

import csv
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from haven.audit.models import AuditEvent
from haven.reports import exports
from haven.reports.exports import neutralise
from haven.reports.models import Release, ReleaseAuthorisation
from haven.reports.services import release_authorise, release_download, release_request
from tests.conftest import signed_in
from tests.reports.conftest import open_case


def _state():  # type: ignore[no-untyped-def]
    return (
        Release.objects.count(),
        ReleaseAuthorisation.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def release(case, statistician):  # type: ignore[no-untyped-def]
    return release_request(
        actor=statistician, year=None, tables=["gender", "age_band"], purpose="Fictional report."
    )


def test_dp12_a_release_names_each_agency_counted_and_records_the_request(
    release, agency, statistician
):
    assert list(release.agencies.all()) == [agency]
    assert release.tables == ["gender", "age_band"]
    assert release.figures["tables"]["gender"]["total"] is None  # 1 child: hidden
    event = AuditEvent.objects.filter(action="release.request").get()
    assert event.actor == statistician
    assert "Fictional report." not in str(event.changes)


def test_dp12_a_release_without_purpose_or_figures_is_refused_and_nothing_changes(
    statistician, agency
):
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        release_request(actor=statistician, year=None, tables=["gender"], purpose="  ")
    assert excinfo.value.message_dict == {
        "purpose": ["Say what the figures are for and who will receive them."]
    }
    with pytest.raises(ValidationError) as excinfo:
        release_request(actor=statistician, year=None, tables=["gender"], purpose="Fictional.")
    assert excinfo.value.messages == ["There are no figures for this period to release."]
    assert _state() == before


def test_dp12_the_requester_cannot_authorise_their_own_release(case, supervisor):
    own = release_request(actor=supervisor, year=None, tables=["gender"], purpose="Fictional.")
    before = _state()

    with pytest.raises(PermissionDenied):
        release_authorise(release=own, actor=supervisor)

    assert _state() == before


def test_dp12_a_statistician_or_another_agency_cannot_authorise(release, statistician, outsider):
    before = _state()
    for person in (statistician, outsider):
        with pytest.raises(PermissionDenied):
            release_authorise(release=release, actor=person)
    assert _state() == before


def test_dp12_download_is_refused_until_every_agency_has_authorised(
    release, statistician, supervisor
):
    before = _state()
    with pytest.raises(ValidationError) as excinfo:
        release_download(release=release, actor=statistician)
    assert excinfo.value.messages == [
        "Every contributing agency must authorise this release before it is downloaded."
    ]
    assert _state() == before

    release_authorise(release=release, actor=supervisor, note="Checked.")
    name, content_type, _content = release_download(release=release, actor=statistician)

    assert name == f"haven-statistics-{release.public_id}.csv"
    assert content_type == "text/csv; charset=utf-8"
    assert AuditEvent.objects.filter(action="release.download").count() == 1
    with pytest.raises(ValidationError):
        release_authorise(release=release, actor=supervisor)  # nothing left to authorise


def test_dp12_only_the_requester_downloads(release, supervisor):
    release_authorise(release=release, actor=supervisor)
    before = _state()
    with pytest.raises(PermissionDenied):
        release_download(release=release, actor=supervisor)
    assert _state() == before


def test_dp10_the_file_carries_the_release_id_and_no_agency_or_child(
    release, supervisor, statistician, agency, case
):
    release_authorise(release=release, actor=supervisor)
    _name, _type, content = release_download(release=release, actor=statistician)

    text = content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Haven statistics release", str(release.public_id)]
    assert ["Masculine", "hidden"] in rows
    assert ["Children (total)", "hidden"] in rows
    for secret in (agency.name, case.reference, case.child.given_name, "Fictional report."):
        assert secret not in text


def test_dp10_export_neutralises_formulas_in_csv_and_xlsx(release, monkeypatch):
    def labels(table):  # type: ignore[no-untyped-def]
        return {"Masculine": '=HYPERLINK("http://x")', "Feminine": "+1", "NonConforming": "@SUM(1)"}

    monkeypatch.setattr(exports, "row_labels", labels)

    csv_text = exports.as_csv(release).decode("utf-8-sig")
    book = load_workbook(io.BytesIO(exports.as_xlsx(release)))
    cells = [
        c.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]

    assert "'=HYPERLINK" in csv_text and "'+1" in csv_text and "'@SUM(1)" in csv_text
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(isinstance(c, str) and c[:1] in "=+-@" for c in cells)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("hidden", "hidden"),
        ("Boys", "Boys"),
        (12, 12),
        (None, ""),
    ],
)
def test_dp10_neutralise(value, expected):
    assert neutralise(value) == expected


def test_dp12_xlsx_release_downloads_as_a_workbook(case, statistician, supervisor, client):
    other = open_case(supervisor, case.lead_agency)
    release = release_request(
        actor=statistician, year=None, tables=["status"], purpose="Fictional.", format="xlsx"
    )
    release_authorise(release=release, actor=supervisor)

    response = signed_in(client, statistician).get(
        f"/reports/releases/{release.public_id}/download/"
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.active["B1"].value == str(release.public_id)
    assert other.reference.encode() not in response.content


def test_dp12_releases_wait_for_each_supervisor_until_they_authorise(
    release, supervisor, release_supervisor, statistician
):
    from haven.reports.selectors import awaiting

    assert list(awaiting(supervisor)) == [release]
    assert list(awaiting(statistician)) == []

    release_authorise(release=release, actor=supervisor)

    assert list(awaiting(supervisor)) == []
    assert list(awaiting(release_supervisor)) == []  # the agency has authorised


def test_dp12_releases_api_list_query_count_does_not_grow(client, case, statistician):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, statistician)
    release_request(actor=statistician, year=None, tables=["gender"], purpose="Fictional.")
    with CaptureQueriesContext(connection) as first:
        assert client.get("/api/v1/reports/releases/").status_code == 200
    for _ in range(3):
        release_request(actor=statistician, year=None, tables=["gender"], purpose="Fictional.")
    with CaptureQueriesContext(connection) as second:
        response = client.get("/api/v1/reports/releases/")

    assert len(response.json()) == 4
    assert len(second.captured_queries) == len(first.captured_queries)


def test_dp12_the_release_page_shows_its_tables_in_their_order(case, statistician, client):
    chosen = ["sex", "gender", "age_band", "exploitation", "status", "retrafficking"]
    release = release_request(
        actor=statistician, year=None, tables=list(reversed(chosen)), purpose="Fictional."
    )

    body = signed_in(client, statistician).get(f"/reports/releases/{release.public_id}/")
    shown = re.findall(r'aria-labelledby="t-([a-z_]+)"', body.content.decode())

    # As the statistics page orders them, whatever order the stored figures' keys come back
    # in (PostgreSQL's jsonb keeps its own)
    assert shown == chosen
