"""Release files (DP-10, DP-12): the same suppressed tables as the statistics page, as CSV or
XLSX. A file names the release and its period, never an agency, a child or a case. Every hidden
figure is the same mark, explained by the legend the file carries. Every text cell goes through
`neutralise`, so a spreadsheet never runs a cell as a formula.

A CSV is one file: the release, then each table under its title. An XLSX has an "About" sheet
(the release, its period, the legend), then one sheet per table with a header row, its counts
as numbers."""

import csv
import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from haven.reports.models import Release, ReleaseFormat, Table
from haven.reports.selectors import column_headings, row_labels
from haven.reports.suppression import legend, shown

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


def _k(release: Release) -> int:
    k: int = release.figures.get("k", settings.HAVEN_STATISTICS_MIN_CELL)
    return k


def _about(release: Release) -> list[list[Any]]:
    """What the release is: its id, its period, and what the hidden mark means."""
    return [
        [_("Haven statistics release"), str(release.public_id)],
        [_("Period"), release.period_label],
        [_("Small numbers"), legend(_k(release))],
    ]


def _tables(release: Release) -> list[tuple[str, str, list[list[Any]]]]:
    """Each table of the release, in its order: (code, title, rows of [label, figure]), the
    total last when the table has one. A figure is a number, or the hidden mark."""
    titles = dict(Table.choices)
    out = []
    for code in release.tables:
        table = release.figures["tables"].get(code)
        if table is None:
            continue
        labels = row_labels(code)
        body = [[str(labels.get(row, row)), _cell(value)] for row, value in table["rows"]]
        if table["total"] is not None or code != Table.PLACEMENTS:
            body.append([_("Children (total)"), _cell(table["total"])])
        out.append((code, str(titles.get(code, code)), body))
    return out


def rows(release: Release) -> list[list[Any]]:
    """The release as rows of cells, before neutralising: a heading, then each table."""
    out = _about(release)
    for _code, title, body in _tables(release):
        out.append([])
        out.append([title])
        out.extend(body)
    return out


def _cell(value: Any) -> Any:
    """A figure as a file holds it: a number as a number (a whole one as an int), anything
    else as its text, the hidden mark for a hidden figure."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return shown(value)


def as_csv(release: Release) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(release):
        writer.writerow([neutralise(cell) for cell in row])
    # A byte-order mark so that spreadsheet programs read the translated labels as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# What Excel refuses in a sheet's name, which is at most 31 characters long and unique
# whatever the case. "History" is reserved for Excel's own use.
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
_SHEET_MAX = 31


def sheet_title(title: str, used: set[str]) -> str:
    """A name Excel accepts for a sheet (no []:*?/\\, no apostrophe at either end, at most 31
    characters), unique among `used` (case-folded names, which it updates)."""
    base = " ".join(title.translate(_SHEET_FORBIDDEN).split())

    def fit(text: str, limit: int) -> str:
        return text[:limit].strip().strip("'").strip() or "Sheet"

    name, n = fit(base, _SHEET_MAX), 1
    while name.casefold() in used or name.casefold() == "history":
        n += 1
        suffix = f" ({n})"
        name = fit(base, _SHEET_MAX - len(suffix)) + suffix
    used.add(name.casefold())
    return name


def as_xlsx(release: Release) -> bytes:
    """An "About" sheet first (the release, its period, the legend), then one sheet per table
    with a header row; numbers are numeric cells, hidden figures the text mark."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    assert about is not None
    used: set[str] = set()
    about.title = sheet_title(_("About"), used)
    for row in _about(release):
        about.append([neutralise(cell) for cell in row])
    about.column_dimensions["A"].width = 28
    for code, title, body in _tables(release):
        sheet = book.create_sheet(sheet_title(title, used))
        sheet.append([neutralise(heading) for heading in column_headings(code)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 48
        for row in body:
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
