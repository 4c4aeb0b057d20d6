#!/usr/bin/env python3
"""A CP-SAT model of roster's month (issue 14's competitor): the same roster rules
(docs/rules.md, ROSTER-*) and the same objective (docs/contract.md "The objective"), built
independently from the scenario TOML, solved by OR-Tools CP-SAT, written as a roster JSON
that `roster check` accepts.

    python3 bench/cpsat/cpsat_roster.py SCENARIO.toml --out R.json [--time-limit 60] [--workers 2]

Prints one JSON line on stdout: status, objective, bound, seconds, time to first roster,
time to within 1 % of the final bound, and the model's size.  Exits 5 (after writing the
roster and the line) when CP-SAT's objective differs from the roster's own evaluation.  The roster's own "solver"
note carries status, objective and bound as `roster solve` writes them.

Reading of the rules, the same as src/solve/ (and cross-checked by `roster check`, whose
evaluation of the written roster must equal the objective printed here):
  ONE     one shift a day;  REST  no later shift whose report time (start - handover) is
  less than min_rest_hours after an earlier shift's end, history included;  COVER  per day,
  shift and seat grade level g, people on duty at grade >= g >= the demand of seat types
  needing >= g (nested grades: Hall's condition; seats are given out afterwards);  LEAD
  leads_per_shift leads on every shift;  GRADE  the [[mix]] minimums (one senior without
  rows);  LEAVE/EVENT  no variable on a day of approved leave or a shift overlapping an
  event;  CONSEC  every window of max+1 days holds at most max shifts (nights: night
  shifts), max days at most 6 (a day off in seven), history counted;  LOAD  min_shifts
  (less a shift per approved leave day) .. max_shifts.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import os
import sys
import time
import tomllib

from ortools import __version__ as ortools_version
from ortools.sat.python import cp_model

GRADES = {"junior": 0, "intermediate": 1, "senior": 2}
DEFAULT_WEIGHTS = {"request": 1.0, "fair_nights": 5.0, "fair_weekends": 5.0, "over_cover": 1.0,
                   "over_cover_weekend": 2.0, "over_cover_holiday": 3.0, "over_cover_night": 2.0}


def clock(s: str) -> int:
    h, m = map(int, s.split(":"))
    return h * 60 + m


class Month:
    """The scenario's facts the model needs, by index: staff i, day d, shift k."""

    def __init__(self, sc: dict):
        self.sc = sc
        y, m = map(int, sc["month"].split("-"))
        self.dates = [dt.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)]
        self.days = len(self.dates)
        cal = sc.get("calendar", {})
        self.holidays = {dt.date.fromisoformat(x) for x in cal.get("holidays", [])}
        self.workdays = {dt.date.fromisoformat(x) for x in cal.get("workdays", [])}
        r = sc.get("rules", {})
        self.rest = round(r.get("min_rest_hours", 12) * 60)
        self.handover = r.get("handover_minutes", 10)
        self.max_days = min(r.get("max_consecutive_days", 6), 6)  # a day off in every seven
        self.max_nights = r.get("max_consecutive_nights", 3)
        self.leads_per_shift = r.get("leads_per_shift", 1)
        self.shifts = []
        for s in sc["shift"]:
            start, end = clock(s["start"]), clock(s["end"])
            end += 1440 if end <= start else 0
            night = s.get("night", any(max(start, z) < min(end, z + 300) for z in (0, 1440)))
            self.shifts.append({"code": s["code"], "start": start, "end": end, "night": night})
        self.shift_ix = {s["code"]: k for k, s in enumerate(self.shifts)}
        self.seats = [{"code": s["code"], "grade": GRADES[s["min_grade"]]} for s in sc["seat"]]
        self.staff = sc["staff"]
        self.staff_ix = {p["id"]: i for i, p in enumerate(self.staff)}
        team_leads = {t["lead"] for t in sc.get("team", []) if "lead" in t}
        self.grade = [GRADES[p["grade"]] for p in self.staff]
        self.lead = [bool(p.get("lead")) or p["id"] in team_leads for p in self.staff]
        self.job = [p.get("job", "agent") for p in self.staff]
        self.min_shifts = [p.get("min_shifts", r.get("min_shifts", 0)) for p in self.staff]
        self.max_shifts = [p.get("max_shifts", r.get("max_shifts", self.days)) for p in self.staff]
        w = dict(DEFAULT_WEIGHTS)
        w.update(sc.get("weights", {}))
        self.w = w
        self.leave = [set() for _ in self.staff]  # day indices of approved leave
        for lv in sc.get("leave", []):
            if lv.get("approved_by", "none") == "none":
                continue
            a, b = dt.date.fromisoformat(lv["from"]), dt.date.fromisoformat(lv["to"])
            for d, date in enumerate(self.dates):
                if a <= date <= b:
                    self.leave[self.staff_ix[lv["staff"]]].add(d)
        self.history = [(self.staff_ix[h["staff"]], (dt.date.fromisoformat(h["date"]) - self.dates[0]).days,
                         self.shift_ix[h["shift"]]) for h in sc.get("history", [])]
        self.prior = {self.staff_ix[p["staff"]]: (p.get("nights", 0), p.get("weekends", 0) + p.get("holidays", 0))
                      for p in sc.get("prior", [])}

    def day_type(self, d: int) -> str:
        date = self.dates[d]
        if date in self.holidays:
            return "holiday"
        return "weekend" if date.weekday() >= 5 and date not in self.workdays else "weekday"

    def demand(self, d: int, k: int, seat: int) -> int:
        code, s_code, iso = self.shifts[k]["code"], self.seats[seat]["code"], self.dates[d].isoformat()
        for o in reversed(self.sc.get("demand_override", [])):
            if o["date"] == iso and o["shift"] == code and o["seat"] == s_code:
                return o["heads"]
        return sum(x[self.day_type(d)] for x in self.sc["demand"] if x["shift"] == code and x["seat"] == s_code)

    def too_little_rest(self, a: tuple[int, int], b: tuple[int, int]) -> bool:
        """a = (day, shift) before b; days may be negative (history)."""
        sa, ea = a[0] * 1440 + self.shifts[a[1]]["start"], a[0] * 1440 + self.shifts[a[1]]["end"]
        sb = b[0] * 1440 + self.shifts[b[1]]["start"]
        return sb > sa and (sb - self.handover) - ea < self.rest

    def blocked(self, i: int, d: int, k: int) -> bool:
        if d in self.leave[i]:
            return True
        if not any(self.grade[i] >= s["grade"] for s in self.seats):
            return True
        s, e = d * 1440 + self.shifts[k]["start"], d * 1440 + self.shifts[k]["end"]
        for ev in self.sc.get("event", []):
            att = ev["attendees"]
            if not (att == "all" or (att == "leads" and self.lead[i]) or (isinstance(att, list) and self.staff[i]["id"] in att)):
                continue
            day = (dt.date.fromisoformat(ev["date"]) - self.dates[0]).days
            es, ee = clock(ev["start"]), clock(ev["end"])
            ee += 1440 if ee <= es else 0
            if day * 1440 + es < e and s < day * 1440 + ee:
                return True
        return any(h[0] == i and self.too_little_rest((h[1], h[2]), (d, k)) for h in self.history)

    def over_cover_cost(self, d: int, k: int) -> float:
        day = {"holiday": self.w["over_cover_holiday"], "weekend": self.w["over_cover_weekend"],
               "weekday": 1.0}[self.day_type(d)]
        return self.w["over_cover"] * day * (self.w["over_cover_night"] if self.shifts[k]["night"] else 1.0)


def integral_scale(values: list[float]) -> int:
    """CP-SAT's objective is integral: the least power of ten that makes every weight whole."""
    for scale in (1, 10, 100, 1000, 10000):
        if all(abs(v * scale - round(v * scale)) < 1e-9 for v in values):
            return scale
    raise SystemExit("weights need more than four decimals; CP-SAT's objective must be integral")


def build(m: Month):
    model = cp_model.CpModel()
    n, days, shifts = len(m.staff), m.days, len(m.shifts)
    x = {}
    for i in range(n):
        for d in range(days):
            for k in range(shifts):
                if not m.blocked(i, d, k):
                    x[i, d, k] = model.NewBoolVar(f"x{i}_{d}_{k}")

    def cells(i, ds, ks):
        return [x[i, d, k] for d in ds for k in ks if (i, d, k) in x]

    reach = (max(s["end"] for s in m.shifts) + m.rest + m.handover) // 1440 + 1
    for i in range(n):
        for d in range(days):
            model.AddAtMostOne(cells(i, [d], range(shifts)))  # ROSTER-ONE
            for k in range(shifts):  # ROSTER-REST
                if (i, d, k) not in x:
                    continue
                for d2 in range(d + 1, min(days, d + 1 + reach)):
                    later = [x[i, d2, k2] for k2 in range(shifts)
                             if (i, d2, k2) in x and m.too_little_rest((d, k), (d2, k2))]
                    if later:
                        model.AddAtMostOne([x[i, d, k]] + later)
    levels = sorted({s["grade"] for s in m.seats})
    mix = m.sc.get("mix", [])
    for d in range(days):
        for k in range(shifts):
            on = lambda who: sum(x[i, d, k] for i in range(n) if (i, d, k) in x and who(i))  # noqa: E731
            for g in levels:  # ROSTER-COVER
                need = sum(m.demand(d, k, s) for s in range(len(m.seats)) if m.seats[s]["grade"] >= g)
                if need:
                    model.Add(on(lambda i: m.grade[i] >= g) >= need)
            if m.leads_per_shift:  # ROSTER-LEAD
                model.Add(on(lambda i: m.lead[i]) >= m.leads_per_shift)
            minimums = {}
            for row in mix:  # ROSTER-GRADE
                if row["shift"] in ("*", m.shifts[k]["code"]):
                    g = GRADES[row["grade"]]
                    minimums[g] = max(minimums.get(g, 0), row["min"])
            if not mix:
                minimums = {GRADES["senior"]: 1}
            for g, least in minimums.items():
                if least:
                    model.Add(on(lambda i: m.grade[i] >= g) >= least)
    nights = [k for k in range(shifts) if m.shifts[k]["night"]]
    for i in range(n):  # ROSTER-CONSEC
        hist = [h for h in m.history if h[0] == i]
        for most, which in ((m.max_days, list(range(shifts))), (m.max_nights, nights)):
            if not which or most >= days + len(hist):
                continue
            for start in range(-most, days - most):
                window = range(start, start + most + 1)
                before = sum(1 for h in hist if h[1] in window and h[2] in which)
                inside = cells(i, [d for d in window if 0 <= d < days], which)
                if inside:
                    model.Add(sum(inside) + before <= most)
        total = sum(cells(i, range(days), range(shifts)))  # ROSTER-LOAD
        if m.max_shifts[i] < days:
            model.Add(total <= m.max_shifts[i])
        due = max(0, m.min_shifts[i] - len(m.leave[i]))
        if due:
            model.Add(total >= due)
    return model, x


def objective(m: Month, model, x):
    """The contract's objective, scaled to integers; returns (expression, scale, constant)."""
    n, days, shifts = len(m.staff), m.days, len(m.shifts)
    costs = [m.over_cover_cost(d, k) for d in range(days) for k in range(shifts)]
    weights = [m.w["fair_nights"], m.w["fair_weekends"]] + costs + [
        r.get("weight", 1.0) * m.w["request"] for r in m.sc.get("request", [])]
    scale = integral_scale(weights)
    terms, constant = [], 0
    for r in m.sc.get("request", []):
        i, d = m.staff_ix[r["staff"]], (dt.date.fromisoformat(r["date"]) - m.dates[0]).days
        c = round(r.get("weight", 1.0) * m.w["request"] * scale)
        if r.get("off"):
            terms += [c * v for v in [x.get((i, d, k)) for k in range(shifts)] if v is not None]
        else:
            v = x.get((i, d, m.shift_ix[r["shift"]]))
            constant += c
            if v is not None:
                terms.append(-c * v)
    weekend_days = [d for d in range(days) if m.day_type(d) != "weekday"]
    nights = [k for k in range(shifts) if m.shifts[k]["night"]]
    for job in sorted(set(m.job)):
        members = [i for i in range(n) if m.job[i] == job]
        for which, ds, ks, weight, p in (("n", range(days), nights, m.w["fair_nights"], 0),
                                         ("w", weekend_days, range(shifts), m.w["fair_weekends"], 1)):
            top = days + max(m.prior.get(i, (0, 0))[p] for i in members)
            hi, lo = model.NewIntVar(0, top, f"{job}{which}max"), model.NewIntVar(0, top, f"{job}{which}min")
            counts = []
            for i in members:
                count = model.NewIntVar(0, top, f"{job}{which}{i}")
                model.Add(count == sum(x[i, d, k] for d in ds for k in ks if (i, d, k) in x) + m.prior.get(i, (0, 0))[p])
                counts.append(count)
            # Exactly the max and min, not just bounds on them: a roster found before the end
            # (time limit) would otherwise report a spread above its own.
            model.AddMaxEquality(hi, counts)
            model.AddMinEquality(lo, counts)
            terms.append(round(weight * scale) * (hi - lo))
    for d in range(days):
        for k in range(shifts):
            demand = sum(m.demand(d, k, s) for s in range(len(m.seats)))
            c = round(m.over_cover_cost(d, k) * scale)
            terms += [c * x[i, d, k] for i in range(n) if (i, d, k) in x]
            constant -= c * demand
    return sum(terms) + constant, scale


def seat(m: Month, crew: list[int], d: int, k: int) -> dict[int, int]:
    """Seats for a shift's crew: the most demanding seat types first, each from the lowest
    grade that qualifies (the nested grades make this meet every demand the cover rows
    allow); people beyond the demand sit at the least demanding seat type they qualify for."""
    left = sorted(crew, key=lambda i: (m.grade[i], m.staff[i]["id"]))
    out = {}
    for s in sorted(range(len(m.seats)), key=lambda s: -m.seats[s]["grade"]):
        for _ in range(m.demand(d, k, s)):
            i = next(i for i in left if m.grade[i] >= m.seats[s]["grade"])
            left.remove(i)
            out[i] = s
    for i in left:
        out[i] = min((s for s in range(len(m.seats)) if m.grade[i] >= m.seats[s]["grade"]),
                     key=lambda s: (m.seats[s]["grade"], s))
    return out


def evaluate(m: Month, on: dict[tuple[int, int], int]) -> float:
    """The contract's objective of a roster (person, day) -> shift, from the roster alone, as
    `roster check --json` computes it: a second account beside CP-SAT's own."""
    total = 0.0
    for r in m.sc.get("request", []):
        i, d = m.staff_ix[r["staff"]], (dt.date.fromisoformat(r["date"]) - m.dates[0]).days
        met = (i, d) not in on if r.get("off") else on.get((i, d)) == m.shift_ix[r["shift"]]
        total += 0.0 if met else r.get("weight", 1.0) * m.w["request"]
    weekend_days = {d for d in range(m.days) if m.day_type(d) != "weekday"}
    for job in sorted(set(m.job)):
        members = [i for i in range(len(m.staff)) if m.job[i] == job]
        for p, weight, counts_here in ((0, m.w["fair_nights"], lambda d, k: m.shifts[k]["night"]),
                                       (1, m.w["fair_weekends"], lambda d, k: d in weekend_days)):
            counts = [sum(1 for (j, d), k in on.items() if j == i and counts_here(d, k)) + m.prior.get(i, (0, 0))[p]
                      for i in members]
            total += weight * (max(counts) - min(counts))
    crews: dict[tuple[int, int], int] = {}
    for (_, d), k in on.items():
        crews[d, k] = crews.get((d, k), 0) + 1
    for (d, k), heads in crews.items():
        extra = heads - sum(m.demand(d, k, s) for s in range(len(m.seats)))
        total += max(0, extra) * m.over_cover_cost(d, k)
    return total


class Timeline(cp_model.CpSolverSolutionCallback):
    """When each better roster came, with the bound at that moment."""

    def __init__(self, scale: int):
        super().__init__()
        self.scale, self.points, self.t0 = scale, [], time.monotonic()

    def on_solution_callback(self):
        self.points.append((time.monotonic() - self.t0, self.ObjectiveValue() / self.scale,
                            self.BestObjectiveBound() / self.scale))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--out", required=True)
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--workers", type=int, default=8,
                    help="CP-SAT search workers (default 8, its full portfolio; with 2 it ran without its LP workers and left tiny unproven)")
    args = ap.parse_args()
    t0 = time.monotonic()
    with open(args.scenario, "rb") as f:
        m = Month(tomllib.load(f))
    model, x = build(m)
    expr, scale = objective(m, model, x)
    model.Minimize(expr)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, args.time_limit - (time.monotonic() - t0))
    solver.parameters.num_search_workers = args.workers
    solver.parameters.random_seed = 0
    timeline = Timeline(scale)
    status = solver.Solve(model, timeline)
    seconds = time.monotonic() - t0
    built = seconds - solver.WallTime()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        print(json.dumps({"status": solver.StatusName(status).lower(), "seconds": seconds}))
        sys.exit(3 if status == cp_model.INFEASIBLE else 4)
    obj, bound = solver.ObjectiveValue() / scale, solver.BestObjectiveBound() / scale
    if scale == 1:  # integral weights: every roster's objective is an integer
        bound = float(math.ceil(bound - 1e-6))
    assignments = []
    for d in range(m.days):
        for k in range(len(m.shifts)):
            crew = [i for i in range(len(m.staff)) if (i, d, k) in x and solver.Value(x[i, d, k])]
            for i, s in sorted(seat(m, crew, d, k).items()):
                assignments.append({"staff": m.staff[i]["id"], "date": m.dates[d].isoformat(),
                                    "shift": m.shifts[k]["code"], "seat": m.seats[s]["code"]})
    on = {(i, d): k for (i, d, k), v in x.items() if solver.Value(v)}
    evaluated = evaluate(m, on)
    # Every term of the model is a function of x (the spreads are exact max/min since the
    # one-sided bounds of the first version let a roster found before the limit report a
    # spread above its own), so a difference here is a fault in this model: fail loudly.
    disagrees = abs(evaluated - obj) > 1e-6
    if disagrees:
        print(f"error: CP-SAT reports objective {obj:g}, its roster evaluates to {evaluated:g}", file=sys.stderr)
    optimal = status == cp_model.OPTIMAL
    roster = {"month": m.sc["month"], "assignments": assignments, "swaps": [],
              "solver": {"status": "optimal" if optimal else "time_limit", "objective": obj, "bound": bound,
                         "seconds": round(seconds, 3), "backend": f"cp-sat {ortools_version}"}}
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(roster, f, ensure_ascii=False)
    os.replace(tmp, args.out)
    within = next((t for t, o, _ in timeline.points if o - bound <= 0.01 * abs(o) + 1e-9), None)
    print(json.dumps({
        "status": "optimal" if optimal else "time_limit", "objective": obj, "roster_objective": evaluated,
        "bound": bound,
        "gap": 0.0 if obj == 0 else (obj - bound) / abs(obj), "seconds": round(seconds, 3),
        "model_seconds": round(built, 3),
        "first_roster_seconds": round(built + timeline.points[0][0], 3) if timeline.points else None,
        "within_1pct_seconds": round(built + within, 3) if within is not None else None,
        "variables": len(x), "constraints": len(model.Proto().constraints), "workers": args.workers,
    }))
    if disagrees:
        sys.exit(5)


if __name__ == "__main__":
    main()
