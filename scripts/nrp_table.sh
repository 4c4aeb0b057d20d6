#!/usr/bin/env bash
# One row of the BENCHMARKS.md table for `roster nrp` on the Curtois & Qu benchmark:
#
#     scripts/nrp_table.sh N [LIMIT_SECONDS] [ROSTER_BINARY]
#
# solves InstanceN.txt (from $CURTOIS, default ../shared/benchmarks/curtois, else
# tests/data/curtois) once under /usr/bin/time and prints one Markdown row: status,
# objective, bound, gap, seconds, seconds to the best roster, peak memory, model size,
# the stage that found the roster and the bound's source, then the best-known value
# (best_known.csv) and the published Gurobi 10- and 60-minute results (SOURCE.md's
# source [O]). A run that finds no roster or fails is a row too, saying what
# happened. Run one row at a time on a quiet machine: rows are timings.
set -euo pipefail

n=${1:?usage: scripts/nrp_table.sh N [LIMIT_SECONDS] [ROSTER_BINARY]}
limit=${2:-600}
bin=${3:-target/release/roster}
dir=${CURTOIS:-../shared/benchmarks/curtois}
[ -f "$dir/Instance$n.txt" ] || dir=tests/data/curtois
file="$dir/Instance$n.txt"
[ -f "$file" ] || { echo "no $file" >&2; exit 2; }

# Gurobi at 10 and 60 minutes, instances 1-19, as ORProjects/NRP ComputationalResults
# tabulates them (SOURCE.md [O]); "-" where no result is published.
gurobi10=(- 607 828 1001 1716 1143 1950 1056 8995 439 4631 3443 4045 500410 1482 78144 3521 6149 7950 29968)
gurobi60=(- 607 828 1001 1716 1143 1950 1056 1323 439 4631 3443 4040 3109 1280 4964 3233 5851 4760 5420)
g10=${gurobi10[$n]:--}
g60=${gurobi60[$n]:--}
best=$(awk -F, -v i="Instance$n" '$1 == i { print ($5 == $6 ? $6 : $5 "-" $6) }' "$dir/best_known.csv")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
/usr/bin/time -f "%M" -o "$tmp/time" "$bin" nrp "$file" --time-limit "$limit" --json \
    >"$tmp/out" 2>"$tmp/err"
code=$?
set -e
peak_mb=$(( $(tail -1 "$tmp/time" | tr -dc '0-9') / 1024 ))

if [ "$code" -eq 0 ]; then
    jq -r --arg n "$n" --arg mem "$peak_mb MB" --arg best "$best" --arg g10 "$g10" --arg g60 "$g60" \
        '"| \($n) | \(.status) | \(.objective) | \(.bound // "none") | \(if .gap == null then "-" else "\(.gap * 10000 | round / 100) %" end) | \(.seconds * 10 | round / 10) | \(.seconds_to_best * 10 | round / 10) | \($mem) | \(.size.variables) / \(.size.constraints) | \(.found_by) | \(.bound_by) | \($best) | \($g10) | \($g60) |"' \
        "$tmp/out"
else
    why=$(tr '\n|' ' /' <"$tmp/err" | sed 's/ *$//')
    echo "| $n | exit $code: $why | - | - | - | - | - | $peak_mb MB | - | - | - | $best | $g10 | $g60 |"
fi
