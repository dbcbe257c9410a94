"""Print the results in bench/results/*.json side by side, as a Markdown table.

    .venv/bin/python bench/report.py                      # every result file
    .venv/bin/python bench/report.py sqlite-20000 postgresql-20000

Each cell is the median in milliseconds, then the ratio to the operation's baseline measured in
the same run, then the number of queries.
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


def main() -> None:
    results = load(sys.argv[1:])
    if not results:
        raise SystemExit("no results: run bench/run.py first")
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
