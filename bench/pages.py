"""Pages of Haven timed whole, on a database that bench/run.py filled and kept (--keep).

Each page is requested through Django's test client in this one process: the middleware, the
view, its queries, the template and the access log, as a warm app process serves it, without the
network. A case worker who holds open cases and a supervisor of the largest agency are signed in
with both factors, as the tests sign people in. Each page is requested N times after one untimed
request; the median, the 95th percentile and the number of queries are printed, next to a plain
SQL query for the same rows where there is one, and written to results/pages-<db>-<cases>.json.

    HAVEN_DEV=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench \\
        .venv/bin/python bench/pages.py --reps 41

Recording an interview is timed in a transaction that is then rolled back, so the kept database
stays as it was generated however often the pages are timed (the commit is not timed).
"""

import argparse
import itertools
import json
import os
import random
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from generate import ROOT, setup_django
from run import median_ms

# How many different names the search looks for, in turn.
SEARCHED = 200


def timed(fn: Callable[[], Any], reps: int) -> dict[str, float]:
    """Median and 95th percentile of `reps` calls after one untimed warm-up (run.median_ms)."""
    fn()
    return median_ms(fn, reps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=21)
    parser.add_argument(
        "--sweep-reps",
        type=int,
        default=0,
        help="also time the steady sweep over every open case this many times (after one "
        "untimed sweep that raises and clears what the data call for); 0: not at all",
    )
    parser.add_argument(
        "--only",
        metavar="PAGE",
        action="append",
        help="time only this page (its name in the table); may be given more than once",
    )
    parser.add_argument(
        "--requests",
        type=int,
        metavar="N",
        help="request each page (--only) N times after two untimed requests, and print nothing: "
        "what bench/instructions.py counts",
    )
    parser.add_argument(
        "--queries",
        metavar="PAGE",
        help="print each query of this page (its name in the table, e.g. 'case page, busy "
        "case') with its time, once, instead of timing the pages",
    )
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="profile this page over --reps requests with cProfile and print the 40 costliest "
        "functions (cumulative), instead of timing the pages",
    )
    args = parser.parse_args()
    os.environ.setdefault("HAVEN_DEV", "1")
    os.environ.setdefault("DEBUG", "0")
    setup_django()

    from django.db import connection, transaction
    from django.db.models import Count, Max, Min
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from haven.accounts.models import Membership
    from haven.accounts.roles import Role
    from haven.cases.models import Case, CaseAssignment
    from haven.children.models import Child
    from haven.core.names import comparison_keys
    from haven.identification.search import _closest

    def signed_in(user: Any) -> Client:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    # The case worker of the largest agency with the most open cases, and a supervisor there.
    largest = Case.objects.values("lead_agency").annotate(n=Count("pk")).order_by("-n")[0]
    busiest = (
        CaseAssignment.objects.filter(
            role="case_worker",
            ended_at__isnull=True,
            case__stage__in=["protection", "recovery"],
            case__lead_agency_id=largest["lead_agency"],
        )
        .values("user")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "no case worker holds an open case: fill the database first"
    worker_cases = Case.objects.filter(
        assignments__user_id=busiest["user"], assignments__ended_at__isnull=True
    ).exclude(stage="closed")
    worker = CaseAssignment.objects.filter(user_id=busiest["user"]).first().user  # type: ignore[union-attr]
    supervisor = (
        Membership.objects.filter(agency_id=largest["lead_agency"], role=Role.SUPERVISOR)
        .select_related("user")
        .first()
        .user  # type: ignore[union-attr]
    )
    # The case worker's busiest case: the most interviews.
    busy = worker_cases.annotate(n=Count("interviews")).order_by("-n").first()
    assert busy is not None
    as_worker, as_supervisor = signed_in(worker), signed_in(supervisor)
    if connection.vendor == "postgresql":
        # The planner's statistics as autovacuum would keep them: a server with autovacuum off
        # plans with those of the data as generated, before a sweep raised its alerts (a case
        # worker's My cases then took 1 s instead of 58 ms at 100,000 cases). About 3 s.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # The search looks for SEARCHED different children's names, the same at every run, each once
    # before any is searched again: a search is for a name not asked before, whose keys and word
    # pairs are not yet in the scoring's caches, and some names are far more common than others.
    bounds = Child.objects.aggregate(Min("pk"), Max("pk"))
    chosen = random.Random(19).sample(range(bounds["pk__min"], bounds["pk__max"] + 1), SEARCHED)
    names = [
        f"{g} {f}"
        for g, f in Child.objects.filter(pk__in=chosen)
        .order_by("pk")
        .values_list("given_name", "family_name")
    ]
    searched = itertools.cycle(names)

    def get(client: Client, url: str) -> Callable[[], Any]:
        def run() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return run

    # The search's statements for each name, as it sends them (identification.search._closest:
    # the vocabulary's words alike to the name's first and last words, those alike to the rest
    # of a word split where a piece is a word of the register, then the keys of the children
    # holding both), recorded once before timing and replayed: which words are alike is worked
    # out in Python between them.
    asked = []
    for name in names:
        sent: list[tuple[str, Any]] = []

        def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if sql.startswith("SELECT"):  # not the savepoints of its transactions
                sent.append((sql, params))  # noqa: B023 (the list of this name, used at once)
            return execute(sql, params, many, context)

        with transaction.atomic(), connection.execute_wrapper(record):
            _closest(comparison_keys(name))
        asked.append(sent)
    searched_in_sql = itertools.cycle(asked)

    def closest() -> Any:
        """The search's statements in plain SQL, as PostgreSQL alone answers them."""
        rows = None
        with transaction.atomic(), connection.cursor() as cursor:
            for sql, params in next(searched_in_sql):
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        return rows

    def find() -> Any:
        response = as_worker.post("/cases/find/", {"name": next(searched)})
        assert response.status_code == 200, response.status_code
        return response

    def interview() -> Any:
        conducted = timezone.localtime() - timedelta(hours=1)
        # Rolled back once timed: a kept interview would make the busy case, whose page is
        # timed above, busier at every run (it had 39 more interviews after a day's runs), and
        # the runs of one comparison would not read the same case. The commit is not timed.
        with transaction.atomic():
            response = as_worker.post(
                f"/cases/{busy.public_id}/interviews/new/",
                {
                    "kind": "assessment",
                    "conducted_at": conducted.strftime("%Y-%m-%dT%H:%M"),
                    "interviewer": "Bench Psychologist",
                    "duration_minutes": "30",
                },
            )
            transaction.set_rollback(True)
        assert response.status_code == 302, response.status_code
        return response

    def recount_dashboard() -> Any:
        """ "Count again now": a POST that counts and keeps, answered with a redirect."""
        response = as_supervisor.post("/reports/dashboard/")
        assert response.status_code == 302, response.status_code
        return response

    def count_statistics() -> Any:
        from haven.reports import selectors, snapshots

        agencies = [a.pk for a in selectors.statistics_agencies(supervisor)]
        return snapshots.count(agencies, None)

    def raw(sql: str, params: list[Any]) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        return run

    case_t, assignment_t, child_t = (
        Case._meta.db_table,
        CaseAssignment._meta.db_table,
        Child._meta.db_table,
    )
    mine_sql = (
        f"SELECT c.*, ch.* FROM {case_t} c JOIN {child_t} ch ON ch.id = c.child_id "  # noqa: S608
        f"WHERE c.stage <> 'closed' AND c.id IN (SELECT case_id FROM {assignment_t} "
        "WHERE user_id = %s AND ended_at IS NULL) ORDER BY c.stage_changed_at DESC LIMIT 50"
    )
    agency_sql = (
        f"SELECT c.*, ch.* FROM {case_t} c JOIN {child_t} ch ON ch.id = c.child_id "  # noqa: S608
        "WHERE c.stage <> 'closed' AND c.lead_agency_id = %s "
        # The list's order (cases.selectors.LIST_ORDER), for a supervisor who sees every alert
        # of the agency: the kept count first.
        "ORDER BY c.open_alert_count DESC, c.stage_changed_at DESC, c.id DESC LIMIT 50"
    )

    def raw_many(*statements: tuple[str, list[Any]]) -> Callable[[], Any]:
        def run() -> Any:
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()

        return run

    # The same rows as each page in plain SQL: the case page's case and child, its latest
    # interviews, notes, events and open alerts; a case worker's open alerts; the dashboard's
    # largest aggregate (caseloads of the agency); the search's closest children by trigram.
    alert_t, interview_t, note_t, event_t = (
        "safeguards_alert",
        "cases_interview",
        "cases_casenote",
        "audit_auditevent",
    )
    case_rows = raw_many(
        (
            f"SELECT c.*, ch.* FROM {case_t} c JOIN {child_t} ch ON ch.id = c.child_id "  # noqa: S608
            "WHERE c.public_id = %s",
            [busy.public_id],
        ),
        (
            f"SELECT * FROM {interview_t} WHERE case_id = %s "  # noqa: S608
            "ORDER BY conducted_at DESC LIMIT 50",
            [busy.pk],
        ),
        (f"SELECT * FROM {note_t} WHERE case_id = %s ORDER BY created_at DESC LIMIT 50", [busy.pk]),  # noqa: S608
        (f"SELECT * FROM {event_t} WHERE case_id = %s ORDER BY seq DESC LIMIT 100", [busy.pk]),  # noqa: S608
        (f"SELECT * FROM {alert_t} WHERE case_id = %s AND status = 'open'", [busy.pk]),  # noqa: S608
    )
    alerts_sql = (
        f"SELECT a.* FROM {alert_t} a WHERE a.status = 'open' AND a.case_id IN "  # noqa: S608
        f"(SELECT case_id FROM {assignment_t} WHERE user_id = %s AND ended_at IS NULL) "
        "ORDER BY a.raised_at DESC LIMIT 100"
    )
    caseloads_sql = (
        f"SELECT a.user_id, count(*) FROM {assignment_t} a JOIN {case_t} c ON c.id = a.case_id "  # noqa: S608
        "WHERE c.lead_agency_id = %s AND c.stage <> 'closed' AND a.ended_at IS NULL "
        "AND a.role = 'case_worker' GROUP BY a.user_id"
    )
    pages: list[tuple[str, Callable[[], Any], Callable[[], Any] | None]] = [
        ("My cases, case worker", get(as_worker, "/cases/"), raw(mine_sql, [worker.pk])),
        (
            "My cases, supervisor (all)",
            get(as_supervisor, "/cases/?scope=all"),
            raw(agency_sql, [largest["lead_agency"]]),
        ),
        ("case page, busy case", get(as_worker, f"/cases/{busy.public_id}/"), case_rows),
        ("case page, supervisor", get(as_supervisor, f"/cases/{busy.public_id}/"), case_rows),
        ("alerts, case worker", get(as_worker, "/alerts/"), raw(alerts_sql, [worker.pk])),
        ("what is due, case worker", get(as_worker, "/cases/due/"), None),
        ("referral inbox", get(as_worker, "/directory/referrals/incoming/"), None),
        # The page reads the kept count (haven.reports.snapshots); counting it again, what
        # refresh_dashboards does and "Count again now" asks for, is timed on the next line.
        ("dashboard, supervisor (kept count)", get(as_supervisor, "/reports/dashboard/"), None),
        (
            "dashboard counted (Count again now)",
            recount_dashboard,
            raw(caseloads_sql, [largest["lead_agency"]]),
        ),
        # The page reads the kept count (haven.reports.snapshots); counting it again is what
        # refresh_statistics does for each set of agencies and period, timed on the next line.
        (
            "statistics, all time (kept count)",
            get(as_supervisor, "/reports/statistics/?period=all"),
            None,
        ),
        ("statistics counted (all time)", count_statistics, None),
        (
            "is this child already known?",
            find,
            closest if connection.vendor == "postgresql" else None,
        ),
        ("recording an interview", interview, None),
    ]
    if args.only:
        unknown = set(args.only) - {name for name, _fn, _baseline in pages}
        if unknown:
            parser.error(f"no such page: {', '.join(sorted(unknown))}")
        pages = [page for page in pages if page[0] in args.only]
    if args.requests is not None:
        for _name, fn, _baseline in pages:
            fn()
            fn()
            for _ in range(args.requests):
                fn()
        return
    if args.profile:
        import cProfile
        import pstats

        fn = dict((name, fn) for name, fn, _baseline in pages)[args.profile]
        fn()
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [fn() for _ in range(args.reps)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        if os.environ.get("PROFILE_DUMP"):
            profiler.dump_stats(os.environ["PROFILE_DUMP"])
        return
    if args.queries:
        fn = dict((name, fn) for name, fn, _baseline in pages)[args.queries]
        fn()
        with CaptureQueriesContext(connection) as queries:
            fn()
        for q in queries.captured_queries:
            print(f"{float(q['time']) * 1000:7.2f} ms  {' '.join(q['sql'].split())[:220]}")
        print(f"{len(queries.captured_queries)} queries")
        return
    rows = []
    print(f"{'page':<32} {'median':>9} {'p95':>9} {'queries':>8} {'SQL':>8} {'ratio':>7}")
    for name, fn, baseline in pages:
        row: dict[str, Any] = {"page": name} | timed(fn, args.reps)
        with CaptureQueriesContext(connection) as queries:
            fn()
        row["queries"] = len(
            [
                q
                for q in queries.captured_queries
                if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
            ]
        )
        if baseline is not None:
            row["sql_ms"] = timed(baseline, args.reps)["median_ms"]
            row["ratio"] = row["median_ms"] / row["sql_ms"]
        rows.append(row)
        sql = f"{row['sql_ms']:8.2f} {row['ratio']:6.1f}x" if "sql_ms" in row else ""
        print(
            f"{name:<32} {row['median_ms']:8.1f}ms {row['p95_ms']:8.1f}ms {row['queries']:8d} {sql}"
        )
    if args.sweep_reps:
        from haven.safeguards.engine import evaluate

        def sweep() -> Any:
            return evaluate(Case.objects.exclude(stage=Case.Stage.CLOSED))

        row = {"page": "sweep: steady state"} | timed(sweep, args.sweep_reps)
        with CaptureQueriesContext(connection) as queries:
            sweep()
        row["queries"] = len(queries.captured_queries)
        rows.append(row)
        ms = f"{row['median_ms']:8.1f}ms {row['p95_ms']:8.1f}ms"
        print(f"{row['page']:<32} {ms} {row['queries']:8d}")
    cases = Case.objects.count()
    out = ROOT / "bench" / "results" / f"pages-{connection.vendor}-{cases}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"cases": cases, "reps": args.reps, "pages": rows}, indent=2))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
