"""Measure, against the database's own speed, what Haven's set-based safeguards and lists cost.

    HAVEN_DEV=1 .venv/bin/python bench/run.py --cases 20000                  # SQLite
    HAVEN_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/run.py --cases 20000                          # PostgreSQL

Creates a fresh database (a SQLite file under bench/results/, or the PostgreSQL database
`haven_bench` on the server DATABASE_URL names; the database named in the URL is never touched),
migrates it, fills it with bench/generate.py, and times each operation with
time.perf_counter over several repetitions (the median is reported). Next to each operation it
times a plain query of comparable size on the same database and reports the ratio, so that the
figures say how far Haven is from what the database itself can do, whatever the machine.
Nothing is asserted: the output is a table and bench/results/<db>-<cases>.json.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from generate import ROOT, generate, setup_django

RESULTS = ROOT / "bench" / "results"
PG_DATABASE = "haven_bench"


# --- the database --------------------------------------------------------------------------


def prepare_database(cases: int, pg_settings: list[str]) -> tuple[str, Callable[[], None]]:
    """Create a fresh database, point DATABASE_URL at it, and return (kind, drop)."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme if url else ""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if scheme.startswith("postgres"):
        import psycopg
        from psycopg import sql as pgsql

        parts = urlsplit(url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))

        def admin(sql: str) -> None:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(sql)

        admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        admin(f"CREATE DATABASE {PG_DATABASE}")
        for setting in pg_settings:  # e.g. jit=off, work_mem=1MB: for this database only
            name, _, value = setting.partition("=")
            if not name.replace("_", "").isalnum():
                raise SystemExit(f"not a PostgreSQL setting: {name}")
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(
                    pgsql.SQL("ALTER DATABASE {} SET {} = {}").format(
                        pgsql.Identifier(PG_DATABASE),
                        pgsql.Identifier(name),
                        pgsql.Literal(value),
                    )
                )
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{PG_DATABASE}"))

        def drop() -> None:
            admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")

        return "postgresql", drop
    if pg_settings:
        raise SystemExit("--pg-setting needs DATABASE_URL to point at PostgreSQL")
    if scheme and scheme != "sqlite":
        raise SystemExit(f"bench/run.py knows SQLite and PostgreSQL, not {scheme}")
    if scheme == "sqlite":
        print("note: SQLite benchmarks always use a fresh file under bench/results/")
    path = RESULTS / f"sqlite-{cases}.sqlite3"

    def drop() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    drop()
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    return "sqlite", drop


# --- timing --------------------------------------------------------------------------------


def median_ms(fn: Callable[[], Any], reps: int, before: Callable[[], Any] | None = None) -> dict:
    """Median and spread of `reps` timed calls; `before` runs untimed before each call."""
    times = []
    for _ in range(reps):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    ranked = sorted(times)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": ranked[min(len(ranked) - 1, math.ceil(0.95 * len(ranked)) - 1)],
        "min_ms": min(times),
        "max_ms": max(times),
        "reps": reps,
    }


def capture(fn: Callable[[], Any], before: Callable[[], Any] | None = None) -> dict:
    """One more, untimed call with its queries captured: how many, and the slowest ones.

    CaptureQueriesContext counts them; an execute wrapper times each with perf_counter (the
    debug cursor rounds to whole milliseconds). Transaction control (BEGIN, COMMIT, savepoints)
    is not counted as a query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings: list[tuple[str, Any, float]] = []

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((sql, params, (time.perf_counter() - start) * 1000))

    if before:
        before()
    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
        fn()
    control = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")
    queries = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(control)]
    slowest = sorted(
        (
            {"ms": ms, "sql": sql, "params": params if len(str(params)) < 300 else "..."}
            for sql, params, ms in timings
            if not sql.startswith(control)
        ),
        key=lambda q: -q["ms"],
    )[:5]
    for q in slowest:
        q["sql"] = q["sql"] if len(q["sql"]) <= 3000 else q["sql"][:3000] + " ..."
    return {"queries": len(queries), "slowest": slowest}


# --- the measurements ----------------------------------------------------------------------


def measure(summary: Any, reps: int, skip: tuple[str, ...] = ()) -> list[dict]:
    from django.db import connection

    from haven.accounts.models import User
    from haven.cases.models import Case, CaseAssignment, Interview, StageChange
    from haven.cases.selectors import case_list
    from haven.consent.models import Consent
    from haven.justice.models import Hearing, HearingAttendance
    from haven.placements.models import Placement
    from haven.protection.models import Service
    from haven.safeguards.engine import evaluate, reevaluate
    from haven.safeguards.models import Alert, Notification
    from haven.safeguards.registry import alert_rules, rules_reading

    case_t = Case._meta.db_table
    assignment_t = CaseAssignment._meta.db_table
    interview_t = Interview._meta.db_table
    service_t = Service._meta.db_table
    open_cases = Case.objects.exclude(stage=Case.Stage.CLOSED)
    rows: list[dict] = []

    def raw(sql: str, params: tuple = ()) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    def record(
        name: str,
        fn: Callable[[], Any],
        *,
        what: str,
        baseline: str | None = None,
        before: Callable[[], Any] | None = None,
        n: int | None = None,
    ) -> dict:
        if name.startswith(skip):
            print(f"  {name:<44} skipped (--skip)")
            return {}
        fn()  # warm-up (caches, prepared plans), not timed
        row = {"operation": name, "what": what, "baseline": baseline}
        row |= median_ms(fn, n or reps, before)
        row |= capture(fn, before)
        if baseline:
            base = next(r for r in rows if r["operation"] == baseline)
            row["ratio"] = row["median_ms"] / base["median_ms"]
            row["ratios"] = {
                r["operation"]: row["median_ms"] / r["median_ms"]
                for r in rows
                if r["operation"].startswith("baseline")
            }
        rows.append(row)
        ratio = f"  {row['ratio']:7.1f} x {baseline}" if baseline else ""
        print(f"  {name:<44} {row['median_ms']:10.2f} ms {row['queries']:4d} q{ratio}")
        if not name.startswith("baseline"):
            top = row["slowest"][0]
            print(f"      slowest query {top['ms']:.2f} ms: {' '.join(top['sql'].split())[:90]}")
        return row

    # Baselines: what the database itself does with rows of the same size.
    record(
        "baseline: count open cases",
        raw(f"SELECT count(*) FROM {case_t} WHERE stage <> %s", ("closed",)),  # noqa: S608
        what="SELECT count(*) of the open cases: one full scan of cases_case",
    )
    record(
        "baseline: open cases x assignments",
        raw(
            f"SELECT count(*) FROM {case_t} c JOIN {assignment_t} a ON a.case_id = c.id "  # noqa: S608
            "WHERE c.stage <> %s AND a.ended_at IS NULL",
            ("closed",),
        ),
        what="count of a join of every open case with its current assignments",
    )
    record(
        "baseline: interviews per child",
        raw(
            f"SELECT count(*) FROM (SELECT k.child_id FROM {interview_t} i "  # noqa: S608
            f"JOIN {case_t} k ON k.id = i.case_id WHERE i.child_told_story "
            "GROUP BY k.child_id) t"
        ),
        what="count of a join of every interview with its case, grouped by child",
    )
    record(
        "baseline: open cases x services",
        raw(
            f"SELECT count(*) FROM {case_t} c JOIN {service_t} s ON s.case_id = c.id "  # noqa: S608
            "WHERE c.stage <> %s",
            ("closed",),
        ),
        what="count of a join of every open case with its services (the largest new table the "
        "alert rules read)",
    )
    pks = list(open_cases.order_by("pk").values_list("pk", flat=True))
    sample = pks[:: max(1, len(pks) // 7)][:7]  # seven open cases spread over the table
    turn = {"i": 0}

    def next_pk() -> int:
        turn["i"] += 1
        return sample[turn["i"] % len(sample)]

    record(
        "baseline: one case by pk",
        lambda: list(Case.objects.filter(pk=next_pk()).values_list("pk", "stage")),
        what="one indexed single-row SELECT through the ORM",
        n=max(reps, 21),
    )
    agency_cases = open_cases.filter(lead_agency_id=summary.largest_agency_id)
    record(
        "baseline: agency page of 200",
        lambda: list(
            agency_cases.select_related("child", "lead_agency").order_by("-stage_changed_at")[:200]
        ),
        what="200 open cases of the agency with child and agency, newest first, no annotations",
    )

    # a. The sweep over every open case.
    def reset_alerts() -> None:
        # Critical alerts (ND-2) are escalated into inboxes; a Notification protects its alert.
        Notification.objects.all().delete()
        Alert.objects.all().delete()

    result: dict = {}

    def sweep() -> None:
        result["last"] = evaluate(Case.objects.exclude(stage=Case.Stage.CLOSED))

    first = record(
        "sweep: first run",
        sweep,
        baseline="baseline: open cases x assignments",
        what="evaluate(open cases) on an empty alert table: raises every alert",
        before=reset_alerts,
    )
    found = result["last"].per_rule  # the captured run, which started from no alerts
    first["alerts_raised"] = result["last"].raised
    first["breaches_per_rule"] = found
    first["breaches_expected"] = summary.expected_alerts
    print(f"      breaches per rule {found}; planted by the generator {summary.expected_alerts}")
    if any(found.get(code) != n for code, n in summary.expected_alerts.items()):
        print("      WARNING: the rules found other breaches than the generator planted")
    record(
        "sweep: steady state",
        sweep,
        baseline="baseline: open cases x assignments",
        what="evaluate(open cases) again, nothing changed: no alert raised or cleared",
    )

    # Each alert rule's set-based query on its own (breaches only, no alert bookkeeping), to
    # tell which rule costs what. Named by rule code: several rules share a measure (PS-4, PS-5,
    # ND-4).
    for rule in alert_rules():
        record(
            f"  {rule.code}: open cases",
            lambda rule=rule: list(rule.breaches(Case.objects.exclude(stage=Case.Stage.CLOSED))),
            baseline="baseline: open cases x assignments",
            what=f"list({rule.code} breaches(open cases)), the query inside the sweep",
        )
        record(
            f"  {rule.code}: one case",
            lambda rule=rule: list(rule.breaches(Case.objects.filter(pk=next_pk()))),
            baseline="baseline: one case by pk",
            what=f"list({rule.code} breaches(one case)), the query after each write",
            n=max(reps, 21),
        )
    per_rule = sorted(
        (r for r in rows if r["operation"].endswith(": open cases")),
        key=lambda r: -r["median_ms"],
    )
    total = sum(r["median_ms"] for r in per_rule)
    steady = next(r for r in rows if r["operation"] == "sweep: steady state")
    print(
        f"\n  per rule, over the open cases, slowest first (sum {total:.0f} ms; "
        f"steady sweep {steady['median_ms']:.0f} ms):"
    )
    for r in per_rule:
        code = r["operation"].strip().removesuffix(": open cases")
        share = 100 * r["median_ms"] / total if total else 0
        print(
            f"    {code:<34} {r['median_ms']:9.1f} ms {share:5.1f} %  {r['queries']:3d} q  "
            f"x{r['ratio']:.1f} the join"
        )
    print()

    # b. One case, as after every write.
    record(
        "evaluate one case",
        lambda: evaluate(Case.objects.filter(pk=next_pk())),
        baseline="baseline: one case by pk",
        what="evaluate(Case.objects.filter(pk=...)) with every rule, alerts in place (what "
        "every write paid before writes named what they changed; a new case still pays it)",
        n=max(reps, 21),
    )
    # What a write pays now: only the rules that read what it changed (engine.reevaluate).
    for label, models in (
        ("an interview", (Interview,)),
        ("a placement", (Placement,)),
        ("a consent", (Consent,)),
        ("a hearing", (Hearing,)),
        ("a hearing attendance", (HearingAttendance,)),
        ("a stage change", (Case, StageChange)),
    ):
        record(
            f"re-evaluate after {label}",
            lambda models=models: reevaluate(Case.objects.filter(pk=next_pk()), *models),
            baseline="baseline: one case by pk",
            what=f"reevaluate(one case, {', '.join(m.__name__ for m in models)}): "
            f"{len(rules_reading(m._meta.label for m in models))} rule(s)",
            n=max(reps, 21),
        )

    # c. "My cases" for a supervisor who sees the whole agency.
    supervisor = User.objects.get(pk=summary.supervisor_id)

    def my_cases() -> None:
        supervisor.__dict__.pop("_haven_memberships", None)  # as on a new request
        list(case_list(supervisor, scope="all")[:200])

    record(
        "my cases: supervisor, first 200",
        my_cases,
        baseline="baseline: agency page of 200",
        what=f"list(case_list(user, scope='all')[:200]) over the agency's "
        f"{summary.largest_agency_open_cases} open cases",
    )

    # "Is this child already known?" (ID-7) over every child, for names drawn from the data:
    # as registered, with a letter left out, and the other way round, rotating.
    from haven.children.models import Child
    from haven.identification.search import find_children

    child_t = Child._meta.db_table
    pks = Child.objects.values_list("pk", flat=True)
    first, last = pks.order_by("pk")[0], pks.order_by("-pk")[0]
    spread = [first + k * (last - first) // 6 for k in range(7)]  # the oldest to the newest
    picked = list(Child.objects.filter(pk__in=spread).values_list("given_name", "family_name"))
    queries = []
    for given, family in picked:
        queries += [f"{given} {family}", f"{given[:-1] or given} {family}", f"{family} {given}"]
    searched = iter(queries * 1000)

    record(
        "baseline: child by exact name",
        raw(
            f"SELECT id FROM {child_t} WHERE family_name = %s AND given_name = %s",  # noqa: S608
            (picked[0][1], picked[0][0]),
        ),
        what="the children of one exact given and family name, by the name index",
    )

    def known() -> None:
        supervisor.__dict__.pop("_haven_memberships", None)
        find_children(supervisor, name=next(searched))

    record(
        "is this child already known?",
        known,
        baseline="baseline: child by exact name",
        what=f"find_children(user, name=...) over all {summary.children} children, "
        "names from the data as written, with a typo and reversed",
        n=max(reps, 21),
    )

    # d. The supervisor's dashboard (CC-9, CC-14, ID-4, PS-2) and the statistics (CC-16, DP-10):
    # aggregates over the whole agency, against a count of its open cases.
    from haven.reports import selectors as reports

    def dashboard() -> None:
        supervisor.__dict__.pop("_haven_memberships", None)
        reports.dashboard(supervisor)

    record(
        "dashboard: supervisor",
        dashboard,
        baseline="baseline: count open cases",
        what=f"reports.dashboard(user) over the agency's {summary.largest_agency_open_cases} "
        "open cases",
    )
    record(
        "statistics: agency, all time",
        lambda: reports.released(reports.statistics([summary.largest_agency_id], None)),
        baseline="baseline: count open cases",
        what="released(statistics([agency], year=None)): every table, suppressed",
    )
    record(
        "statistics: measures at hearings",
        lambda: reports.released_measures(
            reports.measures_at_hearings([summary.largest_agency_id], None)
        ),
        baseline="baseline: count open cases",
        what="released_measures(measures_at_hearings([agency], None)): VW-4 per authority",
    )
    return rows


# --- the report ----------------------------------------------------------------------------


def database_info() -> dict[str, str]:
    """The server version, and the settings that decide the plans measured here."""
    from django.db import connection

    info = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = ["server_version", "work_mem", "hash_mem_multiplier", "jit", "shared_buffers"]
            for name in names:
                cursor.execute(f"SHOW {name}")
                info[name] = cursor.fetchone()[0]
            info["version"] = f"PostgreSQL {info.pop('server_version')}"
        else:
            cursor.execute("SELECT sqlite_version()")
            info["version"] = f"SQLite {cursor.fetchone()[0]}"
            cursor.execute("PRAGMA journal_mode")
            info["journal_mode"] = cursor.fetchone()[0]
    return info


def code_version() -> str:
    """The commit measured, and whether the working tree had uncommitted changes."""
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "haven", "config"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' with uncommitted changes' if dirty else ''}"


def print_table(rows: list[dict]) -> None:
    print()
    print(f"{'operation':<44} {'median ms':>10} {'queries':>8}  ratio to baseline")
    print("-" * 100)
    for row in rows:
        ratio = f"{row['ratio']:7.1f} x  {row['baseline']}" if row.get("ratio") else ""
        print(f"{row['operation']:<44} {row['median_ms']:10.2f} {row['queries']:8d}  {ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="number of cases (20000)")
    parser.add_argument("--reps", type=int, default=7, help="timed repetitions (7)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data (1)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--pg-setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="PostgreSQL only: ALTER DATABASE haven_bench SET NAME = VALUE (e.g. jit=off); "
        "repeatable; the settings become part of the result file's name",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="PREFIX",
        help="leave out the operations whose name starts with PREFIX (e.g. 'statistics: agency'); "
        "repeatable",
    )
    args = parser.parse_args()

    kind, drop = prepare_database(args.cases, args.pg_setting)
    setup_django()
    from django.core.management import call_command
    from django.db import connection, connections

    from haven.safeguards.registry import alert_rules

    print(f"{kind}: {args.cases} cases, {args.reps} repetitions")
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - started
    print(f"  migrated in {migrate_s:.1f} s")
    summary = generate(args.cases, seed=args.seed, log=print)
    print(f"  generated in {summary.seconds:.1f} s")
    if connection.vendor == "postgresql":
        # What autovacuum would have done after a bulk load: statistics and a visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    load_before = os.getloadavg()
    info = database_info()
    print(f"  {', '.join(f'{k} {v}' for k, v in info.items())}\n")
    try:
        rows = measure(summary, args.reps, tuple(args.skip))
    finally:
        connections.close_all()
        if not args.keep:
            drop()
    print_table(rows)
    print(f"(migrate {migrate_s:.1f} s, generate {summary.seconds:.1f} s)")

    suffix = "".join(f"-{s.replace('=', '_')}" for s in args.pg_setting)
    out = RESULTS / f"{kind}{suffix}-{args.cases}.json"
    report = {
        "database": info,
        "cases": args.cases,
        "reps": args.reps,
        "skipped": args.skip,
        "seed": args.seed,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
        },
        "code": code_version(),
        "alert_rules": [f"{r.measure_id} {r.code}" for r in alert_rules()],
        "migrate_s": migrate_s,
        "generate_s": summary.seconds,
        "data": summary.as_dict(),
        "measurements": rows,
    }
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
