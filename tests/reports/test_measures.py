"""The gap between the child-friendly measures requested and those applied at hearings, per
authority (VW-4): exact on a small agency, limited to the agency's cases, counted portably
(the measures are JSON lists), and shown on the statistics page only suppressed (DP-10)."""

from datetime import date
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.cases.models import Case
from haven.justice import services as justice
from haven.justice.models import ChildInProceeding, Hearing, Measure
from haven.reports import selectors
from haven.reports.suppression import legend
from tests.conftest import signed_in
from tests.reports.conftest import open_case

COURT = "Fictional Provincial Court"
LABOUR = "Fictional Labour Court"


def _part(case: Case, actor: Any, authority: str) -> ChildInProceeding:
    return justice.proceeding_open(
        case=case,
        actor=actor,
        kind="criminal",
        authority=authority,
        stage="trial",
        opened_on=date(timezone.localdate().year - 1, 1, 10),
        role="witness",
    )


def _hearing(part: ChildInProceeding, actor: Any, held_on: date) -> Hearing:
    return justice.hearing_record(case=part.case, actor=actor, part=part, held_on=held_on)


def _attend(part: ChildInProceeding, actor: Any, hearing: Hearing, **lists: list[str]) -> None:
    justice.attendance_record(case=part.case, actor=actor, part=part, hearing=hearing, **lists)


def _hearings(
    agency: Any, case_worker: Any, outsider: Any = None, other_agency: Any = None
) -> date:
    """Two children of the agency at the provincial court (one written with other spacing and
    case), one of them at the labour court too, and (given `outsider`) a child of another
    agency at the provincial court. Returns this year's hearing date."""
    today = timezone.localdate()
    this_year, last_year = today, date(today.year - 1, 6, 1)
    first = open_case(case_worker, agency, given_name="Fictmeasure")
    second = open_case(case_worker, agency, given_name="Fictother")

    court = _part(first, case_worker, COURT)
    now = _hearing(court, case_worker, this_year)
    before = _hearing(court, case_worker, last_year)
    _attend(
        court,
        case_worker,
        now,
        requested=["screen", "breaks", "video_link"],
        granted=["screen", "breaks"],
        applied=["screen"],
    )
    _attend(court, case_worker, before, requested=["screen"], granted=["screen"], applied=[])
    again = justice.proceeding_join(
        case=second, actor=case_worker, proceeding=court.proceeding, role="complainant"
    )
    _attend(again, case_worker, now, requested=["screen", "intermediary"], applied=["intermediary"])
    spelled = _part(second, case_worker, "  fictional PROVINCIAL   court ")
    _attend(
        spelled,
        case_worker,
        _hearing(spelled, case_worker, this_year),
        requested=["closed_hearing"],
        granted=["closed_hearing"],
        applied=["closed_hearing"],
    )
    labour = _part(first, case_worker, LABOUR)
    _attend(
        labour,
        case_worker,
        _hearing(labour, case_worker, this_year),
        requested=["interpreter"],
        granted=["interpreter"],
        applied=["interpreter"],
    )
    if outsider is None:
        return this_year
    theirs = open_case(outsider, other_agency, given_name="Fictoutside")
    outside = _part(theirs, outsider, COURT)
    _attend(
        outside,
        outsider,
        _hearing(outside, outsider, this_year),
        requested=["screen", "breaks"],
        granted=["screen", "breaks"],
        applied=["screen", "breaks"],
    )
    return this_year


def _nonzero(group: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        measure: (c["requested"], c["granted"], c["applied"])
        for measure, c in group["counts"].items()
        if any(c.values())
    }


def test_vw4_measures_requested_granted_and_applied_are_counted_per_authority(
    agency: Any, case_worker: Any, outsider: Any, other_agency: Any
) -> None:
    _hearings(agency, case_worker, outsider, other_agency)

    raw = selectors.measures_at_hearings([agency.pk], None)

    assert [(g["authority"], len(g["children"])) for g in raw] == [(LABOUR, 1), (COURT, 2)]
    labour, court = raw
    assert _nonzero(court) == {
        "screen": (3, 2, 1),
        "breaks": (1, 1, 0),
        "video_link": (1, 0, 0),
        "intermediary": (1, 0, 1),
        "closed_hearing": (1, 1, 1),
    }
    assert _nonzero(labour) == {"interpreter": (1, 1, 1)}
    # The other agency's child at the same court is counted for their agency only.
    [theirs] = selectors.measures_at_hearings([other_agency.pk], None)
    assert (theirs["authority"], _nonzero(theirs)) == (
        COURT,
        {"screen": (1, 1, 1), "breaks": (1, 1, 1)},
    )


def test_vw4_a_year_counts_the_hearings_held_in_it(agency: Any, case_worker: Any) -> None:
    this_year = _hearings(agency, case_worker)

    now = {
        g["authority"]: _nonzero(g)
        for g in selectors.measures_at_hearings([agency.pk], this_year.year)
    }
    before = selectors.measures_at_hearings([agency.pk], this_year.year - 1)

    assert now[COURT]["screen"] == (2, 1, 1)
    assert [(g["authority"], _nonzero(g)) for g in before] == [(COURT, {"screen": (1, 1, 0)})]
    assert selectors.measures_at_hearings([agency.pk], this_year.year - 2) == []


def test_vw4_measures_are_read_in_one_query_whatever_the_hearings(
    agency: Any, case_worker: Any
) -> None:
    with CaptureQueriesContext(connection) as empty:
        selectors.measures_at_hearings([agency.pk], None)
    _hearings(agency, case_worker)
    with CaptureQueriesContext(connection) as full:
        selectors.measures_at_hearings([agency.pk], None)

    assert len(empty.captured_queries) == len(full.captured_queries) == 1


def _raw(authority: str, children: int, **counts: tuple[int, int, int]) -> dict[str, Any]:
    """A raw group: `children` distinct children (ids from the authority's name)."""
    table = {m: {"requested": 0, "granted": 0, "applied": 0} for m in Measure.values}
    for measure, (requested, granted, applied) in counts.items():
        table[measure] = {"requested": requested, "granted": granted, "applied": applied}
    return {
        "authority": authority,
        "children": frozenset(f"{authority}-{n}" for n in range(children)),
        "counts": table,
    }


def test_dp10_vw4_small_counts_are_hidden_and_courts_few_children_went_to_are_not_named() -> None:
    raw = [
        _raw("Fictional Big Court", 25, screen=(30, 12, 0), breaks=(11, 10, 3)),
        _raw("Fictional Small Court", 4, screen=(9, 9, 9)),
        _raw("Fictional Tiny Court", 3, interpreter=(6, 6, 6)),
    ]

    released = selectors.released_measures(raw, k=11)

    assert released == {
        "k": 11,
        "groups": [
            {
                "authority": "Fictional Big Court",
                "rows": [["screen", 30, 12, 0], ["breaks", 11, None, None]],
            },
            # Seven children at the two small courts, fewer than k: every figure hidden.
            {
                "authority": None,
                "rows": [["screen", None, None, None], ["interpreter", None, None, None]],
            },
        ],
    }
    # With k children among the small courts together, their figures are shown as any count.
    raw.append(_raw("Fictional Fourth Court", 5, screen=(3, 1, 1)))
    pooled = selectors.released_measures(raw, k=11)["groups"][1]
    assert pooled == {
        "authority": None,
        "rows": [["screen", 12, None, None], ["interpreter", None, None, None]],
    }
    # k = 1 hides nothing and names every court.
    assert [g["authority"] for g in selectors.released_measures(raw, k=1)["groups"]] == [
        "Fictional Big Court",
        "Fictional Small Court",
        "Fictional Tiny Court",
        "Fictional Fourth Court",
    ]


def test_dp10_vw4_the_statistics_page_shows_the_measures_only_suppressed(
    client: Any, agency: Any, case_worker: Any, statistician: Any
) -> None:
    _hearings(agency, case_worker)

    body = signed_in(client, statistician).get("/reports/statistics/?period=all").content.decode()

    assert "Child-friendly measures at hearings" in body
    assert "Other authorities" in body
    assert str(Measure.SCREEN.label) in body
    for secret in (COURT, LABOUR, "Fictmeasure", "Fictother", agency.name):
        assert secret not in body
    # Two children at the courts, fewer than k: every figure of theirs is hidden.
    hidden = '<td><span class="muted">hidden</span></td>' * 3
    assert f'<th scope="row">{Measure.SCREEN.label}</th>{hidden}' in body
    # The legend of the hidden mark beside the table, which it describes.
    assert '<table aria-describedby="t-measures-1-legend">' in body
    assert f'<p class="small muted" id="t-measures-1-legend">{legend(11)}</p>' in body


def test_vw4_with_k_one_the_page_names_each_court_and_its_counts(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    _hearings(agency, case_worker)

    body = signed_in(client, statistician).get("/reports/statistics/?period=all").content.decode()

    assert COURT in body and LABOUR in body
    assert "Other authorities" not in body
    screen = f'<th scope="row">{Measure.SCREEN.label}</th><td>3</td><td>2</td><td>1</td>'
    assert screen in body


def test_vw4_a_period_without_hearings_says_so(client: Any, statistician: Any) -> None:
    body = signed_in(client, statistician).get("/reports/statistics/").content.decode()

    assert "No measures were recorded at hearings in this period." in body


def test_dp10_vw4_the_statistics_api_gives_the_measures_as_the_page_does(
    client: Any, agency: Any, case_worker: Any, statistician: Any, settings: Any
) -> None:
    _hearings(agency, case_worker)
    signed_in(client, statistician)

    hidden = client.get("/api/v1/reports/statistics/?year=all").json()["measures_at_hearings"]
    settings.HAVEN_STATISTICS_MIN_CELL = 1
    shown = client.get("/api/v1/reports/statistics/?year=all").json()["measures_at_hearings"]

    # Two children, fewer than k = 11: no court named, every figure hidden.
    assert hidden["k"] == 11
    assert [g["authority"] for g in hidden["groups"]] == [None]
    assert ["screen", None, None, None] in hidden["groups"][0]["rows"]
    # With k = 1, each court by name with its exact counts, as on the page.
    assert shown == {
        "k": 1,
        "groups": [
            {"authority": LABOUR, "rows": [["interpreter", 1, 1, 1]]},
            {
                "authority": COURT,
                "rows": [
                    ["video_link", 1, 0, 0],
                    ["screen", 3, 2, 1],
                    ["closed_hearing", 1, 1, 1],
                    ["intermediary", 1, 0, 1],
                    ["breaks", 1, 1, 0],
                ],
            },
        ],
    }
