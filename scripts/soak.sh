#!/usr/bin/env bash
# Soak test of the roster binary under stress (issue 10): solves beside a busy loop on the
# same core, SIGINT/SIGTERM at random moments, and concurrent writers on one roster file.
# Bounded: every part runs a fixed number of rounds and the whole script stops by itself
# after SOAK_SECONDS. Prints one summary table; exits 1 if anything crashed or was lost.
#
#   scripts/soak.sh                      # every part, defaults below
#   PARTS=writers scripts/soak.sh        # only the concurrent writers
#
# Settings (environment):
#   ROSTER        the binary              [target/debug/roster, built with `cargo build`]
#   SCENARIO      month for the solves    [scenarios/seed-2026-12.toml]
#   SMALL         month for the writers   [scenarios/tiny.toml]
#   PARTS         busy,signals,writers    [all three]
#   SOLVE_RUNS    solves beside a busy core                [4]
#   SOLVE_LIMIT   --time-limit of those solves, seconds    [20]
#   SIGNAL_RUNS   solves interrupted at a random moment     [6]
#   WRITER_ROUNDS rounds of concurrent swaps on one file    [20]
#   WRITERS       swaps launched at once per round          [4]
#   SOAK_SECONDS  hard stop for the whole script            [900]
#   SEED          seed of the random moments               [1]
set -u

cd "$(dirname "$0")/.."
ROSTER=${ROSTER:-target/debug/roster}
SCENARIO=${SCENARIO:-scenarios/seed-2026-12.toml}
SMALL=${SMALL:-scenarios/tiny.toml}
PARTS=${PARTS:-busy,signals,writers}
SOLVE_RUNS=${SOLVE_RUNS:-4}
SOLVE_LIMIT=${SOLVE_LIMIT:-20}
SIGNAL_RUNS=${SIGNAL_RUNS:-6}
WRITER_ROUNDS=${WRITER_ROUNDS:-20}
WRITERS=${WRITERS:-4}
SOAK_SECONDS=${SOAK_SECONDS:-900}
RANDOM=${SEED:-1}

for tool in jq taskset timeout; do
    command -v "$tool" >/dev/null || { echo "soak: needs $tool" >&2; exit 2; }
done
[ -x "$ROSTER" ] || { echo "soak: no binary at $ROSTER (run cargo build)" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/roster-soak.XXXXXX")
BUSY_PID=
cleanup() {
    [ -n "$BUSY_PID" ] && kill "$BUSY_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "soak: interrupted" >&2; exit 130' INT TERM
START=$SECONDS
time_left() { [ $((SECONDS - START)) -lt "$SOAK_SECONDS" ]; }

declare -A RUNS CODES LOST CRASHES
record() { # part exit-code
    RUNS[$1]=$((${RUNS[$1]:-0} + 1))
    CODES[$1]="${CODES[$1]:-} $2"
    # A signal the program did not handle, or a panic: 134 abort, 139 segfault, 101 panic.
    case $2 in 101 | 134 | 135 | 136 | 139) CRASHES[$1]=$((${CRASHES[$1]:-0} + 1)) ;; esac
}
crash_if_panicked() { # part stderr-file
    if grep -q "panicked" "$2"; then
        CRASHES[$1]=$((${CRASHES[$1]:-0} + 1))
        echo "soak: $1: panic: $(grep -m1 panicked "$2")" >&2
    fi
}
# No partial or stray file: an output is absent or a whole roster, and no temporary is left.
check_outputs() { # part dir scenario roster
    if ls -A "$2" | grep -q '\.tmp[0-9]'; then
        LOST[$1]=$((${LOST[$1]:-0} + 1))
        echo "soak: $1: temporary file left in $2" >&2
    fi
    if [ -e "$4" ] && ! jq -e .assignments "$4" >/dev/null 2>&1; then
        LOST[$1]=$((${LOST[$1]:-0} + 1))
        echo "soak: $1: $4 is not a whole roster" >&2
    fi
}

# Part 1: solves on core 0 beside a busy loop on the same core (the segfault of 10.8).
if [[ $PARTS == *busy* ]]; then
    taskset -c 0 bash -c 'while :; do :; done' &
    BUSY_PID=$!
    for i in $(seq "$SOLVE_RUNS"); do
        time_left || break
        d="$WORK/busy$i" && mkdir -p "$d"
        timeout -s KILL $((SOLVE_LIMIT + 60)) taskset -c 0 "$ROSTER" solve "$SCENARIO" \
            --time-limit "$SOLVE_LIMIT" --out "$d/r.json" >"$d/out" 2>"$d/err"
        code=$?
        record busy "$code"
        crash_if_panicked busy "$d/err"
        check_outputs busy "$d" "$SCENARIO" "$d/r.json"
    done
    kill "$BUSY_PID" 2>/dev/null
    wait "$BUSY_PID" 2>/dev/null
    BUSY_PID=
fi

# Part 2: SIGINT or SIGTERM at a random moment of a solve.
if [[ $PARTS == *signals* ]]; then
    for i in $(seq "$SIGNAL_RUNS"); do
        time_left || break
        d="$WORK/signal$i" && mkdir -p "$d"
        sig=$([ $((RANDOM % 2)) -eq 0 ] && echo INT || echo TERM)
        wait_ms=$((100 + RANDOM % 5000))
        "$ROSTER" solve "$SCENARIO" --time-limit "$SOLVE_LIMIT" --out "$d/r.json" \
            >"$d/out" 2>"$d/err" &
        pid=$!
        sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
        kill -s "$sig" "$pid" 2>/dev/null
        # Stopping takes at most a few seconds; a solve still running then is a hang.
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "soak: signals: SIG$sig after ${wait_ms} ms ignored for 10 s" >&2
            kill -s KILL "$pid" 2>/dev/null
        fi
        wait "$pid"
        code=$?
        record "signals-$sig" "$code"
        crash_if_panicked "signals-$sig" "$d/err"
        check_outputs "signals-$sig" "$d" "$SCENARIO" "$d/r.json"
    done
fi

# Part 3: WRITERS swaps launched at once on one roster file, WRITER_ROUNDS times; every swap
# that exits 0 ("wrote") must be in the file afterwards.
if [[ $PARTS == *writers* ]] && time_left; then
    base="$WORK/base.json"
    if ! "$ROSTER" solve "$SMALL" --out "$base" --time-limit 120 >/dev/null 2>"$WORK/base.err"; then
        echo "soak: writers: cannot solve $SMALL: $(cat "$WORK/base.err")" >&2
    else
        # Independent accepted swaps: each person in at most one of them.
        : >"$WORK/swaps"
        used=" "
        while read -r staff date; do
            [ "$(wc -l <"$WORK/swaps")" -ge "$WRITERS" ] && break
            [[ $used == *" $staff "* ]] && continue
            pick=$("$ROSTER" swap "$SMALL" "$base" --staff "$staff" --date "$date" --candidates --json 2>/dev/null |
                jq -r --arg used "$used" '.candidates[] | select((.returns | length) > 0)
                    | . as $c | select(($used | contains(" " + $c.staff + " ")) | not)
                    | "\(.staff) \(.returns[0].date)"' | head -n1)
            [ -z "$pick" ] && continue
            read -r with ret <<<"$pick"
            echo "$staff $date $with $ret" >>"$WORK/swaps"
            used="$used$staff $with "
        done < <(jq -r '.assignments[] | "\(.staff) \(.date)"' "$base")
        for round in $(seq "$WRITER_ROUNDS"); do
            time_left || break
            d="$WORK/writers$round" && mkdir -p "$d"
            cp "$base" "$d/r.json"
            n=0
            while read -r staff date with ret; do
                n=$((n + 1))
                "$ROSTER" swap "$SMALL" "$d/r.json" --staff "$staff" --date "$date" --with "$with" \
                    --return-date "$ret" --approved >"$d/out$n" 2>"$d/err$n" &
                echo "$! $staff $date $with" >>"$d/pids"
            done <"$WORK/swaps"
            k=0
            while read -r pid staff date with; do
                k=$((k + 1))
                wait "$pid"
                code=$?
                record writers "$code"
                crash_if_panicked writers "$d/err$k"
                if [ "$code" -eq 0 ] && ! jq -e --arg a "$staff" --arg b "$with" --arg d "$date" \
                    'any(.swaps[]; .a == $a and .b == $b and .date == $d)' "$d/r.json" >/dev/null; then
                    LOST[writers]=$((${LOST[writers]:-0} + 1))
                    echo "soak: writers: round $round: swap $staff->$with on $date acknowledged but lost" >&2
                fi
            done <"$d/pids"
            check_outputs writers "$d" "$SMALL" "$d/r.json"
        done
    fi
fi

# Summary.
printf '\n%-14s %5s  %-34s %6s %8s\n' part runs "exit codes seen (code×count)" lost crashes
bad=0
for part in $(printf '%s\n' "${!RUNS[@]}" | sort); do
    seen=$(tr ' ' '\n' <<<"${CODES[$part]}" | grep . | sort -n | uniq -c | awk '{printf "%s×%s ", $2, $1}')
    printf '%-14s %5s  %-34s %6s %8s\n' "$part" "${RUNS[$part]}" "$seen" "${LOST[$part]:-0}" "${CRASHES[$part]:-0}"
    bad=$((bad + ${LOST[$part]:-0} + ${CRASHES[$part]:-0}))
done
echo "elapsed $((SECONDS - START)) s (limit $SOAK_SECONDS s)"
[ "$bad" -eq 0 ]
