#!/usr/bin/env python3
"""roster against CP-SAT on the same month with the same limit, one after the other (never
both at once: they would share the cores).  Each roster is passed through `roster check`,
and CP-SAT's objective must equal `roster check`'s evaluation of its roster.

    pip install -r bench/cpsat/requirements.txt
    python3 bench/cpsat/compare.py scenarios/seed-2026-12.toml --time-limit 60 [--roster target/release/roster]

Prints one line per solver and the ratio of wall times (CP-SAT / roster) when both prove
optimality, else the two objectives and bounds at the limit.  Exits 1 when a roster fails
`check` or CP-SAT's objective disagrees with roster's evaluation.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def checked(roster: str, scenario: str, out: pathlib.Path) -> tuple[bool, float | None]:
    res = subprocess.run([roster, "check", "--json", scenario, str(out)], capture_output=True, text=True)
    doc = json.loads(res.stdout) if res.stdout.strip() else {}
    return res.returncode == 0 and doc.get("ok", False), doc.get("objective")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--roster", default=str(ROOT / "target/release/roster"))
    ap.add_argument("--workers", type=int, default=8, help="CP-SAT search workers")
    args = ap.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = pathlib.Path(tmp, "roster.json"), pathlib.Path(tmp, "cpsat.json")
        t0 = time.monotonic()
        res = subprocess.run([args.roster, "solve", args.scenario, "--json", "--time-limit", str(args.time_limit),
                              "--out", str(ours)], capture_output=True, text=True)
        wall = time.monotonic() - t0
        r = json.loads(res.stdout) if res.stdout.strip() else {"status": f"exit {res.returncode}"}
        r_ok, r_eval = checked(args.roster, args.scenario, ours) if ours.exists() else (False, None)
        print(f"roster : {r.get('status')} objective {r.get('objective')} bound {r.get('bound')} "
              f"in {wall:.1f} s wall; check {'ok' if r_ok else 'FAILED'} (evaluates to {r_eval})")
        ok &= r_ok
        res = subprocess.run([sys.executable, str(HERE / "cpsat_roster.py"), args.scenario, "--out", str(theirs),
                              "--time-limit", str(args.time_limit), "--workers", str(args.workers)],
                             capture_output=True, text=True)
        c = json.loads(res.stdout.strip().splitlines()[-1]) if res.stdout.strip() else {"status": f"exit {res.returncode}"}
        c_ok, c_eval = checked(args.roster, args.scenario, theirs) if theirs.exists() else (False, None)
        agrees = c_eval is not None and c.get("objective") is not None and abs(c_eval - c["objective"]) < 1e-6
        print(f"cp-sat : {c.get('status')} objective {c.get('objective')} bound {c.get('bound')} "
              f"in {c.get('seconds')} s wall ({c.get('workers')} workers; first roster {c.get('first_roster_seconds')} s, "
              f"within 1 % {c.get('within_1pct_seconds')} s); check {'ok' if c_ok else 'FAILED'}, "
              f"roster evaluates it to {c_eval} ({'equal' if agrees else 'DIFFERENT'}; "
              f"the model's own evaluation of its roster: {c.get('roster_objective')})")
        ok &= c_ok and agrees
        if r.get("status") == "optimal" and c.get("status") == "optimal":
            print(f"ratio  : CP-SAT / roster wall time = {c['seconds'] / wall:.2f}")
        else:
            print(f"ratio  : not both proven within {args.time_limit:g} s; objectives {r.get('objective')} "
                  f"vs {c.get('objective')}, bounds {r.get('bound')} vs {c.get('bound')}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
