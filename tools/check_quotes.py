"""Check that every quote in plan files is verbatim in its source document.

Usage: python tools/check_quotes.py [PLAN.yaml ...]   (default: every embedded plan)
Seeds are looked up in $ECOPLAN_SEEDS or ../shared/seeds beside the repository.
Exit status 1 when any quote is not found.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ecoplan.model.planfile import read_plan
from ecoplan.model.sources import find_missing_quotes, seeds_dir


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    files = [Path(a) for a in argv] or sorted((root / "src/ecoplan/data/plans").glob("*.yaml"))
    bad = 0
    for f in files:
        plan = read_plan(f)
        missing = find_missing_quotes(plan, seeds_dir())
        for where, file, quote in missing:
            print(f"{f.name}: {where}: quote not found in {file}: {quote!r}")
        bad += len(missing)
        print(f"{f.name}: {len(missing)} missing quote(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
