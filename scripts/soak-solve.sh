#!/bin/sh
# Soak the solver under contention (issue 10.8): RUNS solves of SCENARIO pinned to one core
# beside a busy loop on the same core, each with --time-limit LIMIT; prints each exit code
# and a tally. Any exit other than 0 (roster) or 4 (none within the limit) is a failure,
# 139 a segfault. The busy loop is ended on exit, however the script ends.
#
#   scripts/soak-solve.sh [SCENARIO] [RUNS] [LIMIT] [BINARY]
#   scripts/soak-solve.sh scenarios/seed-2026-12.toml 17 20 target/release/roster
set -u
scenario=${1:-scenarios/seed-2026-12.toml}
runs=${2:-17}
limit=${3:-20}
bin=${4:-target/release/roster}
core=0
out=$(mktemp -d)

taskset -c "$core" sh -c 'while :; do :; done' &
busy=$!
trap 'kill "$busy" 2>/dev/null; rm -rf "$out"' EXIT INT TERM

bad=0
tally=""
i=1
while [ "$i" -le "$runs" ]; do
    taskset -c "$core" "$bin" solve "$scenario" --time-limit "$limit" --out "$out/r.json" \
        --json >"$out/stdout" 2>"$out/stderr"
    rc=$?
    status=$(grep -o '"status":"[a-z_]*"' "$out/stdout" | head -1)
    echo "run $i: exit $rc $status"
    case $rc in
        0 | 4) ;;
        *) bad=$((bad + 1)); cat "$out/stderr" ;;
    esac
    tally="$tally $rc"
    i=$((i + 1))
done
echo "exit codes:$tally"
echo "failures (not 0 or 4): $bad of $runs"
[ "$bad" -eq 0 ]
