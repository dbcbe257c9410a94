"""Reads for the dashboard (CC-9, CC-14, ID-4, PS-2) and the statistics (CC-16, DP-10).

Everything here is aggregated in SQL: a fixed number of queries whatever the number of cases
(tests/reports/test_queries.py). The dashboard starts from haven.cases.access.cases_led_by,
so it can show nothing its reader could not open. The statistics count the children of the
agencies where the reader may see statistics; they return raw counts, which leave this module
only through haven.reports.suppression (views, API and release files all call `released`)."""

from collections import Counter
from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Case as When_,
)
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import (
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Membership, User
from haven.accounts.roles import CASE_WORKER_ROLES, Capability
from haven.cases.access import agencies_where, cases_led_by, led_by
from haven.cases.models import AssignmentRole, Case, CaseAssignment
from haven.cases.models import Case as CaseModel
from haven.children.models import Child, ChildNationality, Gender, Sex
from haven.consent.rules import NO_INFORMATION
from haven.core.models import latest_rows
from haven.identification.codes import Exploitation, OtherExploitationType
from haven.identification.models import FirstStep, ScreeningExploitation
from haven.identification.rules import FIRST_STEP_OVERDUE
from haven.justice.models import HearingAttendance, Measure
from haven.placements.models import Liberty, Placement
from haven.placements.selectors import placement_figures
from haven.protection.models import Guardian, GuardianAppointment
from haven.protection.rules import GUARDIAN_OVERDUE
from haven.reintegration.models import Retrafficking
from haven.reports.models import Release, ReleaseAuthorisation, Table
from haven.reports.suppression import Count as Shown
from haven.reports.suppression import suppress, suppress_one
from haven.safeguards.models import Alert
from haven.safeguards.registry import SEVERITY_ORDER, Severity

HANDOVER_WINDOW_DAYS = 90
# How many cases the dashboard lists by reference under a figure; the figure counts them all.
LISTED = 50


# --- the supervisor's dashboard -------------------------------------------------------------


def dashboard_agencies(user: Any) -> list[int]:
    """The agencies whose dashboard the user holds."""
    return sorted(a.pk for a in agencies_where(user, Capability.VIEW_DASHBOARD))


def dashboard_cases(user: Any) -> QuerySet[Case]:
    """The cases of the agencies where the user holds the dashboard (all of which they see)."""
    return cases_led_by(user, dashboard_agencies(user))


def _open(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.exclude(stage=Case.Stage.CLOSED)


# The roles whose caseloads the dashboard shows, counted together.
LOADED_ROLES = (AssignmentRole.CASE_WORKER, AssignmentRole.INTERPRETER)
Loads = dict[str, dict[int, int]]


def _loads(open_cases: QuerySet[Case], roles: Collection[str] = LOADED_ROLES) -> Loads:
    """How many of `open_cases` each person holds now in each of `roles`: one grouped query over
    the assignments, not a count per person (which read an agency's 31,985 assignments one by
    one at 100,000 cases), and one for every role the dashboard shows: the case workers' and
    the interpreters' counts were two passes over the same join (518 and 275 ms at a million
    cases)."""
    loads: Loads = {role: {} for role in roles}
    for role, user_id, n in (
        CaseAssignment.objects.current()
        .filter(role__in=list(roles), case__in=open_cases)
        .order_by()
        .values("role", "user_id")
        .annotate(n=Count("pk"))
        .values_list("role", "user_id", "n")
    ):
        loads[role][user_id] = n
    return loads


def caseloads(
    agency_ids: list[int], cases: QuerySet[Case], loads: Loads | None = None
) -> list[dict[str, Any]]:
    """Each case worker of the agencies, and anyone holding one of their open `cases` as case
    worker, with how many open cases they hold now, heaviest first (CC-14). `loads` is
    `_loads(_open(cases))` when the caller has it already."""
    role = AssignmentRole.CASE_WORKER
    held = (loads or _loads(_open(cases), [role]))[role]
    members = Membership.objects.filter(
        agency_id__in=agency_ids, is_active=True, role__in=list(CASE_WORKER_ROLES)
    ).values("user_id")
    return _people(
        User.objects.filter(is_active=True).filter(Q(pk__in=members) | Q(pk__in=list(held))),
        held,
    )


def interpreter_loads(cases: QuerySet[Case], loads: Loads | None = None) -> list[dict[str, Any]]:
    """Interpreters holding the agencies' open cases, with how many each holds (CC-14: the
    burden on interpreters is visible too). Only these agencies' cases are counted."""
    role = AssignmentRole.INTERPRETER
    held = (loads or _loads(_open(cases), [role]))[role]
    return _people(User.objects.filter(pk__in=list(held)), held)


def _people(users: QuerySet[User], loads: dict[int, int]) -> list[dict[str, Any]]:
    ceiling = settings.HAVEN_CASELOAD_CEILING
    rows = sorted(
        users.values_list("pk", "first_name", "last_name", "username"),
        key=lambda r: (-loads.get(r[0], 0), r[2], r[1], r[0]),
    )
    return [
        {
            "name": f"{first} {last}".strip() or username,
            "load": (load := loads.get(pk, 0)),
            "over": load > ceiling,
            "at": load == ceiling,
        }
        for pk, first, last, username in rows
    ]


def handovers(cases: QuerySet[Case]) -> dict[str, Any]:
    """Handovers in the last 90 days over the cases active in them (CC-9): how many, per case,
    and the cases handed over twice or more (listed by reference). A handover is a case-worker
    assignment that began then and was not the case's first. Counted in one grouped query over
    the assignments, not a subquery per case."""
    since = timezone.now() - timedelta(days=HANDOVER_WINDOW_DAYS)
    active = cases.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=since))
    workers = CaseAssignment.objects.filter(role=AssignmentRole.CASE_WORKER)
    earlier = workers.filter(case_id=OuterRef("case_id"), started_at__lt=OuterRef("started_at"))
    per_case = dict(
        workers.filter(case__in=active, started_at__gte=since)
        .filter(Exists(earlier))
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values_list("case_id", "n")
    )
    case_count = active.count()
    total = sum(per_case.values())
    twice = {pk: n for pk, n in per_case.items() if n >= 2}
    often: list[dict[str, Any]] = [
        {"public_id": str(public_id), "reference": reference, "handovers": twice[pk]}
        for pk, public_id, reference in Case.objects.filter(pk__in=list(twice)).values_list(
            "pk", "public_id", "reference"
        )
    ]
    often = sorted(often, key=lambda row: (-row["handovers"], row["reference"]))[:LISTED]
    return {
        "days": HANDOVER_WINDOW_DAYS,
        "cases": case_count,
        "handovers": total,
        "per_case": round(total / case_count, 2) if case_count else 0,
        "none": case_count - len(per_case),
        "once": len(per_case) - len(twice),
        "twice_or_more": len(twice),
        "often": often,
    }


def open_alerts(cases: QuerySet[Case]) -> list[dict[str, Any]]:
    """Open safeguard alerts by measure and severity, critical first."""
    rows = (
        Alert.objects.filter(case__in=cases, status=Alert.Status.OPEN)
        .order_by()
        .values_list("measure_id", "severity")
        .annotate(n=Count("pk"), cases=Count("case_id", distinct=True))
    )
    out = [
        {"measure_id": measure_id, "severity": severity, "alerts": n, "cases": n_cases}
        for measure_id, severity, n, n_cases in rows
    ]
    return sorted(
        out, key=lambda r: (SEVERITY_ORDER.get(r["severity"], 9), _measure_key(r["measure_id"]))
    )


def _measure_key(measure_id: str) -> tuple[str, int]:
    area, _sep, number = measure_id.partition("-")
    return area, int(number) if number.isdigit() else 0


# The open alerts that are the dashboard's late first steps: ID-4's, whose subject is the step,
# and for the guardian and rights steps the alerts of the measures that own their lateness
# (identification.services.OWNED_BY_MEASURE): no guardian a week after identification (PS-1),
# nothing told to the child three days after (PS-5).
LATE_STEP_ALERTS: dict[str, str | None] = {
    FIRST_STEP_OVERDUE.code: None,
    GUARDIAN_OVERDUE.code: FirstStep.Kind.GUARDIAN,
    NO_INFORMATION.code: FirstStep.Kind.RIGHTS_INFORMATION,
}


def overdue_first_steps(cases: QuerySet[Case]) -> dict[str, Any]:
    """Open cases with an immediate first step past its due time and not met by another record
    (ID-4), read from the open alerts those steps raise (`LATE_STEP_ALERTS`): the same cases the
    alerts page lists, as of the case's last write or the last sweep (every 15 minutes).

    Not counted from the steps themselves: a step another record meets (the case worker's
    assignment, a guardian, a placement) stays open, so an agency's open steps past their due
    time grow with its cases and never shrink. At 100,000 cases the largest agency had 52,049
    of them, of which 4,704 not met, and reading them with what meets each took 0.5 s a view;
    the open alerts of these three rules, read by their index, take 34 ms. The steps are in
    `by_step` by kind, most cases first, unnamed: `dashboard_shown` names them in the reader's
    language (and orders a tie by name)."""
    rows = (
        Alert.objects.filter(
            case__in=_open(cases),
            status=Alert.Status.OPEN,
            rule_code__in=list(LATE_STEP_ALERTS),
        )
        .order_by()
        .values_list("case_id", "rule_code", "subject", "case__reference", "case__public_id")
    )
    per_kind: dict[str, set[int]] = {}
    named: dict[int, tuple[str, Any]] = {}
    for case_id, rule_code, subject, reference, public_id in rows:
        per_kind.setdefault(LATE_STEP_ALERTS[rule_code] or subject, set()).add(case_id)
        named[case_id] = (reference, public_id)
    return {
        "cases": len(named),
        "by_step": [
            {"kind": kind, "cases": len(ids)}
            for kind, ids in sorted(per_kind.items(), key=lambda k: (-len(k[1]), k[0]))
        ],
        "listed": [
            {"public_id": str(public_id), "reference": reference}
            for reference, public_id in sorted(named.values())[:LISTED]
        ],
    }


def guardian_loads(agency_ids: list[int]) -> list[dict[str, Any]]:
    """The agencies' guardians with how many children each holds now, against their ceiling
    (PS-2). The count is protection.selectors.guardians_with_caseload's, for several agencies,
    counted in a query of its own grouped by guardian: counted in the guardians' query,
    PostgreSQL grouped the joined rows by every column of the guardian (74 ms for 1,678
    guardians at 100,000 cases, against 19 ms). The guardians are read as values, named and
    weighed by the model's own rules (Guardian.named, Guardian.ceiling_of): as instances with
    their users, the 17,000 guardians of an agency at a million cases took 559 ms to read,
    against 291 ms for this whole function."""
    loads = dict(
        GuardianAppointment.objects.filter(
            guardian__agency_id__in=agency_ids, ended_on__isnull=True
        )
        .order_by()
        .values("guardian_id")
        .annotate(n=Count("pk"))
        .values_list("guardian_id", "n")
    )
    rows = []
    for pk, name, user_id, first, last, username, own_ceiling, active in (
        Guardian.objects.filter(agency_id__in=agency_ids)
        .order_by()
        .values_list(
            "pk",
            "name",
            "user_id",
            "user__first_name",
            "user__last_name",
            "user__username",
            "caseload_ceiling",
            "is_active",
        )
    ):
        account = (f"{first} {last}".strip() or username) if user_id else ""
        load = loads.get(pk, 0)
        ceiling = Guardian.ceiling_of(own_ceiling)
        rows.append((-load, Guardian.named(name, account), pk, load, ceiling, active))
    rows.sort()
    return [
        {
            "name": name,
            "caseload": load,
            "ceiling": ceiling,
            "at_or_over": load >= ceiling,
            "active": active,
        }
        for _minus, name, _pk, load, ceiling, active in rows
    ]


# How many people the dashboard lists under each caseload, heaviest first: at least SHOWN, and
# everyone over or at the ceiling up to LISTED. The page of every caseload lists them all.
SHOWN = 20


def heaviest(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The first of `rows` (people_loads: heaviest first) for the dashboard: at least SHOWN of
    them, and everyone over or at their ceiling up to LISTED, with how many there are in all.
    The whole agency's list made a national agency's dashboard 253 kB of HTML (1,598 case
    workers at 100,000 cases): most of the page's time, and too much for a phone."""
    burdened = sum(1 for row in rows if row["loaded"])
    return {
        "rows": rows[: max(SHOWN, min(burdened, LISTED))],
        "total": len(rows),
        "burdened": burdened,
    }


# The dashboard's three lists of people, each also a page of its own (reports:caseloads).
PEOPLE = ("case-workers", "interpreters", "guardians")


def people_loads(user: Any, who: str, loads: Loads | None = None) -> list[dict[str, Any]]:
    """One of the dashboard's lists of people (PEOPLE), whole, heaviest first; each row says
    whether the person is over or at their ceiling (`loaded`)."""
    ids = dashboard_agencies(user)
    return _people_loads(ids, cases_led_by(user, ids), who, loads)


def _people_loads(
    agency_ids: list[int], cases: QuerySet[Case], who: str, loads: Loads | None = None
) -> list[dict[str, Any]]:
    """people_loads of the agencies and their `cases`; `loads`: the dashboard's count of case
    workers' and interpreters' caseloads, when it has it."""
    if who == "guardians":
        return [g | {"loaded": g["at_or_over"]} for g in guardian_loads(agency_ids)]
    if who == "case-workers":
        rows = caseloads(agency_ids, cases, loads)
    else:
        rows = interpreter_loads(cases, loads)
    return [row | {"loaded": row["over"] or row["at"]} for row in rows]


def dashboard_figures(agency_ids: list[int], cases: QuerySet[Case] | None = None) -> dict[str, Any]:
    """The dashboard's figures over the agencies and their `cases`, by default every case they
    lead (cases.access.led_by: call it so only for a reader who sees every one of them). Only
    numbers, codes and strings, so that they can be kept as JSON (haven.reports.snapshots):
    `dashboard_shown` adds what is said in the reader's language."""
    cases = led_by(agency_ids) if cases is None else cases
    loads = _loads(_open(cases))
    return {
        # The ceiling the caseloads were weighed against, shown with them.
        "ceiling": settings.HAVEN_CASELOAD_CEILING,
        "caseloads": heaviest(_people_loads(agency_ids, cases, "case-workers", loads)),
        "interpreters": heaviest(_people_loads(agency_ids, cases, "interpreters", loads)),
        "handovers": handovers(cases),
        "alerts": open_alerts(cases),
        "first_steps": overdue_first_steps(cases),
        "guardians": heaviest(_people_loads(agency_ids, cases, "guardians")),
    }


def dashboard_shown(figures: dict[str, Any]) -> dict[str, Any]:
    """`dashboard_figures` as the page shows them, in the reader's language: each alert's
    severity named, and the late first steps named, most cases first."""
    severities = dict(Severity.choices)
    steps = dict(FirstStep.Kind.choices)
    first_steps = figures["first_steps"]
    by_step = [
        step | {"label": steps.get(step["kind"], step["kind"])} for step in first_steps["by_step"]
    ]
    # A count kept before it carried its ceiling is shown with today's.
    return (
        {"ceiling": settings.HAVEN_CASELOAD_CEILING}
        | figures
        | {
            "alerts": [
                alert | {"severity_label": severities.get(alert["severity"], alert["severity"])}
                for alert in figures["alerts"]
            ],
            "first_steps": first_steps
            | {"by_step": sorted(by_step, key=lambda step: (-step["cases"], str(step["label"])))},
        }
    )


def dashboard(user: Any) -> dict[str, Any]:
    """The dashboard of the user's agencies, counted now, as the page shows it."""
    ids = dashboard_agencies(user)
    return dashboard_shown(dashboard_figures(ids, cases_led_by(user, ids)))


# --- statistics -----------------------------------------------------------------------------

# The groups the guide says are overlooked (CC-16), highlighted wherever they are counted.
OVERLOOKED: dict[str, frozenset[str]] = {
    Table.SEX: frozenset({"male", "intersex"}),
    Table.GENDER: frozenset(
        {"Masculine", "TransgenderFeminine", "TransgenderMasculine", "NonConforming"}
    ),
    Table.AGE_BAND: frozenset({"15-17"}),
    Table.EXPLOITATION: frozenset(
        {"ForcedLabour", "ChildLabour", "Servitude", "ForcedBegging", "ForcedCriminality"}
    ),
    Table.NATIONALITY: frozenset({"national"}),
    Table.DISABILITY: frozenset({"disability"}),
}

AGE_BANDS = ("0-5", "6-11", "12-14", "15-17", "unknown", "18+")


def row_labels(table: str) -> dict[str, Any]:
    """The label of each row of a table, in the order it is shown."""
    if table == Table.SEX:
        return dict(Sex.choices)
    if table == Table.GENDER:
        return dict(Gender.choices)
    if table == Table.AGE_BAND:
        return {
            "0-5": _("Under 6"),
            "6-11": _("6 to 11"),
            "12-14": _("12 to 14"),
            "15-17": _("15 to 17"),
            "unknown": _("Presumed child, age not known"),
            "18+": _("18 or older (age determined)"),
        }
    if table == Table.EXPLOITATION:
        labels: dict[str, Any] = {}
        for code, label in Exploitation.choices:
            if code == Exploitation.OTHER:
                labels[OtherExploitationType.FORCED_CRIMINALITY] = (
                    OtherExploitationType.FORCED_CRIMINALITY.label
                )
            labels[code] = label
        labels["none"] = _("No form recorded yet")
        return labels
    if table == Table.NATIONALITY:
        return {
            "national": _("Nationals of the agency's country"),
            "foreign": _("Foreign nationals"),
            "unknown": _("Nationality not known"),
        }
    if table == Table.DISABILITY:
        return {"disability": _("With a disability"), "no_disability": _("No disability recorded")}
    if table == Table.STATUS:
        return dict(CaseModel.TraffickingStatus.choices)
    if table == Table.PLACEMENTS:
        return {
            "detained": _("Children held in a police cell, prison or immigration detention"),
            "detained_now": _("Children in detention now"),
            "shelter_stays": _("Shelter stays"),
            "shelter_days_median": _("Median days in a shelter"),
            "challenges_decided": _("Challenges to detention decided"),
            "days_to_decision_median": _("Median days from a challenge to its decision"),
        }
    if table == Table.RETRAFFICKING:
        return {**dict(Exploitation.choices), "none": _("Not recorded back in exploitation")}
    raise ValueError(table)


def column_headings(table: str) -> tuple[str, str]:
    """The headings of a table's two columns, on the page and in files: what each row is, and
    what its figure counts. The placements table mixes counts of children and stays with
    medians in days, so its figures are not headed "Children"."""
    if table == Table.PLACEMENTS:
        return str(_("Figure")), str(_("Value"))
    return str(_("Group")), str(_("Children"))


def statistics_agencies(user: Any) -> list[Any]:
    return agencies_where(user, Capability.VIEW_STATISTICS)


def statistics_cases(agency_ids: list[int], year: int | None) -> QuerySet[Case]:
    """The cases counted: led by these agencies and, for a year, opened in it."""
    cases = Case.objects.filter(lead_agency_id__in=agency_ids)
    if year is not None:
        cases = cases.filter(opened_at__year=year)
    return cases


def _age_bands(cases: QuerySet[Case]) -> dict[str, int]:
    """Children by age when first identified in these cases: their first screening, or the
    first case's opening when not yet screened. One row per child, grouped by child in the
    database and counted there again by band: one query, whatever the number of children.
    The age is worked out in SQL from the dates' parts (portable across databases): years
    between, less one when the birthday had not come yet."""
    per_child = (
        cases.order_by()
        .values("child_id")
        .annotate(
            ident=Coalesce(Min("screenings__screened_at"), Min("opened_at")),
            birth=Max("child__birth_date"),
        )
        .annotate(
            iy=ExtractYear("ident"),
            im=ExtractMonth("ident"),
            idd=ExtractDay("ident"),
            by=ExtractYear("birth"),
            bm=ExtractMonth("birth"),
            bd=ExtractDay("birth"),
        )
    )
    per_child = per_child.annotate(
        age=F("iy")
        - F("by")
        - When_(
            When(Q(im__lt=F("bm")) | Q(im=F("bm"), idd__lt=F("bd")), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    ).annotate(
        band=When_(
            When(birth__isnull=True, then=Value("unknown")),
            When(age__lt=6, then=Value("0-5")),
            When(age__lt=12, then=Value("6-11")),
            When(age__lt=15, then=Value("12-14")),
            When(age__lt=18, then=Value("15-17")),
            default=Value("18+"),
            output_field=CharField(),
        )
    )
    # Django counts over the grouped rows in a subquery (an aggregate over aggregates).
    return per_child.aggregate(
        **{code: Count("child_id", filter=Q(band=code)) for code in row_labels(Table.AGE_BAND)}
    )


def statistics(agency_ids: list[int], year: int | None) -> dict[str, dict[str, Any]]:
    """Raw counts of children, table by table (CC-16). Each table: {"rows": {code: count},
    "total": children or None}. Never shown as they are: see `released`."""
    cases = statistics_cases(agency_ids, year)
    children = Child.objects.filter(pk__in=cases.values("child_id"))
    total = children.count()

    def grouped(qs: Any, field: str) -> dict[str, int]:
        return {str(k): n for k, n in qs.order_by().values_list(field).annotate(n=Count("pk"))}

    def filled(table: str, counts: dict[str, int]) -> dict[str, int]:
        return {code: counts.get(code, 0) for code in row_labels(table)}

    forms = ScreeningExploitation.objects.filter(screening__case__in=cases).annotate(
        code=When_(
            When(
                form=Exploitation.OTHER,
                sub_type=OtherExploitationType.FORCED_CRIMINALITY,
                then=Value(str(OtherExploitationType.FORCED_CRIMINALITY)),
            ),
            default=F("form"),
            output_field=CharField(),
        )
    )
    by_form = {
        str(code): n
        for code, n in forms.order_by()
        .values_list("code")
        .annotate(n=Count("screening__case__child_id", distinct=True))
    }
    by_form["none"] = children.exclude(pk__in=forms.values("screening__case__child_id")).count()

    # Nationals trafficked within their own country: the child holds the nationality of the
    # country of the agency leading their latest case counted here.
    # Each child's latest case among these: one window over the cases, not a subquery per child.
    latest = latest_rows(cases, by=["child_id"], newest_first=["-opened_at", "-pk"])
    national = Exists(
        ChildNationality.objects.filter(
            child_id=OuterRef("child_id"), country=OuterRef("lead_agency__country")
        )
    )
    known = Exists(ChildNationality.objects.filter(child_id=OuterRef("child_id")))
    nationality = latest.annotate(is_national=national, is_known=known).aggregate(
        national=Count("pk", filter=Q(is_national=True, is_known=True)),
        foreign=Count("pk", filter=Q(is_national=False, is_known=True)),
        unknown=Count("pk", filter=Q(is_known=False)),
    )
    by_nationality = {code: n for code, n in nationality.items() if n}
    by_status = latest.aggregate(
        **{
            code: Count("pk", filter=Q(trafficking_status=code))
            for code in row_labels(Table.STATUS)
        }
    )

    # Children found back in exploitation (RR-6), by the forms they were found in: a child is
    # counted once per form whatever the number of times. The forms are a coded list (a JSON
    # array), grouped here rather than in SQL, which SQLite and PostgreSQL query differently.
    found_back: dict[str, set[int]] = {}
    for child_id, codes in Retrafficking.objects.filter(case__in=cases).values_list(
        "case__child_id", "forms"
    ):
        for code in codes:
            found_back.setdefault(code, set()).add(child_id)
    by_return = {code: len(ids) for code, ids in found_back.items()}
    by_return["none"] = total - len(set().union(*found_back.values()))

    placements = Placement.objects.filter(case__in=cases)
    figures = placement_figures(placements)
    detained = (
        placements.filter(liberty=Liberty.CUSTODY)
        .order_by()
        .aggregate(n=Count("case__child_id", distinct=True))["n"]
    )
    return {
        Table.SEX: {"rows": filled(Table.SEX, grouped(children, "sex")), "total": total},
        Table.GENDER: {"rows": filled(Table.GENDER, grouped(children, "gender")), "total": total},
        Table.AGE_BAND: {"rows": filled(Table.AGE_BAND, _age_bands(cases)), "total": total},
        Table.EXPLOITATION: {"rows": filled(Table.EXPLOITATION, by_form), "total": total},
        Table.NATIONALITY: {"rows": filled(Table.NATIONALITY, by_nationality), "total": total},
        Table.DISABILITY: {
            "rows": filled(
                Table.DISABILITY,
                {
                    ("disability" if k == "True" else "no_disability"): n
                    for k, n in grouped(children, "has_disability").items()
                },
            ),
            "total": total,
        },
        Table.STATUS: {
            "rows": filled(Table.STATUS, by_status),
            "total": total,
        },
        Table.PLACEMENTS: {
            "rows": {
                "detained": detained,
                "detained_now": figures["in_detention_now"],
                "shelter_stays": figures["shelter_stays"],
                "shelter_days_median": figures["shelter_days_median"],
                "challenges_decided": figures["challenges_decided"],
                "days_to_decision_median": figures["days_to_decision_median"],
            },
            "total": None,
        },
        Table.RETRAFFICKING: {"rows": filled(Table.RETRAFFICKING, by_return), "total": total},
    }


# Figures of the placements table that are not counts of people or events, and the count each
# rests on: shown only when that count is itself shown and at least k (DP-10). The longest
# stay is left out altogether: it is one child's figure.
_MEDIANS = {"shelter_days_median": "shelter_stays", "days_to_decision_median": "challenges_decided"}


def released(raw: dict[str, dict[str, Any]], *, k: int | None = None) -> dict[str, Any]:
    """The statistics as they may be shown or released: every table through the small-cell
    suppression (DP-10). {"k": k, "tables": {code: {"rows": [[code, value|None]], "total":
    value|None}}}; None is a hidden figure. JSON-ready: a release stores it as it is."""
    k = settings.HAVEN_STATISTICS_MIN_CELL if k is None else k
    tables: dict[str, Any] = {}
    for table, data in raw.items():
        codes = list(data["rows"])
        if table == Table.PLACEMENTS:
            rows: list[list[Any]] = []
            for code in codes:
                value = data["rows"][code]
                if code in _MEDIANS:
                    basis = data["rows"][_MEDIANS[code]]
                    # No stay or challenge at all: there is no median to hide ("").
                    value = "" if basis == 0 else value if basis >= k else None
                else:
                    value = suppress_one(value, k=k)
                rows.append([code, _jsonable(value)])
            tables[table] = {"rows": rows, "total": None}
            continue
        cells, total = suppress([data["rows"][c] for c in codes], data["total"], k=k)
        tables[table] = {
            "rows": [[code, value] for code, value in zip(codes, cells, strict=True)],
            "total": total,
        }
    return {"k": k, "tables": tables}


def _jsonable(value: Any) -> Shown | float | str:
    if value is None or isinstance(value, int | str):
        return value
    return float(value)


# --- child-friendly measures at hearings (VW-4) ---------------------------------------------

MEASURE_COLUMNS = ("requested", "granted", "applied")


def _authority_key(name: str) -> str:
    """An authority as grouped: spacing and case aside ("Provincial court " is the same)."""
    return " ".join(name.split()).casefold()


def measures_at_hearings(agency_ids: list[int], year: int | None) -> list[dict[str, Any]]:
    """The gap between the child-friendly measures asked for and those applied (VW-4): for each
    authority or court, how many times each measure was requested, granted and applied at the
    hearings of the children whose cases these agencies lead (held in `year`, or at any time),
    and which children those are. Raw: shown only through `released_measures`.

    [{"authority": name, "children": {child pk...}, "counts": {measure: {"requested": n,
    "granted": n, "applied": n}}}], by name. The measures are JSON lists, which SQLite
    cannot search as PostgreSQL can: one query reads the attendances (a few per child) and
    Python counts them. A measure is counted once per attendance and list; a code that is not
    a measure is ignored."""
    attendances = HearingAttendance.objects.filter(
        child_in_proceeding__case__in=statistics_cases(agency_ids, None)
    )
    if year is not None:
        attendances = attendances.filter(hearing__held_on__year=year)
    rows = attendances.order_by().values_list(
        "hearing__proceeding__authority",
        "child_in_proceeding__case__child_id",
        *MEASURE_COLUMNS,
    )
    known = set(Measure.values)
    groups: dict[str, dict[str, Any]] = {}
    for authority, child_id, *lists in rows:
        group = groups.setdefault(
            _authority_key(authority),
            {
                "spellings": Counter(),
                "children": set(),
                "counts": {m: dict.fromkeys(MEASURE_COLUMNS, 0) for m in Measure.values},
            },
        )
        group["spellings"][" ".join(authority.split())] += 1
        group["children"].add(child_id)
        for column, measures in zip(MEASURE_COLUMNS, lists, strict=True):
            for measure in set(measures if isinstance(measures, list) else ()) & known:
                group["counts"][measure][column] += 1
    out = [
        {
            # The spelling most used, the first in order on a tie.
            "authority": min(g["spellings"].items(), key=lambda kv: (-kv[1], kv[0]))[0],
            "children": frozenset(g["children"]),
            "counts": g["counts"],
        }
        for g in groups.values()
    ]
    return sorted(out, key=lambda g: (_authority_key(g["authority"]), g["authority"]))


def released_measures(raw: list[dict[str, Any]], *, k: int | None = None) -> dict[str, Any]:
    """`measures_at_hearings` as it may be shown (DP-10), with the statistics' k:

    - an authority is named only when at least k children attended hearings there; the others
      are counted together under no name (None, "other authorities"), since a court that few of
      the agency's children went to points at them;
    - each count from 1 to k-1 is hidden (None); a true zero is shown. No total is shown, so no
      hidden count can be worked out by subtraction;
    - when the other authorities together count fewer than k children, all their figures are
      hidden, zeros too, as a table whose total is below k;
    - a measure that nobody requested, granted or applied there is left out.

    {"k": k, "groups": [{"authority": name | None, "rows": [[measure, requested, granted,
    applied]]}]}, in Measure's order; named authorities by name, the others last."""
    k = settings.HAVEN_STATISTICS_MIN_CELL if k is None else k
    named = [g for g in raw if len(g["children"]) >= k]
    others = [g for g in raw if len(g["children"]) < k]
    groups = [(g["authority"], g["counts"], False) for g in named]
    if others:
        pooled = {m: dict.fromkeys(MEASURE_COLUMNS, 0) for m in Measure.values}
        for g in others:
            for measure, counts in g["counts"].items():
                for column in MEASURE_COLUMNS:
                    pooled[measure][column] += counts[column]
        few = len(frozenset().union(*(g["children"] for g in others))) < k
        groups.append((None, pooled, few))
    out = []
    for authority, counts, hide_all in groups:
        rows = []
        for measure in Measure.values:
            values = [counts[measure][column] for column in MEASURE_COLUMNS]
            if not any(values):
                continue
            rows.append([measure, *(None if hide_all else suppress_one(v, k=k) for v in values)])
        if rows:
            out.append({"authority": authority, "rows": rows})
    return {"k": k, "groups": out}


# --- releases -------------------------------------------------------------------------------


def releases_for_user(user: Any) -> QuerySet[Any]:
    """Releases the user asked for, and those counting the children of an agency where they may
    authorise releases, with how many agencies must authorise and how many have."""
    authorising = [a.pk for a in agencies_where(user, Capability.AUTHORISE_RELEASE)]
    if not getattr(user, "is_authenticated", False):
        return Release.objects.none()
    visible = Release.objects.filter(Q(requested_by=user) | Q(agencies__in=authorising)).values(
        "pk"
    )
    return (
        Release.objects.filter(pk__in=visible)
        .select_related("requested_by")
        .annotate(
            agency_count=Count("agencies", distinct=True),
            authorised_count=Count("authorisations", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )


def awaiting(user: Any) -> QuerySet[Any]:
    """Releases waiting for this user's authorisation: one of their agencies (as a supervisor)
    has not authorised yet, and they did not ask for it themselves."""
    authorising = [a.pk for a in agencies_where(user, Capability.AUTHORISE_RELEASE)]
    done = ReleaseAuthorisation.objects.filter(
        release_id=OuterRef("release_id"), agency_id=OuterRef("agency_id")
    )
    missing = Release.agencies.through.objects.filter(
        release_id=OuterRef("pk"), agency_id__in=authorising
    ).filter(~Exists(done))
    return releases_for_user(user).exclude(requested_by=user).filter(Exists(missing))
