#!/usr/bin/env python3
"""Write the scenario files in scenarios/ (format: shared/CONTRACT.md, rules: RULES.md).

Deterministic: standard library only, one random.Random(20261201) drawn in a fixed order,
so running it twice gives byte-identical files.  Run from anywhere:

    python3 scripts/make_scenarios.py            # writes ../scenarios/*.toml

Before writing, every scenario is checked by arithmetic (see `check()`):

  * each person's most shifts in the month under ROSTER-REST/CONSEC (a small DP over the
    month that honours leave, history and events), capped by max_shifts, is >= min_shifts;
  * lead capacity: sum over leads of that cap >= shifts x days x leads_per_shift, and on
    every (day, shift) at least leads_per_shift leads are not on leave / in an event /
    blocked by history;
  * total person-shift capacity >= total demand, and per grade (people at or above a grade
    vs. seats that need it), per day and shift demand <= eligible staff;
  * the forced over-cover (sum of min_shifts - total demand) is printed, not asserted.

`infeasible-xmas.toml` is expected to FAIL the per-day lead check on 2026-12-25; the
generator asserts that it does.  Every file is re-read with tomllib.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import math
import pathlib
import random
import tomllib

RNG = random.Random(20261201)
ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "scenarios"

GRADES = {"junior": 0, "intermediate": 1, "senior": 2}

# --------------------------------------------------------------------------- names

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "芳 娜 敏 静 丽 艳 娟 霞 婷 雪 琳 倩 晶 颖 玲 燕 红 莉 洁 欣 悦 瑶 佳 蕾 萍 慧 梅 丹 宁 露 "
    "秀英 晓燕 海燕 丽华 春梅 雪梅 文静 佳怡 思雨 欣怡 梦琪 雨婷 晓丽 秀兰 桂芳 玉兰 淑珍 美玲 丽娟 "
    "晓梅 婉婷 诗涵 雅琴 晓红 慧敏 丹丹 莉莉 静怡 凤英 "
    "伟 强 磊 军 勇 杰 涛 斌 浩 鹏 超 明 刚 平 辉 亮 健 峰 帆 宇 "
    "志强 建华 建军 海涛 晓东 俊杰 文博 子豪 浩然 建国 国庆 立新 振华 永刚 晓明"
).split()


def make_names(n: int, fixed: list[str], taken: set[str] | None = None) -> list[str]:
    names = list(fixed)
    seen = set(names) | (taken or set())
    while len(names) < n:
        nm = RNG.choice(SURNAMES) + RNG.choice(GIVEN)
        if nm not in seen:
            seen.add(nm)
            names.append(nm)
    return names


# --------------------------------------------------------------------------- calendar helpers


def month_dates(month: str) -> list[dt.date]:
    y, m = map(int, month.split("-"))
    return [dt.date(y, m, d) for d in range(1, calendar.monthrange(y, m)[1] + 1)]


def day_type(d: dt.date, sc: dict) -> str:
    iso = d.isoformat()
    if iso in sc["calendar"]["holidays"]:
        return "holiday"
    if iso in sc["calendar"]["workdays"]:
        return "weekday"
    return "weekend" if d.weekday() >= 5 else "weekday"


def clock(s: str) -> int:
    h, m = map(int, s.split(":"))
    return h * 60 + m


def shift_window(sh: dict) -> tuple[int, int]:
    s, e = clock(sh["start"]), clock(sh["end"])
    if e <= s:
        e += 1440
    return s, e


def is_night(sh: dict) -> bool:
    if "night" in sh:
        return sh["night"]
    s, e = shift_window(sh)
    return any(max(s, m) < min(e, m + 300) for m in (0, 1440))


# --------------------------------------------------------------------------- Erlang C (for [traffic])


def erlang_c_sl(n: int, a: float, aht: float, t: float) -> float:
    if n <= a:
        return 0.0
    # Erlang B by recursion, then C.
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    c = n * b / (n - a * (1 - b))
    return 1 - c * math.exp(-(n - a) * t / aht)


def required_agents(calls: float, aht: float, tr: dict) -> int:
    if calls <= 0:
        return 0
    a = calls * aht / (tr["interval_minutes"] * 60)
    n = max(1, math.ceil(a))
    while not (erlang_c_sl(n, a, aht, tr["answer_seconds"]) >= tr["service_level"] and a / n <= tr["max_occupancy"]):
        n += 1
    return n


def scheduled_agents(calls: float, aht: float, tr: dict) -> int:
    return math.ceil(required_agents(calls, aht, tr) / (1 - tr["shrinkage"]) - 1e-9)


# Relative call volume by hour of day for a consumer telecom hotline: quiet night, steep
# ramp from 08:00, morning peak 09:30-11:30, lunch dip, afternoon peak 14:00-16:30,
# second smaller evening peak 19:00-21:00 after work, tailing off to midnight.
HOURLY_WEEKDAY = [0.45, 0.3, 0.22, 0.18, 0.18, 0.25, 0.55, 1.4, 3.4, 5.4, 6.0, 5.6, 4.2,
                  4.4, 5.3, 5.5, 5.0, 4.3, 3.8, 4.1, 3.9, 3.1, 2.0, 1.0]
HOURLY_WEEKEND = [0.5, 0.35, 0.25, 0.2, 0.2, 0.25, 0.45, 0.9, 2.0, 3.4, 4.3, 4.4, 3.9,
                  3.8, 4.1, 4.2, 4.0, 3.7, 3.5, 3.8, 3.7, 3.0, 2.0, 1.1]
HOURLY_HOLIDAY = [0.6, 0.4, 0.25, 0.2, 0.2, 0.2, 0.35, 0.7, 1.5, 2.6, 3.2, 3.3, 3.0,
                  2.9, 3.1, 3.2, 3.1, 2.9, 2.8, 3.1, 3.3, 2.9, 2.1, 1.3]


def half_hour_curve(hourly: list[float]) -> list[float]:
    """48 values, linearly interpolated between hour midpoints, normalised to sum 1."""
    out = []
    for i in range(48):
        x = i / 2 + 0.25 - 0.5  # centre of the half hour, relative to hour midpoints
        h0 = math.floor(x)
        f = x - h0
        v = hourly[h0 % 24] * (1 - f) + hourly[(h0 + 1) % 24] * f
        out.append(v)
    s = sum(out)
    return [v / s for v in out]


def traffic_table(daily: dict[str, tuple[float, float, float]], aht: dict, patience: dict) -> dict:
    """daily: seat -> (weekday, weekend, holiday) total calls a day."""
    tr = {
        "interval_minutes": 30,
        "service_level": 0.8,
        "answer_seconds": 20,
        "shrinkage": 0.15,
        "max_occupancy": 0.85,
        "queue": [],
    }
    curves = [half_hour_curve(h) for h in (HOURLY_WEEKDAY, HOURLY_WEEKEND, HOURLY_HOLIDAY)]
    for seat, totals in daily.items():
        q = {"seat": seat, "aht_seconds": aht[seat], "patience_seconds": patience[seat]}
        for key, total, curve in zip(("weekday", "weekend", "holiday"), totals, curves):
            if total is None:
                continue
            q[key] = [round(total * c, 1) for c in curve]
        tr["queue"].append(q)
    return tr


def traffic_vs_demand(sc: dict) -> list[str]:
    """Per shift and seat type: the most agents Erlang C schedules in any interval of the
    shift, against the [[demand]] heads.  Informational."""
    tr = sc.get("traffic")
    if not tr:
        return []
    lines = []
    for q in tr["queue"]:
        for key in ("weekday", "weekend", "holiday"):
            if key not in q:
                continue
            calls = q[key]
            parts = []
            for sh in sc["shift"]:
                s, e = shift_window(sh)
                need = 0
                for i in range(48):
                    t0 = i * 30
                    if any(s <= t0 + off < e for off in (0, 1440)):
                        need = max(need, scheduled_agents(calls[i], q["aht_seconds"], tr))
                dem = next((d[key] for d in sc["demand"] if d["shift"] == sh["code"] and d["seat"] == q["seat"]), 0)
                parts.append(f"{sh['code']} {need}/{dem}")
            lines.append(f"    traffic {q['seat']:>5} {key:<7} {sum(calls):6.0f} calls/day; peak scheduled/demand: " + ", ".join(parts))
    return lines


# --------------------------------------------------------------------------- feasibility arithmetic


class Infeasible(Exception):
    pass


def rest_ok(sc: dict, a: tuple[int, dict], b: tuple[int, dict]) -> bool:
    """a=(day index, shift), b later; ROSTER-REST."""
    rules = sc["rules"]
    rest = rules.get("min_rest_hours", 12) * 60
    hand = rules.get("handover_minutes", 10)
    sa, ea = shift_window(a[1])
    sb, _ = shift_window(b[1])
    ea += a[0] * 1440
    sb += b[0] * 1440
    return (sb - hand) - ea >= rest


def max_shifts_dp(sc: dict, blocked: list[set[str]], hist: dict[int, str]) -> int:
    """Most shifts one person can work in the month under ONE, REST, CONSEC given the
    shifts each day they may not take (leave/event) and their history (day index <0)."""
    rules = sc["rules"]
    maxd = rules.get("max_consecutive_days", 6)
    maxn = rules.get("max_consecutive_nights", 3)
    shifts = {s["code"]: s for s in sc["shift"]}
    days = len(blocked)
    # state: (last worked day index or None, last shift code, consecutive days, consecutive nights)
    # history → initial state
    cons = consn = 0
    last = None
    for d in sorted(hist):
        code = hist[d]
        if last is not None and last[0] == d - 1:
            cons += 1
        else:
            cons = 1
        if is_night(shifts[code]) and last is not None and last[0] == d - 1 and is_night(shifts[last[1]]):
            consn += 1
        else:
            consn = 1 if is_night(shifts[code]) else 0
        last = (d, code)
    if last is None or last[0] != -1:
        cons, consn_eff = 0, 0
    else:
        consn_eff = consn
    states = {(last, cons, consn_eff): 0}
    for day in range(days):
        nxt: dict = {}
        for (lst, c, cn), val in states.items():
            # off
            key = (lst, 0, 0)
            nxt[key] = max(nxt.get(key, -1), val)
            for code, sh in shifts.items():
                if code in blocked[day]:
                    continue
                worked_yesterday = lst is not None and lst[0] == day - 1
                nc = c + 1 if worked_yesterday else 1
                if nc > maxd:
                    continue
                night = is_night(sh)
                ncn = (cn + 1 if worked_yesterday and cn > 0 else 1) if night else 0
                if ncn > maxn:
                    continue
                if lst is not None and not rest_ok(sc, (lst[0], shifts[lst[1]]), (day, sh)):
                    continue
                key = ((day, code), nc, ncn)
                nxt[key] = max(nxt.get(key, -1), val + 1)
        # keep only states whose last shift can still matter (within 2 days)
        states = {}
        for (lst, c, cn), v in nxt.items():
            if lst is not None and lst[0] < day - 2:
                lst = None
            k = (lst, c, cn)
            states[k] = max(states.get(k, -1), v)
    return max(states.values())


def check(sc: dict, expect_infeasible: bool = False) -> list[str]:
    dates = month_dates(sc["month"])
    first = dates[0]
    shifts = sc["shift"]
    staff = sc["staff"]
    rules = sc["rules"]
    lps = rules.get("leads_per_shift", 1)
    dmin_default, dmax_default = rules.get("min_shifts", 0), rules.get("max_shifts", len(dates))
    leads = {s["id"] for s in staff if s.get("lead")} | {t["lead"] for t in sc["team"] if "lead" in t}
    idx = {d.isoformat(): i for i, d in enumerate(dates)}
    problems: list[str] = []
    lines: list[str] = []

    # blocked shifts per person per day (approved leave, events)
    blocked = {s["id"]: [set() for _ in dates] for s in staff}
    for lv in sc.get("leave", []):
        if lv.get("approved_by", "none") == "none":
            continue
        d = dt.date.fromisoformat(lv["from"])
        while d <= dt.date.fromisoformat(lv["to"]):
            if d.isoformat() in idx:
                blocked[lv["staff"]][idx[d.isoformat()]] |= {s["code"] for s in shifts}
            d += dt.timedelta(days=1)
    for ev in sc.get("event", []):
        att = ev["attendees"]
        ids = [s["id"] for s in staff] if att == "all" else sorted(leads) if att == "leads" else att
        es, ee = clock(ev["start"]), clock(ev["end"])
        ee = ee + 1440 if ee <= es else ee
        for sid in ids:
            for sh in shifts:
                s, e = shift_window(sh)
                if es < e and s < ee:
                    blocked[sid][idx[ev["date"]]].add(sh["code"])
    hist: dict[str, dict[int, str]] = {s["id"]: {} for s in staff}
    for h in sc.get("history", []):
        hist[h["staff"]][(dt.date.fromisoformat(h["date"]) - first).days] = h["shift"]
    # history blocks on day 1 (rest) – folded into the per-day lead check
    shift_by = {s["code"]: s for s in shifts}
    for sid, hh in hist.items():
        for hd, code in hh.items():
            for sh in shifts:
                if not rest_ok(sc, (hd, shift_by[code]), (0, sh)):
                    blocked[sid][0].add(sh["code"])

    cap = {}
    for s in staff:
        mn = s.get("min_shifts", dmin_default)
        mx = s.get("max_shifts", dmax_default)
        c = min(mx, max_shifts_dp(sc, blocked[s["id"]], hist[s["id"]]))
        cap[s["id"]] = c
        if c < mn:
            problems.append(f"{s['id']} can work at most {c} shifts but min_shifts is {mn}")

    # leads
    need_leads = len(shifts) * len(dates) * lps
    lead_cap = sum(cap[l] for l in leads)
    lines.append(f"    leads: {len(leads)}, lead-shifts needed {need_leads} "
                 f"({len(shifts)} shifts x {len(dates)} days x {lps}), capacity {lead_cap}")
    if lead_cap < need_leads:
        problems.append(f"lead capacity {lead_cap} < {need_leads}")
    for i, d in enumerate(dates):
        for sh in shifts:
            free = [l for l in leads if sh["code"] not in blocked[l][i]]
            if len(free) < lps:
                problems.append(f"ROSTER-LEAD: {d} {sh['code']}: only {len(free)} leads available")

    # demand
    demand_tab = {(x["shift"], x["seat"]): x for x in sc["demand"]}
    overrides = {(o["date"], o["shift"], o["seat"]): o["heads"] for o in sc.get("demand_override", [])}
    seats = {s["code"]: s for s in sc["seat"]}
    total = 0
    by_grade = {g: 0 for g in GRADES}  # seats needing at least grade g
    counts = {"weekday": 0, "weekend": 0, "holiday": 0}
    for i, d in enumerate(dates):
        dtp = day_type(d, sc)
        counts[dtp] += 1
        for sh in shifts:
            on = 0
            for seat in seats:
                x = demand_tab.get((sh["code"], seat))
                heads = x[dtp] if x else 0
                heads = overrides.get((d.isoformat(), sh["code"], seat), heads)
                on += heads
                total += heads
                by_grade[seats[seat]["min_grade"]] += heads
                elig = [s for s in staff if GRADES[s["grade"]] >= GRADES[seats[seat]["min_grade"]]
                        and sh["code"] not in blocked[s["id"]][i]]
                if len(elig) < heads:
                    problems.append(f"{d} {sh['code']} {seat}: demand {heads} > eligible {len(elig)}")
            avail = [s for s in staff if sh["code"] not in blocked[s["id"]][i]]
            if len(avail) < max(on, lps):
                problems.append(f"{d} {sh['code']}: demand {on} > available {len(avail)}")
    capacity = sum(cap.values())
    sum_min = sum(s.get("min_shifts", dmin_default) for s in staff)
    avg = capacity / len(staff)
    lines.append(f"    days: {counts['weekday']} weekday, {counts['weekend']} weekend, {counts['holiday']} holiday")
    lines.append(f"    demand: {total} person-shifts; capacity (min(max_shifts, rest/consec cap)) {capacity}; "
                 f"sum of min_shifts {sum_min}; forced over-cover >= {max(0, sum_min - total)}")
    lines.append(f"    demand / (staff x 19) = {total / (len(staff) * 19):.0%}; demand / capacity = {total / capacity:.0%}")
    if capacity < total:
        problems.append(f"capacity {capacity} < demand {total}")
    for g, rank in GRADES.items():
        need = sum(v for gg, v in by_grade.items() if GRADES[gg] >= rank)
        have = sum(cap[s["id"]] for s in staff if GRADES[s["grade"]] >= rank)
        lines.append(f"    seats needing >= {g}: {need}; capacity of staff >= {g}: {have}")
        if have < need:
            problems.append(f"grade {g}: capacity {have} < {need}")
    # grade mix (at or above), per shift: demand of seats qualifying + eligible staff
    for m in sc.get("mix", []):
        for sh in shifts:
            if m["shift"] not in ("*", sh["code"]):
                continue
            for i in range(len(dates)):
                elig = [s for s in staff if GRADES[s["grade"]] >= GRADES[m["grade"]]
                        and sh["code"] not in blocked[s["id"]][i]]
                if len(elig) < m["min"]:
                    problems.append(f"mix {m}: {dates[i]} {sh['code']} only {len(elig)}")
    lines += traffic_vs_demand(sc)
    if expect_infeasible:
        assert problems, "expected the scenario to be infeasible by arithmetic"
        lines.append("    EXPECTED INFEASIBLE: " + "; ".join(problems))
    else:
        if problems:
            raise Infeasible("\n".join(problems))
        lines.append("    arithmetic: feasible (necessary conditions hold)")
    return lines


# --------------------------------------------------------------------------- TOML writer


def tv(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        if v and all(isinstance(x, (int, float)) for x in v) and len(v) > 12:
            rows = [", ".join(tv(x) for x in v[i:i + 12]) for i in range(0, len(v), 12)]
            return "[\n    " + ",\n    ".join(rows) + ",\n]"
        return "[" + ", ".join(tv(x) for x in v) + "]"
    raise TypeError(v)


def table(name: str, d: dict, array: bool = False) -> str:
    head = f"[[{name}]]" if array else f"[{name}]"
    body = "".join(f"{k} = {tv(v)}\n" for k, v in d.items() if not isinstance(v, list) or not v or not isinstance(v[0], dict))
    return head + "\n" + body


def to_toml(sc: dict, header: str) -> str:
    out = ["\n".join("# " + l if l else "#" for l in header.strip("\n").split("\n")), ""]
    out.append(f"name = {tv(sc['name'])}\nmonth = {tv(sc['month'])}\n")
    out.append(table("rules", sc["rules"]))
    out.append(table("calendar", sc["calendar"]))
    sections = [("shift", "# Shifts (班次). A shift belongs to the day it starts."),
                ("seat", "# Seat types (座席): the lines, with the lowest grade that may sit them."),
                ("team", "# Teams (班组) and their leads (班长)."),
                ("staff", "# Staff (员工)."),
                ("demand", "# Seats to fill per shift and seat type, by day type."),
                ("demand_override", "# One-off demand on a date."),
                ("mix", "# ROSTER-GRADE: people at or above a grade on every shift."),
                ("leave", "# Approved leave (请假)."),
                ("request", "# Wishes: a day off, or a given shift."),
                ("event", "# Meetings (会议制度): attendees cannot work a shift overlapping the window."),
                ("history", "# The last shifts of the previous month (ROSTER-REST / ROSTER-CONSEC across the boundary).")]
    for key, comment in sections:
        rows = sc.get(key, [])
        if not rows:
            continue
        out.append(comment)
        for r in rows:
            out.append(table(key, r, array=True))
    out.append(table("weights", sc["weights"]))
    tr = sc.get("traffic")
    if tr:
        out.append("# Call traffic for `simulate` / `advise`: expected calls per 30-minute interval (00:00, 00:30, ...).")
        out.append(table("traffic", {k: v for k, v in tr.items() if k != "queue"}))
        for q in tr["queue"]:
            out.append(table("traffic.queue", q, array=True))
    return "\n".join(out)


# --------------------------------------------------------------------------- building blocks

SHIFTS3 = [
    {"code": "D", "name": "日班", "start": "08:00", "end": "16:00"},
    {"code": "E", "name": "中班", "start": "16:00", "end": "24:00"},
    {"code": "N", "name": "夜班", "start": "00:00", "end": "08:00", "night": True},
]
SEATS3 = [
    {"code": "189", "name": "业务受理", "min_grade": "junior"},
    {"code": "180", "name": "咨询投诉", "min_grade": "intermediate"},
    {"code": "96123", "name": "疑难专席", "min_grade": "senior"},
]
AHT = {"189": 180, "180": 300, "96123": 420}
PATIENCE = {"189": 120, "180": 180, "96123": 240}
WEIGHTS = {"request": 1, "fair_nights": 5, "fair_weekends": 5, "over_cover": 1}

# (weekday, weekend, holiday) heads per shift and seat type for the 45-person centre.
SEED_DEMAND = {
    ("D", "189"): (6, 5, 4), ("D", "180"): (4, 3, 2), ("D", "96123"): (1, 1, 1),
    ("E", "189"): (5, 4, 3), ("E", "180"): (3, 2, 2), ("E", "96123"): (1, 1, 1),
    ("N", "189"): (2, 1, 1), ("N", "180"): (1, 1, 1), ("N", "96123"): (0, 0, 0),
}
# Calls a day per queue (weekday, weekend, holiday), sized with Erlang C so that the
# demand above is roughly right: the peak interval of D/E needs 1-3 more agents than the
# demand, the shift average about the demand (see the printed summary).  ~3,000 calls a
# day would need about twice the staff of this 45-person centre.
SEED_CALLS = {"189": (1050, 700, 520), "180": (330, 220, 170), "96123": (60, 45, 35)}


def demand_rows(tab: dict) -> list[dict]:
    return [{"shift": sh, "seat": seat, "weekday": w, "weekend": we, "holiday": h}
            for (sh, seat), (w, we, h) in tab.items()]


def build_centre(n_teams: int, team_sizes: list[int], grades_per_team: list[dict], id_fmt: str,
                 fixed_names: list[str], deputy_teams: set[int], qa_count: int) -> tuple[list, list]:
    """Teams A.. and staff. grades_per_team[t] = {"senior": k, "intermediate": k, "junior": k};
    the first senior of each team is its lead; teams in deputy_teams get a second lead (副班长)."""
    total = sum(team_sizes)
    names = make_names(total, fixed_names)
    # leads get the fixed names first, then the rest in order
    staff, teams = [], []
    n = 0
    lead_names = names[:n_teams]
    other_names = names[n_teams:]
    qa_left = qa_count
    for t in range(n_teams):
        code = chr(ord("A") + t)
        g = grades_per_team[t]
        members = []
        for k in range(g["senior"]):
            n += 1
            sid = id_fmt.format(n)
            if k == 0:
                nm = lead_names[t]
                members.append({"id": sid, "name": nm, "grade": "senior", "team": code, "lead": True, "job": "agent"})
                teams.append({"code": code, "name": f"{code}班", "lead": sid})
            else:
                nm = other_names.pop(0)
                row = {"id": sid, "name": nm, "grade": "senior", "team": code, "job": "agent"}
                if k == 1 and t in deputy_teams:
                    row["lead"] = True
                members.append(row)
        for k in range(g["intermediate"]):
            n += 1
            row = {"id": id_fmt.format(n), "name": other_names.pop(0), "grade": "intermediate", "team": code, "job": "agent"}
            # the last intermediate of the last teams are quality inspectors (质检员)
            if k == g["intermediate"] - 1 and t >= n_teams - qa_count and qa_left > 0:
                row["job"] = "qa"
                qa_left -= 1
            members.append(row)
        for k in range(g["junior"]):
            n += 1
            members.append({"id": id_fmt.format(n), "name": other_names.pop(0), "grade": "junior", "team": code, "job": "agent"})
        staff += members
    assert len({s["name"] for s in staff}) == len(staff)
    return teams, staff


def lead_of(teams, staff, sid):
    team = next(s["team"] for s in staff if s["id"] == sid)
    return next(t["lead"] for t in teams if t["code"] == team)


def by_grade(staff, grade, lead=None):
    return [s["id"] for s in staff if s["grade"] == grade and (lead is None or bool(s.get("lead")) == lead)]


def history_rows(staff_ids: list[str], end: dt.date, patterns: list[str]) -> list[dict]:
    """patterns: strings over the 3 days before `end`+1, '.' = off, e.g. 'NND'."""
    rows = []
    for sid, pat in zip(staff_ids, patterns):
        for k, code in enumerate(pat):
            if code == ".":
                continue
            d = end - dt.timedelta(days=len(pat) - 1 - k)
            rows.append({"staff": sid, "date": d.isoformat(), "shift": code})
    return rows


# Three-day endings that respect ROSTER-REST (forward rotation N -> D -> E, a day off to go
# back) and leave day 1 open for most shifts.
HIST_PATTERNS = ["NNN", "DDD", "EEE", "DDE", "NDD", ".NN", "D.E", "NNE", ".DD", "E.N", "N.D", "DEE", "..E", "N..", ".EE"]


def traffic_for(calls: dict) -> dict:
    return traffic_table(calls, AHT, PATIENCE)


# --------------------------------------------------------------------------- 1. seed


def seed_centre():
    grades = [
        {"senior": 2, "intermediate": 3, "junior": 4},  # A: lead + deputy
        {"senior": 2, "intermediate": 3, "junior": 4},  # B: lead + senior
        {"senior": 2, "intermediate": 3, "junior": 4},  # C: lead + deputy
        {"senior": 2, "intermediate": 3, "junior": 4},  # D: lead + senior
        {"senior": 1, "intermediate": 3, "junior": 5},  # E: lead
    ]
    return build_centre(5, [9] * 5, grades, "S{:02d}", ["王芳", "李娜", "张伟", "刘洋", "陈静"],
                        deputy_teams={0, 2}, qa_count=2)


SEED_HEADER = """
客服部 2026年12月 — the centre of the seed document (客服部管理制度与岗位职责).

A telecom customer-service department of 45 people in 5 teams (班组 A-E), rostered for
December 2026 on three 8-hour shifts: D 日班 08:00-16:00, E 中班 16:00-24:00 and
N 夜班 00:00-08:00 (starts at midnight, belongs to the day it starts, a night shift).
Seat types: 189 业务受理 (junior and up), 180 咨询投诉 (intermediate and up),
96123 疑难专席 (senior only).  Grades: 9 senior (5 team leads 班长 + 2 deputy leads 副班长,
all `lead = true`, so ROSTER-LEAD can be met on all 93 shifts with rest), 15 intermediate
(2 of them quality inspectors 质检员, job "qa"), 21 junior.

Demand is sized so the month is feasible but not slack: see the numbers printed by
scripts/make_scenarios.py (demand = sum of min_shifts = 675 person-shifts, about 79 % of
45 x 19).  2027-01-01 is listed as a holiday although it is outside the month, on purpose.
Events: the weekly 班务会 (three named leads each Monday, so other leads cover D) and the
monthly all-agent meeting 全员业务代表会议 on the Friday before the 25th (2026-12-18).
Traffic: about 1,440 calls a weekday (mostly 189), Erlang-C sized to roughly the demand;
the busiest intervals are a little under-staffed, as usual with flat per-shift demand.

Generated by scripts/make_scenarios.py (seed 20261201) — edit the script, not this file.
"""


def make_seed() -> tuple[dict, list, list]:
    teams, staff = seed_centre()
    leads = [s["id"] for s in staff if s.get("lead")]
    team_leads = [t["lead"] for t in teams]
    juniors = by_grade(staff, "junior")
    inters = [s["id"] for s in staff if s["grade"] == "intermediate" and s["job"] == "agent"]
    seniors_plain = by_grade(staff, "senior", lead=False)
    agents = [s["id"] for s in staff if s["job"] == "agent" and not s.get("lead")]

    sc = {
        "name": "客服部 2026年12月",
        "month": "2026-12",
        "rules": {"min_rest_hours": 12, "handover_minutes": 10, "max_consecutive_days": 6,
                  "max_consecutive_nights": 3, "leads_per_shift": 1, "max_swaps_per_month": 2,
                  "swap_grade_gap": 0, "min_shifts": 15, "max_shifts": 23},
        "calendar": {"holidays": ["2027-01-01"], "workdays": []},
        "shift": SHIFTS3,
        "seat": SEATS3,
        "team": teams,
        "staff": staff,
        "demand": demand_rows(SEED_DEMAND),
        "demand_override": [{"date": "2026-12-31", "shift": "D", "seat": "189", "heads": 8}],
        "mix": [{"shift": "*", "grade": "senior", "min": 1},
                {"shift": "D", "grade": "intermediate", "min": 3}],
    }
    # Leave: <=1 day approved by the department head, longer by the centre director.
    j = RNG.sample(juniors, 4)
    i = RNG.sample(inters, 2)
    sc["leave"] = [
        {"id": "L1", "staff": j[0], "from": "2026-12-08", "to": "2026-12-08", "kind": "personal",
         "requested_at": "2026-11-24T09:30", "filed_by": j[0], "approved_by": "dept_head",
         "certificate": False, "emergency": False},
        {"id": "L2", "staff": i[0], "from": "2026-12-14", "to": "2026-12-17", "kind": "annual",
         "requested_at": "2026-11-10T14:00", "filed_by": i[0], "approved_by": "centre_director",
         "certificate": False, "emergency": False},
        # planned out-patient surgery; the team lead filed it for her (sick leave may be filed by another)
        {"id": "L3", "staff": j[1], "from": "2026-12-03", "to": "2026-12-04", "kind": "sick",
         "requested_at": "2026-11-27T16:20", "filed_by": lead_of(teams, staff, j[1]),
         "approved_by": "centre_director", "certificate": True, "emergency": False},
        {"id": "L4", "staff": seniors_plain[0], "from": "2026-12-22", "to": "2026-12-22", "kind": "personal",
         "requested_at": "2026-11-26T11:00", "filed_by": seniors_plain[0], "approved_by": "dept_head",
         "certificate": False, "emergency": False},
        {"id": "L5", "staff": j[2], "from": "2026-12-28", "to": "2026-12-30", "kind": "annual",
         "requested_at": "2026-11-18T10:15", "filed_by": j[2], "approved_by": "centre_director",
         "certificate": False, "emergency": False},
        {"id": "L6", "staff": leads[3], "from": "2026-12-11", "to": "2026-12-11", "kind": "personal",
         "requested_at": "2026-11-28T15:40", "filed_by": leads[3], "approved_by": "dept_head",
         "certificate": False, "emergency": False},
        {"id": "L7", "staff": i[1], "from": "2026-12-21", "to": "2026-12-21", "kind": "sick",
         "requested_at": "2026-11-30T08:45", "filed_by": i[1], "approved_by": "dept_head",
         "certificate": True, "emergency": False},
    ]
    on_leave = {(l["staff"]) for l in sc["leave"]}
    req_pool = [s for s in agents if s not in on_leave]
    rq = RNG.sample(req_pool, 10)
    sc["request"] = [
        {"staff": rq[0], "date": "2026-12-24", "off": True, "weight": 5},   # 平安夜
        {"staff": rq[1], "date": "2026-12-25", "off": True, "weight": 3},
        {"staff": rq[2], "date": "2026-12-31", "off": True, "weight": 5},   # 跨年夜
        {"staff": rq[3], "date": "2026-12-05", "off": True, "weight": 2},
        {"staff": rq[4], "date": "2026-12-12", "off": True, "weight": 4},   # 婚礼
        {"staff": rq[5], "date": "2026-12-09", "shift": "D", "weight": 2},
        {"staff": rq[6], "date": "2026-12-16", "shift": "D", "weight": 3},   # 夜校上课
        {"staff": rq[7], "date": "2026-12-20", "off": True, "weight": 1},
        {"staff": rq[8], "date": "2026-12-02", "shift": "D", "weight": 1},
        {"staff": rq[9], "date": "2026-12-26", "off": True, "weight": 4},
        {"staff": leads[1], "date": "2026-12-19", "off": True, "weight": 2},
    ]
    attendees = sorted(RNG.sample([a for a in agents if a not in on_leave], 6))
    sc["event"] = [
        {"name": "全员业务代表会议", "date": "2026-12-18", "start": "14:00", "end": "16:00", "attendees": attendees},
    ]
    for k, day in enumerate(["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]):
        trio = [team_leads[(k + m) % 5] for m in range(3)]
        sc["event"].append({"name": "班务会", "date": day, "start": "10:00", "end": "11:00", "attendees": trio})
    hist_people = [leads[0], leads[1], leads[2]] + RNG.sample([s["id"] for s in staff if not s.get("lead")], 12)
    sc["history"] = history_rows(hist_people, dt.date(2026, 11, 30), HIST_PATTERNS)
    sc["weights"] = dict(WEIGHTS)
    sc["traffic"] = traffic_for(SEED_CALLS)
    return sc, teams, staff


# --------------------------------------------------------------------------- 2. Spring Festival


HOLIDAY_HEADER = """
客服部 2027年2月 — the same centre (same 45 staff, ids and teams as seed-2026-12.toml)
in February 2027, the month of the Spring Festival (春节; 初一 = 2027-02-06, a Saturday).

ASSUMED holiday dates: the State Council's 2027 schedule was not available when this was
written, so the classic 7-day pattern 除夕..初六 is used: holidays 2027-02-05 (Fri) ..
2027-02-11 (Thu), make-up working days (调休上班) Sunday 2027-01-31 (outside the month,
listed for completeness) and Saturday 2027-02-13 (a weekday for demand).  Replace the
dates in scripts/make_scenarios.py when the official notice is known.

28-day month: min_shifts 13, max_shifts 21.  Holiday demand is lower (calls drop over the
festival); the first working day after it (2027-02-12) has extra D demand for the backlog.
Annual leave is taken around the festival (not on it: LEAVE-HOLIDAY), approved by the
centre director.  History: the last three days of January.

Generated by scripts/make_scenarios.py (seed 20261201) — edit the script, not this file.
"""


def make_holiday(teams, staff) -> dict:
    leads = [s["id"] for s in staff if s.get("lead")]
    team_leads = [t["lead"] for t in teams]
    agents = [s["id"] for s in staff if s["job"] == "agent" and not s.get("lead")]
    juniors = by_grade(staff, "junior")
    sc = {
        "name": "客服部 2027年2月 (春节)",
        "month": "2027-02",
        "rules": {"min_rest_hours": 12, "handover_minutes": 10, "max_consecutive_days": 6,
                  "max_consecutive_nights": 3, "leads_per_shift": 1, "max_swaps_per_month": 2,
                  "swap_grade_gap": 0, "min_shifts": 13, "max_shifts": 21},
        "calendar": {"holidays": [f"2027-02-{d:02d}" for d in range(5, 12)],
                     "workdays": ["2027-01-31", "2027-02-13"]},
        "shift": SHIFTS3, "seat": SEATS3, "team": teams, "staff": staff,
        "demand": demand_rows(SEED_DEMAND),
        "demand_override": [{"date": "2027-02-12", "shift": "D", "seat": "189", "heads": 8}],
        "mix": [{"shift": "*", "grade": "senior", "min": 1},
                {"shift": "D", "grade": "intermediate", "min": 3}],
    }
    pool = RNG.sample(agents, 6)
    leave_spans = [("2027-02-01", "2027-02-04"), ("2027-02-02", "2027-02-04"), ("2027-02-12", "2027-02-12"),
                   ("2027-02-15", "2027-02-18"), ("2027-02-15", "2027-02-17"), ("2027-02-01", "2027-02-03")]
    sc["leave"] = []
    for k, (sid, (a, b)) in enumerate(zip(pool, leave_spans)):
        days = (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days + 1
        sc["leave"].append({
            "id": f"L{k + 1}", "staff": sid, "from": a, "to": b, "kind": "annual",
            "requested_at": f"2027-01-{8 + 2 * k:02d}T10:00", "filed_by": sid,
            "approved_by": "centre_director" if days > 1 else "dept_head",
            "certificate": False, "emergency": False})
    # one sick leave of a lead, filed by the deputy
    sc["leave"].append({"id": "L7", "staff": leads[4], "from": "2027-02-22", "to": "2027-02-23", "kind": "sick",
                        "requested_at": "2027-01-29T17:00", "filed_by": leads[5], "approved_by": "centre_director",
                        "certificate": True, "emergency": False})
    on_leave = {l["staff"] for l in sc["leave"]}
    rq = RNG.sample([a for a in agents if a not in on_leave], 9)
    sc["request"] = [
        {"staff": rq[0], "date": "2027-02-05", "off": True, "weight": 5},   # 除夕 at home
        {"staff": rq[1], "date": "2027-02-05", "off": True, "weight": 5},
        {"staff": rq[2], "date": "2027-02-06", "off": True, "weight": 4},   # 初一
        {"staff": rq[3], "date": "2027-02-06", "off": True, "weight": 4},
        {"staff": rq[4], "date": "2027-02-14", "off": True, "weight": 3},   # 情人节
        {"staff": rq[5], "date": "2027-02-20", "off": True, "weight": 2},
        {"staff": rq[6], "date": "2027-02-09", "shift": "D", "weight": 2},
        {"staff": rq[7], "date": "2027-02-24", "shift": "D", "weight": 1},
        {"staff": rq[8], "date": "2027-02-13", "off": True, "weight": 2},
        {"staff": leads[2], "date": "2027-02-05", "off": True, "weight": 3},
    ]
    attendees = sorted(RNG.sample([a for a in agents if a not in on_leave], 6))
    # Friday before the 25th: 2027-02-19
    sc["event"] = [{"name": "全员业务代表会议", "date": "2027-02-19", "start": "14:00", "end": "16:00", "attendees": attendees}]
    for k, day in enumerate(["2027-02-01", "2027-02-15", "2027-02-22"]):  # no 班务会 in the festival week
        sc["event"].append({"name": "班务会", "date": day, "start": "10:00", "end": "11:00",
                            "attendees": [team_leads[(k + m) % 5] for m in range(3)]})
    hist_people = [leads[3], leads[4], leads[6]] + RNG.sample([s["id"] for s in staff if not s.get("lead")], 12)
    sc["history"] = history_rows(hist_people, dt.date(2027, 1, 31), HIST_PATTERNS[::-1])
    sc["weights"] = dict(WEIGHTS)
    sc["traffic"] = traffic_for(SEED_CALLS)
    assert dt.date(2027, 2, 19).weekday() == 4 and dt.date(2027, 2, 13).weekday() == 5
    return sc


# --------------------------------------------------------------------------- 3. large


LARGE_HEADER = """
Large centre, December 2026: 150 staff in 12 teams (A-L) on the seed's three shifts and
three seat types, to test the solver at scale.  12 team leads plus 4 deputy leads
(16 leads for 93 shifts), 30 senior, 50 intermediate (5 quality inspectors, job "qa"),
70 junior; demand is the seed's scaled by 3.3 (rounded), min_shifts 15, max_shifts 23.
Names are generated deterministically from surname and given-name lists (unique).
Traffic is the seed's scaled by 3.3.

Generated by scripts/make_scenarios.py (seed 20261201) — edit the script, not this file.
"""


def make_large() -> dict:
    sizes = [13] * 6 + [12] * 6
    seniors = [3] * 6 + [2] * 6          # 30: each team's lead first, then deputies/seniors
    inters = [5, 5] + [4] * 10          # 50
    grades = [{"senior": seniors[t], "intermediate": inters[t], "junior": sizes[t] - seniors[t] - inters[t]}
              for t in range(12)]
    assert sum(g["senior"] for g in grades) == 30 and sum(g["junior"] for g in grades) == 70
    teams, staff = build_centre(12, sizes, grades, "P{:03d}", [], deputy_teams={0, 3, 6, 9}, qa_count=5)
    leads = [s["id"] for s in staff if s.get("lead")]
    team_leads = [t["lead"] for t in teams]
    agents = [s["id"] for s in staff if s["job"] == "agent" and not s.get("lead")]
    demand = {k: tuple(round(3.3 * x) for x in v) for k, v in SEED_DEMAND.items()}
    sc = {
        "name": "客服中心 2026年12月 (150人)",
        "month": "2026-12",
        "rules": {"min_shifts": 15, "max_shifts": 23},
        "calendar": {"holidays": ["2027-01-01"], "workdays": []},
        "shift": SHIFTS3, "seat": SEATS3, "team": teams, "staff": staff,
        "demand": demand_rows(demand),
        "demand_override": [{"date": "2026-12-31", "shift": "D", "seat": "189", "heads": demand[("D", "189")][0] + 4},
                            {"date": "2026-12-24", "shift": "E", "seat": "189", "heads": demand[("E", "189")][0] + 2}],
        "mix": [{"shift": "*", "grade": "senior", "min": 2},
                {"shift": "D", "grade": "intermediate", "min": 10}],
    }
    dates = month_dates("2026-12")
    sc["leave"] = []
    who = RNG.sample(agents, 20)
    for k, sid in enumerate(who):
        kind = ["personal", "annual", "sick", "annual", "personal"][k % 5]
        length = {"personal": 1, "annual": RNG.randint(2, 5), "sick": RNG.randint(1, 3)}[kind]
        start = RNG.randint(0, len(dates) - length)
        a, b = dates[start], dates[start + length - 1]
        filed = sid if kind != "sick" or k % 2 else lead_of(teams, staff, sid)
        sc["leave"].append({
            "id": f"L{k + 1:02d}", "staff": sid, "from": a.isoformat(), "to": b.isoformat(), "kind": kind,
            "requested_at": f"2026-11-{RNG.randint(5, 29):02d}T{RNG.randint(8, 17):02d}:{RNG.choice(['00', '15', '30', '45'])}",
            "filed_by": filed, "approved_by": "centre_director" if length > 1 else "dept_head",
            "certificate": kind == "sick", "emergency": False})
    on_leave = {l["staff"] for l in sc["leave"]}
    sc["request"] = []
    for sid in RNG.sample([a for a in agents if a not in on_leave], 30):
        d = RNG.choice(dates)
        if RNG.random() < 0.7:
            sc["request"].append({"staff": sid, "date": d.isoformat(), "off": True, "weight": RNG.randint(1, 5)})
        else:
            sc["request"].append({"staff": sid, "date": d.isoformat(), "shift": "D", "weight": RNG.randint(1, 5)})
    sc["event"] = [{"name": "全员业务代表会议", "date": "2026-12-18", "start": "14:00", "end": "16:00",
                    "attendees": sorted(RNG.sample([a for a in agents if a not in on_leave], 20))}]
    for k, day in enumerate(["2026-12-07", "2026-12-14", "2026-12-21", "2026-12-28"]):
        sc["event"].append({"name": "班务会", "date": day, "start": "10:00", "end": "11:00",
                            "attendees": [team_leads[(3 * k + m) % 12] for m in range(4)]})
    hist_people = leads[:6] + RNG.sample([s["id"] for s in staff if not s.get("lead")], 34)
    pats = [HIST_PATTERNS[k % len(HIST_PATTERNS)] for k in range(40)]
    sc["history"] = history_rows(hist_people, dt.date(2026, 11, 30), pats)
    sc["weights"] = dict(WEIGHTS)
    sc["traffic"] = traffic_for({k: tuple(round(3.3 * x) for x in v) for k, v in SEED_CALLS.items()})
    return sc


# --------------------------------------------------------------------------- 4/5. tiny


TINY_HEADER = """
Tiny centre for fast tests, December 2026 (a whole month; the model is monthly).
8 staff in 2 teams, two 12-hour shifts: D 08:00-20:00 and N 20:00-08:00 (night).
Seat types 189 (junior and up) and 96123 (senior).  Demand on every day and shift:
one 189 seat and one 96123 seat, so each shift is a senior lead at 96123 plus one more.

Four leads (S01-S04, senior), two seniors who are not leads (S05-S06) and two juniors
(S07-S08).  Why four leads: with the default 12 h rest and 10 min handover, 12-hour
shifts allow only D -> N on consecutive days (D -> D, N -> N and N -> D leave 11 h 50 min),
so nobody works more than 2 days in 3 (at most 21 shifts); three leads could cover the
62 lead-shifts only with max_shifts 21 and a fully forced rotation.  The two non-lead
seniors let infeasible-xmas.toml fail on ROSTER-LEAD alone (they can still sit 96123 and
meet the senior grade mix when every lead is away).  min_shifts 0, max_shifts 20.

Generated by scripts/make_scenarios.py (seed 20261201) — edit the script, not this file.
"""

XMAS_HEADER = """
INFEASIBLE on purpose: tiny.toml, except that on 2026-12-25 all four leads are on
approved leave, so neither shift of that day can have a lead on duty (ROSTER-LEAD).
`roster solve` must exit 3 and name ROSTER-LEAD and 2026-12-25; seats and the grade mix
can still be met that day (S05/S06 are non-lead seniors), so ROSTER-LEAD is the only cause.
Everything else is identical to tiny.toml.

Generated by scripts/make_scenarios.py (seed 20261201) — edit the script, not this file.
"""


def make_tiny() -> dict:
    names = ["赵敏", "孙丽", "周强", "吴晓燕", "郑洁", "钱磊", "冯婷", "许亮"]
    staff = []
    for k, nm in enumerate(names):
        sid = f"S{k + 1:02d}"
        team = "A" if k in (0, 1, 4, 5) else "B"
        row = {"id": sid, "name": nm, "grade": "senior" if k < 6 else "junior", "team": team, "job": "agent"}
        if k < 4:
            row["lead"] = True
        staff.append(row)
    sc = {
        "name": "微型客服组 2026年12月",
        "month": "2026-12",
        "rules": {"min_shifts": 0, "max_shifts": 20},
        "calendar": {"holidays": [], "workdays": []},
        "shift": [{"code": "D", "name": "白班", "start": "08:00", "end": "20:00"},
                  {"code": "N", "name": "夜班", "start": "20:00", "end": "08:00"}],
        "seat": [{"code": "189", "name": "业务受理", "min_grade": "junior"},
                 {"code": "96123", "name": "疑难专席", "min_grade": "senior"}],
        "team": [{"code": "A", "name": "甲班", "lead": "S01"}, {"code": "B", "name": "乙班", "lead": "S03"}],
        "staff": staff,
        "demand": [{"shift": "D", "seat": "189", "weekday": 1, "weekend": 1, "holiday": 1},
                   {"shift": "D", "seat": "96123", "weekday": 1, "weekend": 1, "holiday": 1},
                   {"shift": "N", "seat": "189", "weekday": 1, "weekend": 1, "holiday": 1},
                   {"shift": "N", "seat": "96123", "weekday": 1, "weekend": 1, "holiday": 1}],
        "leave": [{"id": "L1", "staff": "S06", "from": "2026-12-10", "to": "2026-12-11", "kind": "annual",
                   "requested_at": "2026-11-20T10:00", "filed_by": "S06", "approved_by": "centre_director",
                   "certificate": False, "emergency": False}],
        "request": [{"staff": "S05", "date": "2026-12-24", "off": True, "weight": 5},
                    {"staff": "S07", "date": "2026-12-31", "off": True, "weight": 3},
                    {"staff": "S02", "date": "2026-12-05", "shift": "D", "weight": 2}],
        "history": [{"staff": "S01", "date": "2026-11-30", "shift": "N"},
                    {"staff": "S05", "date": "2026-11-30", "shift": "N"},
                    {"staff": "S02", "date": "2026-11-30", "shift": "D"},
                    {"staff": "S06", "date": "2026-11-30", "shift": "D"}],
        "weights": dict(WEIGHTS),
    }
    tr = traffic_table({"189": (110, 80, 60), "96123": (14, 10, 8)}, AHT, PATIENCE)
    sc["traffic"] = tr
    return sc


def make_xmas(tiny: dict) -> dict:
    sc = json.loads(json.dumps(tiny))
    sc["name"] = "微型客服组 2026年12月 (圣诞节班长全休, 不可行)"
    for k, sid in enumerate(["S01", "S02", "S03", "S04"]):
        sc["leave"].append({"id": f"X{k + 1}", "staff": sid, "from": "2026-12-25", "to": "2026-12-25",
                            "kind": "personal", "requested_at": f"2026-12-{10 + k:02d}T09:00", "filed_by": sid,
                            "approved_by": "dept_head", "certificate": False, "emergency": False})
    return sc

# --------------------------------------------------------------------------- 6. generated months (issue 14)


GENERATED_MONTHS = {"2026-12": ["2027-01-01"], "2027-01": ["2027-01-01"], "2027-03": []}

GENERATED_HEADER = """
Generated centre of {n} staff, seed {seed}: `python3 scripts/make_scenarios.py --staff {n}
--seed {seed} --out FILE` (issue 14's scaling study).  A month of the seed's kind: three
8-hour shifts D/E/N, seat types 189/180/96123, {teams} teams each with a senior lead (some
with a deputy lead), grades about 1/5 senior, 1/3 intermediate, the rest junior; job types
agent, qa (quality inspectors) and, from 90 staff, trainer; a few part-timers with their
own min/max shifts; approved leave, requests, team-lead meetings, an all-agent meeting, a
training and the previous month's last shifts.  Demand is the seed's shape scaled to
{load:.0%} of the staff's minimum shifts, so over-cover is forced, as in the seed month.
Feasible by the arithmetic of check() (necessary conditions), re-drawn if not.
Deterministic: the same size and seed give the same bytes.
"""


def make_generated(n: int, seed: int) -> dict:
    """A month of the seed's kind for n staff; draws from its own Random, so the fixed
    scenarios above never change.  Re-drawn (attempt 1, 2, ...) until check() passes."""
    for attempt in range(20):
        rng = random.Random(f"roster-generated/{n}/{seed}/{attempt}")
        sc = draw_generated(n, seed, rng)
        try:
            check(sc)
        except Infeasible:
            continue
        return sc
    raise Infeasible(f"no feasible draw for {n} staff, seed {seed} in 20 attempts")


def generated_names(n: int, rng: random.Random) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        nm = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if nm in seen:
            # two-character given names run out past ~9,000 staff; a numbered name keeps them unique
            nm = f"{nm}{len(names)}"
        seen.add(nm)
        names.append(nm)
    return names


def generated_staff(n: int, rng: random.Random) -> tuple[list, list]:
    n_teams = max(4, round(n / rng.uniform(9.0, 12.0)))
    sizes = [n // n_teams + (1 if t < n % n_teams else 0) for t in range(n_teams)]
    senior_share, inter_share = rng.uniform(0.17, 0.23), rng.uniform(0.30, 0.36)
    names = generated_names(n, rng)
    width = len(str(n))
    teams, staff = [], []
    for t, size in enumerate(sizes):
        code = "".join(chr(ord("A") + c) for c in divmod(t, 26)) if n_teams > 26 else chr(ord("A") + t)
        deputy = rng.random() < 0.35
        seniors = max(2 if deputy else 1, round(size * senior_share))
        inters = max(1, round(size * inter_share))
        for k in range(size):
            sid = f"G{len(staff) + 1:0{width}d}"
            grade = "senior" if k < seniors else "intermediate" if k < seniors + inters else "junior"
            row = {"id": sid, "name": names[len(staff)], "grade": grade, "team": code, "job": "agent"}
            if k == 0:
                row["lead"] = True
                teams.append({"code": code, "name": f"{code}班", "lead": sid})
            elif k == 1 and deputy:
                row["lead"] = True
            staff.append(row)
    # Job types: quality inspectors among intermediates, trainers among non-lead seniors.
    inters = [s for s in staff if s["grade"] == "intermediate"]
    for s in rng.sample(inters, max(1, round(len(inters) * 0.08))):
        s["job"] = "qa"
    plain_seniors = [s for s in staff if s["grade"] == "senior" and not s.get("lead")]
    if n >= 90 and plain_seniors:
        for s in rng.sample(plain_seniors, max(1, round(len(plain_seniors) * 0.1))):
            s["job"] = "trainer"
    # Part-timers: a few agents with their own, lower, load.
    agents = [s for s in staff if s["job"] == "agent" and not s.get("lead")]
    for s in rng.sample(agents, round(len(agents) * 0.05)):
        s["min_shifts"] = rng.randint(8, 10)
        s["max_shifts"] = s["min_shifts"] + rng.randint(3, 5)
    return teams, staff


def draw_generated(n: int, seed: int, rng: random.Random) -> dict:
    month = rng.choice(sorted(GENERATED_MONTHS))
    dates = month_dates(month)
    teams, staff = generated_staff(n, rng)
    ids = [s["id"] for s in staff]
    leads = [s["id"] for s in staff if s.get("lead")]
    team_leads = [t["lead"] for t in teams]
    agents = [s["id"] for s in staff if not s.get("lead")]
    min_shifts = rng.randint(14, 16)
    sc = {
        "name": f"客服中心 {month} ({n}人, 生成 {seed})",
        "month": month,
        "rules": {"min_shifts": min_shifts, "max_shifts": min_shifts + rng.randint(6, 8),
                  "leads_per_shift": max(1, n // 300)},
        "calendar": {"holidays": GENERATED_MONTHS[month], "workdays": []},
        "shift": SHIFTS3, "seat": SEATS3, "team": teams, "staff": staff,
    }
    sc["leave"] = []
    for k, sid in enumerate(rng.sample(ids, round(n * rng.uniform(0.08, 0.14)))):
        kind = rng.choice(["personal", "annual", "annual", "sick"])
        length = {"personal": 1, "annual": rng.randint(2, 5), "sick": rng.randint(1, 3)}[kind]
        start = rng.randint(0, len(dates) - length)
        filed = sid if kind != "sick" or rng.random() < 0.5 else lead_of(teams, staff, sid)
        sc["leave"].append({
            "id": f"L{k + 1:04d}", "staff": sid, "from": dates[start].isoformat(),
            "to": dates[start + length - 1].isoformat(), "kind": kind,
            "requested_at": f"{(dates[0] - dt.timedelta(days=rng.randint(3, 25))).isoformat()}T{rng.randint(8, 17):02d}:00",
            "filed_by": filed, "approved_by": "centre_director" if length > 1 else "dept_head",
            "certificate": kind == "sick", "emergency": False})
    leave_days = {}
    for lv in sc["leave"]:
        days = (dt.date.fromisoformat(lv["to"]) - dt.date.fromisoformat(lv["from"])).days + 1
        leave_days[lv["staff"]] = leave_days.get(lv["staff"], 0) + days
    due = sum(max(0, s.get("min_shifts", min_shifts) - leave_days.get(s["id"], 0)) for s in staff)
    # Demand: the seed's shape scaled so the month needs `load` of the staff's minimum shifts.
    load = rng.uniform(0.88, 0.98)
    counts = {"weekday": 0, "weekend": 0, "holiday": 0}
    for d in dates:
        counts[day_type(d, sc)] += 1
    base = sum(v[0] * counts["weekday"] + v[1] * counts["weekend"] + v[2] * counts["holiday"]
               for v in SEED_DEMAND.values())
    f = load * due / base
    demand = {k: tuple(round(f * x) for x in v) for k, v in SEED_DEMAND.items()}
    sc["demand"] = demand_rows(demand)
    busy = rng.choice(dates[1:])
    sc["demand_override"] = [{"date": busy.isoformat(), "shift": "D", "seat": "189",
                              "heads": demand[("D", "189")][0] + max(1, round(f))}]
    sc["mix"] = [{"shift": "*", "grade": "senior", "min": max(1, round(n / 75))},
                 {"shift": "D", "grade": "intermediate", "min": max(3, round(n / 15))}]
    on_leave = {l["staff"] for l in sc["leave"]}
    sc["request"] = []
    for sid in rng.sample([a for a in agents if a not in on_leave], round(len(agents) * rng.uniform(0.15, 0.25))):
        d = rng.choice(dates)
        if rng.random() < 0.7:
            sc["request"].append({"staff": sid, "date": d.isoformat(), "off": True, "weight": rng.randint(1, 5)})
        else:
            sc["request"].append({"staff": sid, "date": d.isoformat(), "shift": rng.choice(["D", "E"]),
                                  "weight": rng.randint(1, 5)})
    fridays = [d for d in dates if d.weekday() == 4 and d.day >= 14]
    present = [a for a in agents if a not in on_leave]
    sc["event"] = [{"name": "全员业务代表会议", "date": rng.choice(fridays).isoformat(), "start": "14:00",
                    "end": "16:00", "attendees": sorted(rng.sample(present, max(2, round(len(present) * 0.08))))},
                   {"name": "新业务培训", "date": rng.choice(dates[2:-2]).isoformat(), "start": "09:00",
                    "end": "12:00", "attendees": sorted(rng.sample(present, max(2, round(len(present) * 0.05))))}]
    for k, day in enumerate(d for d in dates if d.weekday() == 0):
        third = max(1, len(team_leads) // 3)
        sc["event"].append({"name": "班务会", "date": day.isoformat(), "start": "10:00", "end": "11:00",
                            "attendees": [team_leads[(third * k + m) % len(team_leads)] for m in range(third)]})
    people = rng.sample(leads, max(1, len(leads) // 3)) + rng.sample(agents, round(len(agents) * 0.25))
    pats = [rng.choice(HIST_PATTERNS) for _ in people]
    sc["history"] = history_rows(people, dates[0] - dt.timedelta(days=1), pats)
    sc["weights"] = dict(WEIGHTS)
    sc["traffic"] = traffic_for({k: tuple(round(f * x) for x in v) for k, v in SEED_CALLS.items()})
    sc["_load"] = load
    return sc


def write_generated(n: int, seed: int, out: pathlib.Path) -> None:
    sc = make_generated(n, seed)
    header = GENERATED_HEADER.format(n=n, seed=seed, teams=len(sc["team"]), load=sc.pop("_load"))
    text = to_toml(sc, header)
    parsed = tomllib.loads(text)
    assert parsed["month"] == sc["month"] and len(parsed["staff"]) == n
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    leads = sum(1 for s in sc["staff"] if s.get("lead"))
    jobs = sorted({s["job"] for s in sc["staff"]})
    print(f"{out}: {n} staff, {len(sc['team'])} teams, {leads} leads, jobs {jobs}, month {sc['month']}, "
          f"{len(sc['leave'])} leave, {len(sc['request'])} requests, {len(sc['event'])} events")


# --------------------------------------------------------------------------- main


def write(name: str, sc: dict, header: str, expect_infeasible: bool = False) -> None:
    text = to_toml(sc, header)
    parsed = tomllib.loads(text)  # syntax check; also round-trips the values
    assert parsed["month"] == sc["month"] and len(parsed["staff"]) == len(sc["staff"])
    path = OUT / name
    path.write_text(text, encoding="utf-8")
    teams = len(sc["team"])
    leads = sum(1 for s in sc["staff"] if s.get("lead"))
    grades = {g: sum(1 for s in sc["staff"] if s["grade"] == g) for g in GRADES}
    print(f"{path.relative_to(ROOT)}: {len(sc['staff'])} staff, {teams} teams, {leads} leads, "
          f"grades {grades}, {len(sc.get('leave', []))} leave, {len(sc.get('request', []))} requests, "
          f"{len(sc.get('event', []))} events, {len(sc.get('history', []))} history shifts")
    for line in check(parsed, expect_infeasible):
        print(line)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Write scenarios/*.toml, or one generated month.")
    ap.add_argument("--staff", type=int, help="generate one month of this many staff (with --seed, --out)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=pathlib.Path)
    args = ap.parse_args()
    if args.staff is not None or args.out is not None:
        if args.staff is None or args.out is None or args.staff < 20:
            ap.error("--staff N (at least 20) and --out FILE go together")
        write_generated(args.staff, args.seed, args.out)
        return
    OUT.mkdir(exist_ok=True)
    seed, teams, staff = make_seed()
    holiday = make_holiday(teams, staff)
    large = make_large()
    tiny = make_tiny()
    xmas = make_xmas(tiny)
    write("seed-2026-12.toml", seed, SEED_HEADER)
    write("holiday-2027-02.toml", holiday, HOLIDAY_HEADER)
    write("large-150.toml", large, LARGE_HEADER)
    write("tiny.toml", tiny, TINY_HEADER)
    write("infeasible-xmas.toml", xmas, XMAS_HEADER, expect_infeasible=True)


if __name__ == "__main__":
    main()
