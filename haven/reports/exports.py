"""Release files (DP-10, DP-12): the same suppressed tables as the statistics page, as CSV or
XLSX. A file names the release and its period, never an agency, a child or a case. Every text
cell goes through `neutralise`, so a spreadsheet never runs a cell as a formula."""

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from haven.reports.models import Release, ReleaseFormat, Table
from haven.reports.selectors import row_labels
from haven.reports.suppression import shown

# What spreadsheet programs read as the start of a formula (OWASP: CSV injection), plus the
# tab and carriage return that some of them strip before looking.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell as it may be written to a CSV or XLSX file: text that a spreadsheet would take
    for a formula gets a leading apostrophe; numbers pass as they are."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def rows(release: Release) -> list[list[Any]]:
    """The release as rows of cells, before neutralising: a heading, then each table."""
    k = release.figures.get("k", 11)
    out: list[list[Any]] = [
        [_("Haven statistics release"), str(release.public_id)],
        [_("Period"), release.period_label],
        [
            _("Small numbers"),
            _(
                "Counts from 1 to %(below)d are shown as “<%(k)d”; some larger counts are shown "
                "the same way so that a small one cannot be worked out from the total."
            )
            % {"below": k - 1, "k": k},
        ],
    ]
    titles = dict(Table.choices)
    for code in release.tables:
        table = release.figures["tables"].get(code)
        if table is None:
            continue
        labels = row_labels(code)
        out.append([])
        out.append([str(titles.get(code, code))])
        for row_code, value in table["rows"]:
            out.append([str(labels.get(row_code, row_code)), _cell(value, k)])
        if table["total"] is not None or code != Table.PLACEMENTS:
            out.append([_("Children (total)"), _cell(table["total"], k)])
    return out


def _cell(value: Any, k: int) -> Any:
    return (
        value
        if isinstance(value, int | float) and not isinstance(value, bool)
        else shown(value, k=k)
    )


def as_csv(release: Release) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(release):
        writer.writerow([neutralise(cell) for cell in row])
    # A byte-order mark so that spreadsheet programs read the translated labels as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(release: Release) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Statistics")[:31]
    for row in rows(release):
        sheet.append([neutralise(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


CONTENT_TYPES = {
    ReleaseFormat.CSV: "text/csv; charset=utf-8",
    ReleaseFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def build(release: Release) -> tuple[str, str, bytes]:
    """(file name, content type, content) of the release in its format."""
    content = as_xlsx(release) if release.format == ReleaseFormat.XLSX else as_csv(release)
    name = f"haven-statistics-{release.public_id}.{release.format}"
    return name, CONTENT_TYPES[ReleaseFormat(release.format)], content
