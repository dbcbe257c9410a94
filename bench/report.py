"""Print the results in bench/results/*.json side by side, as a Markdown table.

    .venv/bin/python bench/report.py                      # every result file
    .venv/bin/python bench/report.py sqlite-20000 postgresql-20000
    .venv/bin/python bench/report.py --rules              # each rule's sweep query, slowest first

Each cell is the median in milliseconds, then the ratio to the operation's baseline measured in
the same run, then the number of queries. With --rules: one row per alert rule, its query over
the open cases (the rule's part of the sweep), sorted by the last result's time.
"""

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def order(path: Path) -> tuple:
    """SQLite first, then PostgreSQL, then PostgreSQL with settings; smaller runs first."""
    kind, _, cases = path.stem.rpartition("-")
    return (not kind.startswith("sqlite"), kind, int(cases) if cases.isdigit() else 0)


def load(names: list[str]) -> list[tuple[str, dict]]:
    if names:
        paths = [RESULTS / (n if n.endswith(".json") else f"{n}.json") for n in names]
    else:
        paths = sorted(RESULTS.glob("*.json"), key=order)
    return [(p.stem, json.loads(p.read_text())) for p in paths]


def cell(row: dict | None) -> str:
    if row is None:
        return ""
    text = f"{row['median_ms']:,.1f}"
    if row.get("ratio"):
        text += f" (x{row['ratio']:.1f})"
    return f"{text}, {row['queries']} q"


def rules_table(results: list[tuple[str, dict]]) -> None:
    suffix = ": open cases"
    per_result = [
        {
            r["operation"].strip().removesuffix(suffix): r
            for r in result["measurements"]
            if r["operation"].endswith(suffix)
        }
        for _name, result in results
    ]
    codes = sorted(
        {code for rows in per_result for code in rows},
        key=lambda code: -per_result[-1].get(code, {"median_ms": 0})["median_ms"],
    )
    print("| rule, query over the open cases | " + " | ".join(n for n, _ in results) + " |")
    print("|---|" + "---:|" * len(results))
    for code in codes:
        print(f"| {code} | " + " | ".join(cell(rows.get(code)) for rows in per_result) + " |")


def main() -> None:
    args = sys.argv[1:]
    rules = "--rules" in args
    results = load([a for a in args if a != "--rules"])
    if not results:
        raise SystemExit("no results: run bench/run.py first")
    if rules:
        rules_table(results)
        return
    operations: list[str] = []
    for _name, result in results:
        for row in result["measurements"]:
            if row["operation"] not in operations:
                operations.append(row["operation"])
    print("| operation | " + " | ".join(name for name, _ in results) + " |")
    print("|---|" + "---:|" * len(results))
    for op in operations:
        cells = []
        for _name, result in results:
            row = next((r for r in result["measurements"] if r["operation"] == op), None)
            cells.append(cell(row))
        print(f"| {op.strip()} | " + " | ".join(cells) + " |")
    print()
    for name, result in results:
        load_avg = result["machine"].get("load_average_before", [None])[0]
        print(
            f"- {name}: {result['database']['version']}, code {result['code']}, "
            f"generated in {result['generate_s']:.0f} s, load average {load_avg:.1f} at start"
        )


if __name__ == "__main__":
    main()
