#!/usr/bin/env python3
"""CPU instructions per request of chosen pages, counted by valgrind's callgrind.

On a shared machine the same code runs 10-40 % slower from one run to the next, and the
difference between two versions of a page is often smaller than that. An instruction count
is the same from run to run whatever else the machine is doing, so it tells whether a change
made Haven's own work smaller. What it does not count: the database server's work (another
process) and the time spent waiting for it; bench/pages.py times those with the rest.

Each page is requested by bench/pages.py under callgrind twice, after the same set-up: with
no timed requests and with N, and the difference is divided by N (so the set-up, Django's
start and the two untimed requests cancel out). A page takes about two minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/haven_bench \\
        .venv/bin/python bench/instructions.py --only "case page, busy case" --requests 10

Needs valgrind (Debian: apt-get install valgrind).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def collected(page: str, requests: int) -> int:
    """Instructions callgrind counted in one run of pages.py requesting `page`."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    run = subprocess.run(  # noqa: S603 (our own arguments)
        [
            valgrind,
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            str(BENCH / "pages.py"),
            "--only",
            page,
            "--requests",
            str(requests),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=BENCH,
    )
    found = re.search(r"Collected : (\d+)", run.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count for {page!r}:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", metavar="PAGE", action="append", required=True)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    os.environ.setdefault("HAVEN_DEV", "1")
    os.environ.setdefault("DEBUG", "0")
    for page in args.only:
        per_request = (collected(page, args.requests) - collected(page, 0)) / args.requests
        print(f"{page:<40} {per_request / 1e6:8.1f} million instructions per request")


if __name__ == "__main__":
    main()
