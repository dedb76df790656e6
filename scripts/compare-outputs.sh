#!/usr/bin/env bash
# Compares two ec2plan binaries' outputs byte for byte: a speed change must not change
# a single one.
#
#   scripts/compare-outputs.sh OLD_BIN NEW_BIN
#   LOG=path/to/events.csv scripts/compare-outputs.sh OLD_BIN NEW_BIN
#
# Runs, with each binary:
#   - every scenarios/*.csv under `simulate --strategy all` in table, csv and json formats
#     (standard output, standard error and exit status each compared), and with `--out DIR`
#     (every file in the two directories compared, PNG charts included);
#   - the benchmark log ($LOG, default target/compare-speed/events.csv, made by
#     scripts/compare-speed.sh; skipped with a warning when absent) in `-f csv` under each
#     strategy: on-demand, reserved, spot, mixed and all.
# Prints one line per difference and exits 1 if there is any, 0 if every output matched.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 2 ]; then
    echo "usage: $0 OLD_BIN NEW_BIN" >&2
    exit 2
fi
OLD=$(realpath "$1")
NEW=$(realpath "$2")
LOG=${LOG:-target/compare-speed/events.csv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/compare-outputs.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

compared=0
differences=0

# run WHICH NAME ARGS...: runs binary WHICH (old or new) with ARGS, keeping its standard
# output, standard error and exit status under $WORK/WHICH/NAME.*.
run() {
    local which=$1 name=$2 bin
    shift 2
    bin=$OLD
    [ "$which" = new ] && bin=$NEW
    mkdir -p "$WORK/$which"
    local status=0
    "$bin" "$@" >"$WORK/$which/$name.stdout" 2>"$WORK/$which/$name.stderr" || status=$?
    echo "$status" >"$WORK/$which/$name.status"
}

# same NAME ARGS...: runs both binaries and compares the three outputs.
same() {
    local name=$1
    shift
    run old "$name" "$@"
    run new "$name" "$@"
    local part
    for part in stdout stderr status; do
        compared=$((compared + 1))
        if ! cmp -s "$WORK/old/$name.$part" "$WORK/new/$name.$part"; then
            differences=$((differences + 1))
            echo "DIFFERENT: $name ($part): ec2plan $*"
        fi
    done
}

for scenario in scenarios/*.csv; do
    base=$(basename "$scenario" .csv)
    for format in table csv json; do
        same "$base.$format" simulate "$scenario" --strategy all --format "$format" --quiet
    done
    # --out: the directory's name appears in nothing written, so each binary gets its own.
    for which in old new; do
        run "$which" "$base.out" simulate "$scenario" --strategy all --quiet --out "$WORK/out-$which/$base"
    done
    for part in stdout stderr status; do
        compared=$((compared + 1))
        old_text=$(sed "s#$WORK/out-old#OUT#g" "$WORK/old/$base.out.$part")
        new_text=$(sed "s#$WORK/out-new#OUT#g" "$WORK/new/$base.out.$part")
        if [ "$old_text" != "$new_text" ]; then
            differences=$((differences + 1))
            echo "DIFFERENT: $base --out ($part)"
        fi
    done
    files=$( (cd "$WORK/out-old/$base" 2>/dev/null && find . -type f; cd "$WORK/out-new/$base" 2>/dev/null && find . -type f) | sort -u)
    for file in $files; do
        compared=$((compared + 1))
        if ! cmp -s "$WORK/out-old/$base/$file" "$WORK/out-new/$base/$file"; then
            differences=$((differences + 1))
            echo "DIFFERENT: $base --out $file"
        fi
    done
    echo "$base: $(echo "$files" | wc -w) files in --out, 3 formats"
done

if [ -f "$LOG" ]; then
    for strategy in on-demand reserved spot mixed all; do
        same "log.$strategy" simulate "$LOG" --strategy "$strategy" --format csv --quiet
        echo "$LOG --strategy $strategy: compared"
    done
else
    echo "warning: $LOG is missing, so the benchmark log was not compared (scripts/compare-speed.sh makes it)" >&2
fi

echo "$compared outputs compared, $differences different"
[ "$differences" -eq 0 ]
