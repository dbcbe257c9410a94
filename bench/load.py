"""Run the load test (bench/locustfile.py) for a bounded time and print what it measured.

    bench/.venv-load/bin/python bench/load.py --host http://127.0.0.1:8100 -u 20 -r 5 -t 60s

Runs with the load test's own venv (bench/.venv-load, bench/requirements-load.txt), never
Haven's. It starts locust headless against a running server, whose users bench/sessions.py has
signed in (bench/results/load-sessions.json), and prints requests/s, the median and 95th
percentile of each page and the failures. Locust's CSV files and a JSON summary go to
bench/results/load-<tag>*. With --server-pid (the gunicorn master's id) it also reports the CPU
time the server's processes, PostgreSQL's and the load generator itself used during the run:
on a small machine the load generator competes with the server for the same cores.
"""

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
SESSIONS = RESULTS / "load-sessions.json"
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(comm, parent pid, CPU seconds) of a process, from /proc: its own and that of its
    children that have ended (a gunicorn worker replaced, a PostgreSQL connection closed)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return comm, int(fields[1]), sum(int(f) for f in fields[11:15]) / TICKS


def machine_busy() -> float:
    """CPU seconds the machine has spent on anything but idling and waiting, from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n")[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / TICKS


def cpu_seconds(server_pid: int | None) -> dict[str, float]:
    """CPU seconds used so far by the server's process tree, by PostgreSQL's processes and by
    the whole machine."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            procs[int(entry.name)] = stat
    tree = {server_pid} if server_pid else set()
    grew = True
    while grew:
        grew = False
        for pid, (_, ppid, _) in procs.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return {
        "server": sum(procs[p][2] for p in tree if p in procs),
        "postgres": sum(s for comm, _, s in procs.values() if comm.startswith("postgres")),
        "machine": machine_busy(),
    }


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="http://127.0.0.1:8100", help="the server's address")
    parser.add_argument("-u", "--users", type=int, default=20, help="simulated users (20)")
    parser.add_argument("-r", "--spawn-rate", type=float, default=5, help="users started/s (5)")
    parser.add_argument("-t", "--run-time", default="60s", help="how long (60s)")
    parser.add_argument("--tag", default="", help="result file names: load-<tag>_stats.csv ...")
    parser.add_argument("--server-pid", type=int, help="gunicorn's master process, for its CPU")
    parser.add_argument("--note", default="", help="server settings, kept in the JSON summary")
    args = parser.parse_args()

    if not SESSIONS.exists():
        raise SystemExit(f"{SESSIONS} is missing: run bench/sessions.py first")
    sessions = json.loads(SESSIONS.read_text())
    age = datetime.now(UTC) - datetime.fromisoformat(sessions["created_at"])
    if age.total_seconds() > sessions["idle_minutes"] * 60:
        print(
            f"warning: the sessions were made {age} ago, more than the idle timeout of "
            f"{sessions['idle_minutes']} min: unused ones have expired (run bench/sessions.py)",
            file=sys.stderr,
        )

    tag = args.tag or datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    prefix = RESULTS / f"load-{tag}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "locust",
        "-f", str(BENCH / "locustfile.py"),
        "--headless", "--only-summary", "--reset-stats",
        "-u", str(args.users), "-r", str(args.spawn_rate), "-t", args.run_time,
        "--host", args.host,
        "--csv", str(prefix), "--json-file", str(prefix) + "_locust",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    before = cpu_seconds(args.server_pid)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    subprocess.run(command, check=False)  # noqa: S603 (our own arguments)
    wall = time.perf_counter() - started
    after = cpu_seconds(args.server_pid)
    done = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {
        "load generator (locust)": (done.ru_utime + done.ru_stime)
        - (children.ru_utime + children.ru_stime),
        "server (gunicorn)": after["server"] - before["server"] if args.server_pid else None,
        "postgresql": after["postgres"] - before["postgres"],
        "whole machine": after["machine"] - before["machine"],
    }

    rows = read_stats(prefix)
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    print(f"\n{args.users} users for {args.run_time} against {args.host}\n")
    print("| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in [*sorted(pages, key=lambda r: -int(r["Request Count"])), total]:
        name = "**all**" if r is total else r["Name"]
        print(
            f"| {name} | {r['Request Count']} | {r['Failure Count']} | "
            f"{float(r['Requests/s']):.1f} | {r['50%']} | {r['95%']} | {r['99%']} |"
        )
    print(f"\nrequests/s: {float(total['Requests/s']):.1f}, failures: {total['Failure Count']}")
    print(f"CPU seconds over {wall:.0f} s on {os.cpu_count()} cores:")
    for who, seconds in cpu.items():
        if seconds is not None:
            print(f"  {who}: {seconds:.1f} s ({seconds / wall:.2f} cores)")
    failures = Path(f"{prefix}_failures.csv")
    if int(total["Failure Count"]) and failures.exists():
        print("\nfailures:\n" + failures.read_text())

    summary = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "host": args.host,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "run_time": args.run_time,
        "note": args.note,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": load_before,
        },
        "wall_seconds": round(wall, 1),
        "cpu_seconds": {k: v if v is None else round(v, 1) for k, v in cpu.items()},
        "requests_per_second": float(total["Requests/s"]),
        "failures": int(total["Failure Count"]),
        "pages": {
            r["Name"]: {
                "requests": int(r["Request Count"]),
                "failures": int(r["Failure Count"]),
                "requests_per_second": float(r["Requests/s"]),
                "p50_ms": float(r["50%"]),
                "p95_ms": float(r["95%"]),
                "p99_ms": float(r["99%"]),
                "mean_ms": float(r["Average Response Time"]),
            }
            for r in rows
        },
    }
    out = Path(f"{prefix}.json")
    out.write_text(json.dumps(summary, indent=1))
    print(f"\n{out}")


if __name__ == "__main__":
    main()
