"""The kill rate of `make mutation`, per module and overall, from the results in mutants/.

Two sources: mutmut's (function bodies, ``mutants/<module>.meta``) and
``scripts/mutate_tables.py``'s (module-level tables and constants, which mutmut 3 does
not mutate; ``mutants/tables.json``). Killed = killed by a test, timed out, or caught by
the type check. Everything else that was generated counts against the score: survived,
no test reached it, suspicious, not checked. Exits 1 when the overall rate is below the
threshold (95 % unless given), so `make mutation` fails. Mutants excluded with
`# pragma: no mutate` are never generated and so not counted.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

MODULES = ("tracker/domain/status.py", "tracker/domain/deadlines.py", "tracker/domain/spans.py")
KILLED = {"killed", "timeout", "caught by type check"}


def score(meta: Path) -> tuple[int, int, list[str]]:
    """(killed, total, names of the mutants left alive with their status) of one module."""
    exit_codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    alive = []
    killed = 0
    for name, code in sorted(exit_codes.items()):
        status = status_by_exit_code[code]
        if status in KILLED:
            killed += 1
        else:
            alive.append(f"{name}: {status}")
    return killed, len(exit_codes), alive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=95.0, help="minimum overall kill rate, in percent")
    parser.add_argument("--mutants", type=Path, default=Path("mutants"))
    args = parser.parse_args(argv)

    tables_file = args.mutants / "tables.json"
    if not tables_file.exists():
        print(f"no results in {tables_file} (did scripts/mutate_tables.py finish?)", file=sys.stderr)
        return 2
    tables = json.loads(tables_file.read_text("utf-8"))

    all_killed = all_total = 0
    print(f"{'module':32} {'killed':>7} {'total':>6} {'rate':>7}   (functions: mutmut; tables: mutate_tables.py)")
    for module in MODULES:
        meta = args.mutants / f"{module}.meta"
        if not meta.exists():
            print(f"{module}: no results in {meta} (did `mutmut run` finish?)", file=sys.stderr)
            return 2
        killed, total, alive = score(meta)
        t = tables[module]
        killed, total, alive = killed + t["killed"], total + t["total"], alive + t["alive"]
        all_killed += killed
        all_total += total
        rate = 100.0 * killed / total if total else 100.0
        print(f"{module:32} {killed:7} {total:6} {rate:6.1f}%")
        for line in alive:
            print(f"    alive: {line}")
    overall = 100.0 * all_killed / all_total if all_total else 100.0
    print(f"{'overall':32} {all_killed:7} {all_total:6} {overall:6.1f}%")
    if overall < args.threshold:
        print(f"FAIL: {overall:.1f}% of the mutants killed, below {args.threshold:g}%"
              " (`.venv/bin/mutmut show NAME` shows one)", file=sys.stderr)
        return 1
    print(f"OK: at least {args.threshold:g}% of the mutants killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
