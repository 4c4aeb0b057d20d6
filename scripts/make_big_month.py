#!/usr/bin/env python3
"""Write a centre k times the size of scenarios/large-150.toml (150·k staff) to a file of
your choosing, for the solver's scale tests (issue 10.12): k copies of its teams, staff,
leave, requests, events and history under new IDs and team codes, demand, mix minimums and
overrides times k. Deterministic: it copies the file, drawing nothing.
Not written to scenarios/: a 600-staff month is a large file for a test that needs it once.

    python3 scripts/make_big_month.py 4 /tmp/large-600.toml    # 600 staff
"""

from __future__ import annotations

import copy
import pathlib
import sys
import tomllib

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_scenarios as ms  # noqa: E402


def scaled(k: int) -> dict:
    base = tomllib.loads((ms.OUT / "large-150.toml").read_text(encoding="utf-8"))
    sc = {key: copy.deepcopy(v) for key, v in base.items()
          if key not in ("team", "staff", "leave", "request", "event", "history")}
    sc["name"] = f"客服中心 2026年12月 ({150 * k}人)"
    for key in ("team", "staff", "leave", "request", "event", "history"):
        sc[key] = []
    for c in range(k):
        ids = {s["id"]: f"{s['id']}x{c}" for s in base["staff"]}
        codes = {t["code"]: f"{t['code']}{c}" for t in base["team"]}
        for t in base["team"]:
            sc["team"].append({**t, "code": codes[t["code"]], "lead": ids[t["lead"]], "name": f"{codes[t['code']]}班"})
        for s in base["staff"]:
            sc["staff"].append({**s, "id": ids[s["id"]], "team": codes[s["team"]], "name": f"{s['name']}{c}"})
        for l in base.get("leave", []):
            filed = ids.get(l.get("filed_by", ""), l.get("filed_by"))
            sc["leave"].append({**l, "id": f"{l['id']}x{c}", "staff": ids[l["staff"]], "filed_by": filed})
        for r in base.get("request", []):
            sc["request"].append({**r, "staff": ids[r["staff"]]})
        for e in base.get("event", []):
            att = e["attendees"]
            att = [ids[a] for a in att] if isinstance(att, list) else att
            sc["event"].append({**e, "name": f"{e['name']}{c}", "attendees": att})
        for h in base.get("history", []):
            sc["history"].append({**h, "staff": ids[h["staff"]]})
    for d in sc["demand"]:
        for key in ("weekday", "weekend", "holiday"):
            d[key] *= k
    for o in sc.get("demand_override", []):
        o["heads"] *= k
    for m in sc.get("mix", []):
        m["min"] *= k
    return sc


def main() -> None:
    k, path = int(sys.argv[1]), pathlib.Path(sys.argv[2])
    sc = scaled(k)
    header = f"\n{150 * k}-staff centre: scenarios/large-150.toml times {k} (scripts/make_big_month.py).\n"
    text = ms.to_toml(sc, header)
    tomllib.loads(text)
    path.write_text(text, encoding="utf-8")
    print(f"{path}: {len(sc['staff'])} staff, {len(sc['team'])} teams")


if __name__ == "__main__":
    main()
