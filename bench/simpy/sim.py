#!/usr/bin/env python3
"""The traffic bench's month in SimPy, for a side-by-side speed comparison.

Same model as roster's simulator with the bench settings (benches/traffic.rs): per seat
type, Poisson arrivals with a rate constant within each interval; exponential handle
times; exponential patience handled lazily (a waiting call that an agent reaches after its
deadline counts as abandoned; calls still waiting at the horizon count as abandoned);
agent sessions from the roster taking calls first-come-first-served from their seat's
queue between session start and end; results per interval and seat type.

Setup:   pip install simpy
Input:   cargo bench --bench traffic   (writes target/traffic_month_input.json)
Run:     python3 bench/simpy/sim.py [INPUT] [--replications N]
It prints wall time per replication and extrapolates to 100 replications.
"""
import argparse
import json
import random
import time

import simpy


def replicate(inp, seed):
    rng = random.Random(seed)
    env = simpy.Environment()
    length = inp["interval_s"]
    n = inp["n_intervals"]
    horizon = n * length
    answer_s = inp["answer_s"]
    nq = len(inp["queues"])
    stores = [simpy.Store(env) for _ in range(nq)]
    # per cell: offered, answered, within, abandoned, wait_sum
    cells = [[0, 0, 0, 0, 0.0] for _ in range(n * nq)]
    counter = {"calls": 0}

    def arrivals(q, queue):
        calls = queue["calls"]
        patience = queue["patience_s"]
        t = 0.0
        i = 0
        while True:
            need = rng.expovariate(1.0)
            while i < n:
                rate = calls[i] / length
                end = (i + 1) * length
                mass = rate * (end - t)
                if need < mass:
                    t += need / rate
                    break
                need -= mass
                t = end
                i += 1
            if i >= n:
                return
            yield env.timeout(t - env.now)
            cell = i * nq + q
            cells[cell][0] += 1
            counter["calls"] += 1
            deadline = t + rng.expovariate(1.0 / patience) if patience else float("inf")
            stores[q].put((t, deadline, cell))

    def agent(a, mean):
        yield env.timeout(a["start_s"])
        store = stores[a["seat"]]
        end = min(a["end_s"], horizon)
        while env.now < end:
            get = store.get()
            stop = env.timeout(end - env.now)
            got = yield get | stop
            if get not in got:
                get.cancel()
                return
            arrival, deadline, cell = got[get]
            c = cells[cell]
            if deadline < env.now:
                c[3] += 1
                continue
            wait = env.now - arrival
            c[1] += 1
            c[4] += wait
            if wait <= answer_s:
                c[2] += 1
            yield env.timeout(rng.expovariate(1.0 / mean))

    for q, queue in enumerate(inp["queues"]):
        env.process(arrivals(q, queue))
    for a in inp["agents"]:
        mean = inp["queues"][a["seat"]]["handle"]["mean_s"]
        env.process(agent(a, mean))
    env.run(until=horizon)
    for store in stores:
        for _, _, cell in store.items:
            cells[cell][3] += 1
    return cells, counter["calls"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input", nargs="?", default="target/traffic_month_input.json")
    p.add_argument("--replications", type=int, default=2)
    a = p.parse_args()
    with open(a.input) as f:
        inp = json.load(f)
    nq = len(inp["queues"])
    start = time.perf_counter()
    total_calls = 0
    sums = [[0, 0] for _ in range(nq)]
    for r in range(a.replications):
        cells, calls = replicate(inp, 1000 + r)
        total_calls += calls
        for i, c in enumerate(cells):
            sums[i % nq][0] += c[0]
            sums[i % nq][1] += c[2]
    secs = time.perf_counter() - start
    per_rep = secs / a.replications
    print(f"simpy {simpy.__version__}: {a.replications} replications, {total_calls} calls "
          f"in {secs:.2f} s = {per_rep:.2f} s/replication, {total_calls / secs:,.0f} calls/s; "
          f"100 replications ≈ {per_rep * 100:.0f} s single-threaded "
          f"({per_rep * 50:.0f} s on 2 cores with perfect scaling)")
    for q in range(nq):
        off, within = sums[q]
        print(f"  {inp['queues'][q]['name']}: SL {within / max(off, 1):.3f}")


if __name__ == "__main__":
    main()
