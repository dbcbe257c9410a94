"""Dates as each language's readers write them (CC-10): Buddhist Era years in Thai, day before
month in English, ISO 8601 in the API whatever the language."""

from datetime import UTC, date, datetime

import pytest
from django.template import engines
from django.utils import translation

from haven.core.dates import format_date
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

DAY = date(2026, 12, 6)


def _render(source: str, language: str, **context):  # type: ignore[no-untyped-def]
    with translation.override(language):
        return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("th", "6 ธ.ค. 2569"),
        ("en", "6 Dec 2026"),
        ("km", "6 ធ្នូ 2026"),
        ("lo", "06/12/2026"),
        ("my", "06/12/2026"),
        ("fil", "Dec 6, 2026"),
        ("id", "06-12-2026"),
    ],
)
def test_cc10_short_dates_follow_the_language_and_thai_counts_the_buddhist_era(
    language: str, expected: str
) -> None:
    assert _render('{{ d|date:"SHORT_DATE_FORMAT" }}', language, d=DAY) == expected


def test_cc10_the_date_filter_converts_to_local_time_before_the_year() -> None:
    # 20:00 UTC on New Year's Eve is already 1 January in Bangkok (the tests' time zone).
    new_year = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)
    assert _render('{{ d|date:"j M Y" }}', "th", d=new_year) == "1 ม.ค. 2570"
    assert _render('{{ d|date:"y" }}', "th", d=new_year) == "70"
    assert _render("{{ d|date }}|{{ e|date }}", "th", d=None, e="") == "|"


def test_cc10_python_formatting_uses_the_same_era() -> None:
    with translation.override("th"):
        assert format_date(DAY) == "6 ธันวาคม 2569"
    with translation.override("vi"):
        assert format_date(DAY).endswith("2026")


def test_cc10_the_case_page_in_thai_shows_the_birth_date_in_the_buddhist_era(
    client, case, case_worker
):  # type: ignore[no-untyped-def]
    signed_in(client, case_worker)
    page = client.get(f"/cases/{case.public_id}/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    birth = case.child.birth_date
    with translation.override("th"):
        buddhist = format_date(birth, "DATE_FORMAT")
        gregorian = buddhist.replace(str(birth.year + 543), str(birth.year))
    assert buddhist in page
    assert gregorian not in page


def test_cc10_the_api_answers_iso_dates_in_any_language(client, case, case_worker):  # type: ignore[no-untyped-def]
    signed_in(client, case_worker)
    child = client.get(
        f"/api/v1/children/{case.child.public_id}/", HTTP_ACCEPT_LANGUAGE="th"
    ).json()
    assert child["birth_date"] == case.child.birth_date.isoformat()
