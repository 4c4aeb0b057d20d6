#!/usr/bin/env python3
"""Issue 14's scaling study: generated months (scripts/make_scenarios.py --staff N --seed S)
solved one at a time by `roster solve` with the default settings and a time limit, each
row recording time to first roster, time to within 1 %, time to proof, final gap, peak
memory and the stage that found the final roster.  Writes study.csv and study.md.

    python3 scripts/scaling_study.py --sizes 45,90 --seeds 1,2              # small, 60 s each
    python3 scripts/scaling_study.py                                        # full: 45..1000 staff
    python3 scripts/scaling_study.py --cpsat                                # CP-SAT beside each row

Limits: 60 s up to 300 staff, 600 s above (--limit-small / --limit-large).  Run it on a
quiet machine: each row is one solve, never two at once.

How the times are read: `roster solve --progress` prints one line per stage, with the best
roster and bound at that moment; the study stamps each line as it arrives.  "first roster"
is the first line carrying a roster; "within 1 %" is the first moment the best roster is
within 1 % of the final bound (so, for a proven month, of the optimum; the solve's end if
only its last stage got there); "proof" is the solve's time when it ends optimal.  "stage"
is the stage during which the final roster was found (the line before the one that first
reports it; the last stage if none does), "last stage" the one the solve ended in (for a
proven month, the stage that closed the proof).  Peak memory is /usr/bin/time's %M.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SIZES = [45, 90, 150, 300, 600, 1000]
PROGRESS = re.compile(r"^progress: (?P<stage>.*?)(?: · best (?P<best>[-0-9.]+))?(?:, bound (?P<bound>[-0-9.]+))?$")
FIELDS = ["staff", "seed", "limit_s", "load", "status", "objective", "bound", "gap", "first_roster_s", "within_1pct_s",
          "proof_s", "seconds", "user_s", "peak_mb", "stage", "ended_in", "check", "cpsat_status", "cpsat_objective", "cpsat_bound",
          "cpsat_seconds", "cpsat_check", "command"]


def generate(staff: int, seed: int, out: pathlib.Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts/make_scenarios.py"), "--staff", str(staff), "--seed",
                    str(seed), "--out", str(out)], check=True, stdout=subprocess.DEVNULL)


def solve(roster: str, scenario: pathlib.Path, out: pathlib.Path, limit: float) -> dict:
    mem = tempfile.NamedTemporaryFile(suffix=".mem", delete=False)
    cmd = ["/usr/bin/time", "-f", "%M %U", "-o", mem.name, roster, "solve", str(scenario), "--progress", "--json",
           "--time-limit", str(limit), "--out", str(out)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines: list[tuple[float, dict]] = []

    def read_progress():
        for line in proc.stderr:
            hit = PROGRESS.match(line.strip())
            if hit:
                lines.append((time.monotonic() - t0, hit.groupdict()))

    reader = threading.Thread(target=read_progress)
    reader.start()
    stdout = proc.stdout.read()
    proc.wait()
    reader.join()
    wall = time.monotonic() - t0
    doc = json.loads(stdout) if stdout.strip() else {}
    # /usr/bin/time's last line: peak resident KB and user CPU seconds (the steadier figure
    # on a shared machine, where wall time grows with everyone else's load).
    peak_kb, user = pathlib.Path(mem.name).read_text().splitlines()[-1].split()
    pathlib.Path(mem.name).unlink()
    return {"exit": proc.returncode, "doc": doc, "lines": lines, "wall": wall, "peak_mb": int(peak_kb) / 1024, "user_s": float(user),
            "command": " ".join(cmd[5:])}


def timeline(run: dict) -> dict:
    doc, lines = run["doc"], run["lines"]
    obj, bound = doc.get("objective"), doc.get("bound")
    seconds = doc.get("seconds", run["wall"])
    first = next((t for t, p in lines if p["best"] is not None), None)
    if first is None and obj is not None:
        first = seconds
    within = None
    if obj is not None and bound is not None:
        close = lambda best: best - bound <= 0.01 * abs(best) + 1e-9  # noqa: E731
        within = next((t for t, p in lines if p["best"] is not None and close(float(p["best"]))), None)
        if within is None and close(obj):
            within = seconds
    stage = lines[-1][1]["stage"] if lines else ""
    for n, (_, p) in enumerate(lines):
        if p["best"] is not None and obj is not None and abs(float(p["best"]) - obj) < 1e-9:
            # The first line's roster is the greedy start, reported before the root node runs.
            stage = lines[n - 1][1]["stage"] if n else "greedy start (before the root node)"
            break
    return {"status": doc.get("status", f"exit {run['exit']}"), "objective": obj, "bound": bound,
            "gap": doc.get("gap"), "first_roster_s": first, "within_1pct_s": within,
            "proof_s": seconds if doc.get("status") == "optimal" else None, "seconds": seconds,
            "user_s": run["user_s"], "peak_mb": round(run["peak_mb"]), "stage": stage,
            "ended_in": lines[-1][1]["stage"] if lines else "", "command": run["command"]}


def check(roster: str, scenario: pathlib.Path, out: pathlib.Path) -> str:
    res = subprocess.run([roster, "check", "--json", str(scenario), str(out)], capture_output=True, text=True)
    if res.returncode != 0:
        return "FAIL"
    return f"ok {json.loads(res.stdout)['objective']:g}"


def cpsat(scenario: pathlib.Path, out: pathlib.Path, limit: float) -> dict:
    res = subprocess.run([sys.executable, str(ROOT / "bench/cpsat/cpsat_roster.py"), str(scenario), "--out",
                          str(out), "--time-limit", str(limit)], capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1]) if res.stdout.strip() else {"status": f"exit {res.returncode}"}


def fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.1f}" if abs(v) >= 1 or v == 0 else f"{v:.3f}"
    return str(v)


def markdown(rows: list[dict]) -> str:
    head = ("| staff | seed | limit | load (1-min, start → end) | status | objective | bound | gap | first roster | within 1 % | proof "
            "| user CPU | peak memory | stage that found it | last stage | check |")
    out = [head, "|" + "---|" * 16]
    for r in rows:
        gap = "–" if r["gap"] is None else f"{r['gap']:.1%}"
        out.append(f"| {r['staff']} | {r['seed']} | {r['limit_s']:g} s | {r['load']} | {r['status']} | {fmt(r['objective'])} | "
                   f"{fmt(r['bound'])} | {gap} | {fmt(r['first_roster_s'])} s | {fmt(r['within_1pct_s'])} s | "
                   f"{fmt(r['proof_s'])} s | {fmt(r['user_s'])} s | {r['peak_mb']} MB | {r['stage']} | {r['ended_in']} | {r['check']} |")
    if any(r.get("cpsat_status") for r in rows):
        out += ["", "| staff | seed | roster | CP-SAT | CP-SAT check | time ratio (CP-SAT / roster) |",
                "|---|---|---|---|---|---|"]
        for r in rows:
            ratio = "–"
            if r["status"] == "optimal" and r.get("cpsat_status") == "optimal":
                ratio = f"{r['cpsat_seconds'] / r['seconds']:.1f}×"
            out.append(f"| {r['staff']} | {r['seed']} | {fmt(r['objective'])} (bound {fmt(r['bound'])}, "
                       f"{fmt(r['seconds'])} s) | {fmt(r.get('cpsat_objective'))} (bound {fmt(r.get('cpsat_bound'))}, "
                       f"{fmt(r.get('cpsat_seconds'))} s) | {r.get('cpsat_check', '–')} | {ratio} |")
    out += ["", "Commands, one per row:", ""] + [f"    {r['command']}" for r in rows]
    return "\n".join(out) + "\n"


def write(out_dir: pathlib.Path, rows: list[dict]) -> None:
    with open(out_dir / "study.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    (out_dir / "study.md").write_text(markdown(rows), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--roster", default=str(ROOT / "target/release/roster"))
    ap.add_argument("--dir", type=pathlib.Path, default=ROOT / "target/scaling-study")
    ap.add_argument("--limit-small", type=float, default=60.0, help="time limit up to 300 staff")
    ap.add_argument("--limit-large", type=float, default=600.0, help="time limit above 300 staff")
    ap.add_argument("--cpsat", action="store_true", help="also solve each month with bench/cpsat (same limit)")
    args = ap.parse_args()
    if not pathlib.Path(args.roster).is_file():
        sys.exit(f"{args.roster}: no roster binary (cargo build --release, or pass --roster)")
    args.dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for staff in map(int, args.sizes.split(",")):
        for seed in map(int, args.seeds.split(",")):
            scenario = args.dir / f"gen-{staff}-{seed}.toml"
            generate(staff, seed, scenario)
            limit = args.limit_small if staff <= 300 else args.limit_large
            out = args.dir / f"gen-{staff}-{seed}.roster.json"
            out.unlink(missing_ok=True)
            load_before = os.getloadavg()[0]
            run = solve(args.roster, scenario, out, limit)
            load = f"{load_before:.1f} → {os.getloadavg()[0]:.1f}"
            # The solve's own account and its stamped progress lines, for reading a row later.
            trace = {"summary": {k: v for k, v in run["doc"].items() if k != "roster"}, "exit": run["exit"],
                     "progress": [{"t": round(t, 2), **p} for t, p in run["lines"]]}
            (args.dir / f"gen-{staff}-{seed}.trace.json").write_text(json.dumps(trace, ensure_ascii=False, indent=1))
            row = {"staff": staff, "seed": seed, "limit_s": limit, "load": load, **timeline(run)}
            row["check"] = check(args.roster, scenario, out) if out.exists() else "no roster"
            if args.cpsat:
                cp_out = args.dir / f"gen-{staff}-{seed}.cpsat.json"
                cp = cpsat(scenario, cp_out, limit)
                row.update({"cpsat_status": cp.get("status"), "cpsat_objective": cp.get("objective"),
                            "cpsat_bound": cp.get("bound"), "cpsat_seconds": cp.get("seconds"),
                            "cpsat_check": check(args.roster, scenario, cp_out) if cp_out.exists() else "no roster"})
            rows.append(row)
            print(f"{staff} staff, seed {seed}: {row['status']} {row['objective']} bound {row['bound']} "
                  f"in {row['seconds']:.1f} s, {row['peak_mb']} MB, load {load}, stage: {row['stage']}", flush=True)
            # Written after every row: a study of an hour or more is never lost to its last row.
            write(args.dir, rows)
    print(f"wrote {args.dir / 'study.csv'} and {args.dir / 'study.md'}")


if __name__ == "__main__":
    main()
