#!/bin/sh
# Side by side in one run: roster's simulator (criterion bench, which also writes the
# month's input) and the same model in SimPy on that input. Needs `pip install simpy`.
set -e
cd "$(dirname "$0")/../.."
cargo bench --bench traffic 2>&1 | grep -E "month:|replications:|time:|SL"
python3 bench/simpy/sim.py target/traffic_month_input.json --replications "${SIMPY_REPLICATIONS:-2}"
