"""How hidden figures read (DP-10): one neutral mark, "hidden", for every hidden cell, whether
small itself or hidden to protect a small one, on the page and in the files, with a legend
beside every table and in every file; release workbooks with one sheet per table."""

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from haven.reports import exports, selectors
from haven.reports.models import Release
from haven.reports.suppression import legend
from tests.conftest import signed_in

LEGEND = (
    "hidden: fewer than 11 children, or hidden so that such a small number cannot be worked "
    "out from the total"
)
MARK = '<span class="muted">hidden</span>'

# 5 is hidden as below 11; 25 is hidden only so that 5 cannot be worked out from 70 - 40.
GENDER: dict[str, Any] = {
    "rows": {"Feminine": 40, "Masculine": 25, "NonConforming": 5},
    "total": 70,
}
# Seven children: the whole table is hidden, its zero and its total too.
AGE_BAND: dict[str, Any] = {"rows": {"0-5": 0, "6-11": 3, "12-14": 4}, "total": 7}
PLACEMENTS: dict[str, Any] = {
    "rows": {
        "detained": 0,
        "detained_now": 0,
        "shelter_stays": 12,
        "shelter_days_median": 30.0,
        "challenges_decided": 3,
        "days_to_decision_median": 4.5,
    },
    "total": None,
}


def _raw() -> dict[str, Any]:
    return {"gender": GENDER, "age_band": AGE_BAND, "placements": PLACEMENTS}


def _release(tables: list[str], k: int | None = None) -> Release:
    return Release(year=None, tables=tables, figures=selectors.released(_raw(), k=k))


def _page(client: Any, statistician: Any, monkeypatch: Any) -> str:
    monkeypatch.setattr(selectors, "statistics", lambda agency_ids, year: _raw())
    response = signed_in(client, statistician).get("/reports/statistics/?period=all")
    assert response.status_code == 200
    return str(response.content.decode())


def _cells(body: str, code: str) -> list[str]:
    """The data cells of one table on the page, as HTML, in order."""
    section = re.search(
        rf'<section class="card" aria-labelledby="t-{code}">(.*?)</section>', body, re.S
    )
    assert section is not None, code
    return re.findall(r"<td>(.*?)</td>", section.group(1), re.S)


def _csv(release: Release) -> list[list[str]]:
    return list(csv.reader(io.StringIO(exports.as_csv(release).decode("utf-8-sig"))))


def _sheets(release: Release) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(exports.as_xlsx(release)))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_dp10_a_cell_hidden_to_protect_another_is_never_shown_as_below_k(
    client, statistician, monkeypatch
):
    released = selectors.released(_raw())["tables"]["gender"]
    assert released == {
        "rows": [["Feminine", 40], ["Masculine", None], ["NonConforming", None]],
        "total": 70,
    }

    body = _page(client, statistician, monkeypatch)
    assert _cells(body, "gender") == ["40", MARK, MARK, "<strong>70</strong>"]
    assert "&lt;11" not in body and "<11" not in body

    release = _release(["gender"])
    assert _csv(release)[3:] == [
        [],
        ["Gender"],
        ["Feminine", "40"],
        ["Masculine", "hidden"],
        ["Gender non-conforming", "hidden"],
        ["Children (total)", "70"],
    ]
    assert _sheets(release)["Gender"] == [
        ("Group", "Children"),
        ("Feminine", 40),
        ("Masculine", "hidden"),
        ("Gender non-conforming", "hidden"),
        ("Children (total)", 70),
    ]
    assert b"<11" not in exports.as_csv(release)


def test_dp10_every_hidden_cell_has_the_same_mark_on_the_page_and_in_files(
    client, statistician, monkeypatch
):
    body = _page(client, statistician, monkeypatch)

    # Below k, hidden to protect another, a zero in a small table, a total: all one mark.
    assert _cells(body, "gender") == ["40", MARK, MARK, "<strong>70</strong>"]
    assert _cells(body, "age_band") == [MARK, MARK, MARK, f"<strong>{MARK}</strong>"]
    assert _cells(body, "placements") == ["0", "0", "12", "30", MARK, MARK]
    # A legend beside every table, which describes it to assistive technology.
    for code in ("gender", "age_band", "placements"):
        assert f'<table aria-describedby="t-{code}-legend">' in body
        assert f'<p class="small muted" id="t-{code}-legend">{LEGEND}</p>' in body
    assert body.count(LEGEND) == 3

    release = _release(["gender", "age_band", "placements"])
    rows = _csv(release)
    assert rows[2] == ["Small numbers", LEGEND]
    assert rows[9:] == [
        [],
        ["Age at identification"],
        ["Under 6", "hidden"],
        ["6 to 11", "hidden"],
        ["12 to 14", "hidden"],
        ["Children (total)", "hidden"],
        [],
        ["Placements and detention"],
        ["Children held in a police cell, prison or immigration detention", "0"],
        ["Children in detention now", "0"],
        ["Shelter stays", "12"],
        ["Median days in a shelter", "30"],
        ["Challenges to detention decided", "hidden"],
        ["Median days from a challenge to its decision", "hidden"],
    ]

    book = load_workbook(io.BytesIO(exports.as_xlsx(release)))
    assert list(book["About"].iter_rows(min_row=3, values_only=True)) == [("Small numbers", LEGEND)]
    figures = [
        cell
        for sheet in book.worksheets[1:]
        for row in sheet.iter_rows(min_row=2, min_col=2)
        for cell in row
    ]
    assert {c.value for c in figures if c.data_type == "s"} == {"hidden"}
    assert sum(c.value == "hidden" for c in figures) == 8


def test_dp10_the_legend_names_k_of_the_setting_or_the_release(
    client, statistician, monkeypatch, settings
):
    settings.HAVEN_STATISTICS_MIN_CELL = 5

    body = _page(client, statistician, monkeypatch)

    assert legend(5) in body and LEGEND not in body
    release = _release(["gender"], k=7)
    assert _csv(release)[2] == ["Small numbers", legend(7)]
    assert legend(7).startswith("hidden: fewer than 7 children, or hidden")


def test_dp10_xlsx_has_one_sheet_per_table_with_headers_and_numbers_as_numbers():
    release = _release(["gender", "age_band", "placements"])

    book = load_workbook(io.BytesIO(exports.as_xlsx(release)))

    assert book.sheetnames == [
        "About",
        "Gender",
        "Age at identification",
        "Placements and detention",
    ]
    assert book.active is not None and book.active.title == "About"
    assert list(book["About"].iter_rows(values_only=True)) == [
        ("Haven statistics release", str(release.public_id)),
        ("Period", "All time"),
        ("Small numbers", LEGEND),
    ]
    gender = book["Gender"]
    assert [c.value for c in gender[1]] == ["Group", "Children"]
    assert gender.freeze_panes == "A2"
    for ref, value in (("B2", 40), ("B5", 70)):
        assert gender[ref].data_type == "n"
        assert gender[ref].value == value and type(gender[ref].value) is int
    for ref in ("B3", "B4"):
        assert gender[ref].data_type == "s" and gender[ref].value == "hidden"
    placements = book["Placements and detention"]
    assert list(placements.iter_rows(values_only=True)) == [
        ("Figure", "Value"),
        ("Children held in a police cell, prison or immigration detention", 0),
        ("Children in detention now", 0),
        ("Shelter stays", 12),
        ("Median days in a shelter", 30),
        ("Challenges to detention decided", "hidden"),
        ("Median days from a challenge to its decision", "hidden"),
    ]
    assert [placements[f"B{r}"].data_type for r in range(2, 8)] == ["n", "n", "n", "n", "s", "s"]
    assert type(placements["B5"].value) is int  # a whole median, 30.0, as an int


def test_dp10_xlsx_keeps_numbers_that_are_not_whole_as_numbers():
    raw = _raw()
    raw["placements"] = {
        "rows": {**PLACEMENTS["rows"], "shelter_days_median": 30.5},
        "total": None,
    }
    release = Release(year=2025, tables=["placements"], figures=selectors.released(raw))

    sheet = load_workbook(io.BytesIO(exports.as_xlsx(release)))["Placements and detention"]

    assert sheet["B5"].data_type == "n" and sheet["B5"].value == 30.5
    assert _csv(release)[1] == ["Period", "2025"]


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["Forms: [sexual]/labour*?\\x"], ["Forms sexual labour x"]),
        (["A" * 40], ["A" * 31]),
        (["Gender", "gender", "GENDER"], ["Gender", "gender (2)", "GENDER (3)"]),
        (["B" * 40, "B" * 35], ["B" * 31, "B" * 27 + " (2)"]),
        (["'Quoted'", "History"], ["Quoted", "History (2)"]),
        (["???"], ["Sheet"]),
    ],
)
def test_dp10_xlsx_sheet_titles_are_names_excel_accepts(titles, expected):
    used: set[str] = set()

    names = [exports.sheet_title(title, used) for title in titles]

    assert names == expected
    book = Workbook()
    book.remove(book.worksheets[0])
    for name in names:
        book.create_sheet(name)
    buffer = io.BytesIO()
    book.save(buffer)
    assert load_workbook(buffer).sheetnames == expected


def test_dp10_sheet_titles_stay_unique_when_tables_share_a_translated_title(monkeypatch):
    monkeypatch.setattr(
        exports, "_tables", lambda release: [("sex", "Sex", []), ("gender", "sex", [])]
    )

    book = load_workbook(io.BytesIO(exports.as_xlsx(_release(["sex", "gender"]))))

    assert book.sheetnames == ["About", "Sex", "sex (2)"]
