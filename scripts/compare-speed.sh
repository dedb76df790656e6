#!/usr/bin/env bash
# Times ec2plan against the CSV read floor and against DuckDB on one generated event log.
#
#   scripts/compare-speed.sh                        # 100,000 instances over 365 days (~2M rows)
#   INSTANCES=10000 DAYS=30 scripts/compare-speed.sh
#
# Steps:
#   1. builds target/release/ec2plan and the examples `generate` and `read_floor`;
#   2. generates the log (ec2plan::generate, seed $SEED) into $WORK/events.csv;
#   3. times, $RUNS times each (the median is reported, and the largest peak RSS):
#      (a) the read floor: the csv crate reading every record into one reused ByteRecord;
#          and the same with one hash-map lookup of the row's instance and an update of a
#          32-byte state per row (`read_floor --lookup`): the least a per-instance replay does;
#      (b) target/release/ec2plan simulate FILE --strategy on-demand --format csv;
#      (c) the same On-Demand compute cost in DuckDB SQL (window lead() per instance, joined
#          with pricing/on_demand.csv; scripts/duckdb_on_demand.py), with DuckDB's default
#          threads (one per core) and with one thread; DuckDB is installed from PyPI into
#          scripts/.venv on first use;
#   4. checks that DuckDB's compute_usd equals ec2plan's, and prints times, rows/s, MB/s,
#      peak RSS and the ratios ec2plan/read-floor and DuckDB/ec2plan.
#
# Peak memory comes from /usr/bin/time -v where it exists (unless NO_GNU_TIME=1), else from
# Python's resource.getrusage of the child. Wall time is measured around the whole process.
set -euo pipefail
cd "$(dirname "$0")/.."

INSTANCES=${INSTANCES:-100000}
DAYS=${DAYS:-365}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
WORK=${WORK:-target/compare-speed}
DUCKDB_VERSION=${DUCKDB_VERSION:-2.0.0}
VENV=scripts/.venv
mkdir -p "$WORK"
LOG="$WORK/events.csv"

echo "== machine"
cpuinfo() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'; }
echo "cpu: $(cpuinfo 'model name') (family $(cpuinfo 'cpu family'), model $(cpuinfo 'model'), $(cpuinfo 'cpu MHz') MHz, cache $(cpuinfo 'cache size')), nproc: $(nproc)"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== build"
cargo build --release --quiet --bin ec2plan --example generate --example read_floor

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import duckdb" 2>/dev/null; then
    echo "== installing duckdb $DUCKDB_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "duckdb==$DUCKDB_VERSION"
fi

# measure NAME COMMAND...: runs COMMAND with stdout to $WORK/NAME.out; sets SECONDS_TAKEN
# (wall), CPU_TAKEN (user + system seconds) and RSS_KB (peak resident set of the process).
measure() {
    local name=$1
    shift
    local started ended
    if [ -x /usr/bin/time ] && [ -z "${NO_GNU_TIME:-}" ]; then
        started=$(date +%s.%N)
        /usr/bin/time -v -o "$WORK/$name.time" "$@" >"$WORK/$name.out"
        ended=$(date +%s.%N)
        RSS_KB=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/$name.time")
        CPU_TAKEN=$(awk -F: '/(User|System) time \(seconds\)/ {s += $2} END {print s}' "$WORK/$name.time")
        SECONDS_TAKEN=$(echo "$ended - $started" | bc -l)
    else
        # Linux counts the pre-exec copy of the Python parent in the child's peak, so this
        # overstates small processes by Python's own size (about 10 MiB).
        read -r SECONDS_TAKEN CPU_TAKEN RSS_KB < <(python3 - "$WORK/$name.out" "$@" <<'PY'
import resource, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    started = time.perf_counter()
    subprocess.run(sys.argv[2:], stdout=out, check=True)
    elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{elapsed:.6f} {usage.ru_utime + usage.ru_stime:.6f} {usage.ru_maxrss}")
PY
)
    fi
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# bench NAME COMMAND...: measure RUNS times; sets MEDIAN_S, MEDIAN_CPU and PEAK_KB.
bench() {
    local name=$1
    shift
    local times=() cpus=() peak=0 i
    for ((i = 1; i <= RUNS; i++)); do
        measure "$name" "$@"
        times+=("$SECONDS_TAKEN")
        cpus+=("$CPU_TAKEN")
        [ "$RSS_KB" -gt "$peak" ] && peak=$RSS_KB
    done
    MEDIAN_S=$(median "${times[@]}")
    MEDIAN_CPU=$(median "${cpus[@]}")
    PEAK_KB=$peak
    printf '%-18s wall %s s, cpu %s s, peak RSS %.1f MiB (%s runs)\n' "$name" \
        "$(printf '%.3f ' "${times[@]}" | sed 's/ $//')" "$(printf '%.3f ' "${cpus[@]}" | sed 's/ $//')" \
        "$(echo "$PEAK_KB / 1024" | bc -l)" "$RUNS"
}

echo "== generate: $INSTANCES instances, $DAYS days, seed $SEED"
measure generate target/release/examples/generate --instances "$INSTANCES" --days "$DAYS" \
    --seed "$SEED" --out "$LOG" 2>/dev/null
BYTES=$(stat -c %s "$LOG")
ROWS=$(($(wc -l <"$LOG") - 1))
printf 'generated %s rows, %.1f MB in %.2f s (peak RSS %.1f MiB)\n' "$ROWS" \
    "$(echo "$BYTES / 1000000" | bc -l)" "$SECONDS_TAKEN" "$(echo "$RSS_KB / 1024" | bc -l)"

echo "== timings"
bench read-floor target/release/examples/read_floor "$LOG"
FLOOR_S=$MEDIAN_S FLOOR_CPU=$MEDIAN_CPU FLOOR_KB=$PEAK_KB
bench read-lookup target/release/examples/read_floor "$LOG" --lookup
LOOKUP_S=$MEDIAN_S LOOKUP_CPU=$MEDIAN_CPU LOOKUP_KB=$PEAK_KB
bench ec2plan target/release/ec2plan simulate "$LOG" --strategy on-demand --format csv
EC2_S=$MEDIAN_S EC2_CPU=$MEDIAN_CPU EC2_KB=$PEAK_KB
bench duckdb "$VENV/bin/python" scripts/duckdb_on_demand.py "$LOG" pricing/on_demand.csv
DUCK_S=$MEDIAN_S DUCK_CPU=$MEDIAN_CPU DUCK_KB=$PEAK_KB
DUCK_OUT=$(cat "$WORK/duckdb.out")
bench duckdb-1-thread "$VENV/bin/python" scripts/duckdb_on_demand.py "$LOG" pricing/on_demand.csv 1
DUCK1_S=$MEDIAN_S DUCK1_CPU=$MEDIAN_CPU DUCK1_KB=$PEAK_KB
DUCK1_OUT=$(cat "$WORK/duckdb-1-thread.out")

# column COLUMN: the on-demand row's value of COLUMN in ec2plan's --format csv summary.
column() {
    awk -F, -v want="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == want) c = i}
        $1 == "on-demand" {print $c}' "$WORK/ec2plan.out"
}
EC2_USD=$(column compute_usd)
EC2_SECONDS=$(column billed_instance_seconds)
DUCK_USD=$(echo "$DUCK_OUT" | sed -n 's/.*compute_usd=\([^ ]*\).*/\1/p')
DUCK_SECONDS=$(echo "$DUCK_OUT" | sed -n 's/.*billed_seconds=\([^ ]*\).*/\1/p')

echo "== results: medians; $ROWS rows, $(printf '%.1f' "$(echo "$BYTES / 1000000" | bc -l)") MB (MB = 10^6 bytes); rows/s and MB/s of wall time"
printf '%-26s %9s %9s %12s %8s %12s\n' "" "wall_s" "cpu_s" "rows/s" "MB/s" "peak_RSS_MiB"
row() { # NAME SECONDS CPU PEAK_KB
    printf '%-26s %9.3f %9.3f %12.0f %8.1f %12.1f\n' "$1" "$2" "$3" \
        "$(echo "$ROWS / $2" | bc -l)" "$(echo "$BYTES / 1000000 / $2" | bc -l)" "$(echo "$4 / 1024" | bc -l)"
}
row "(a) csv read floor" "$FLOOR_S" "$FLOOR_CPU" "$FLOOR_KB"
row "(a) + a lookup per row" "$LOOKUP_S" "$LOOKUP_CPU" "$LOOKUP_KB"
row "(b) ec2plan on-demand" "$EC2_S" "$EC2_CPU" "$EC2_KB"
row "(c) duckdb ($(nproc) threads)" "$DUCK_S" "$DUCK_CPU" "$DUCK_KB"
row "(c) duckdb (1 thread)" "$DUCK1_S" "$DUCK1_CPU" "$DUCK1_KB"
echo "duckdb query only (no Python start): $(echo "$DUCK_OUT" | sed -n 's/.*query_s=\([^ ]*\).*/\1/p') s default threads, $(echo "$DUCK1_OUT" | sed -n 's/.*query_s=\([^ ]*\).*/\1/p') s one thread (last run)"
# ratio A B: A / B to two decimals, or n/a when B is zero (CPU times too short to measure).
ratio() { if [ "$(echo "$2 > 0" | bc -l)" = 1 ]; then printf '%.2f' "$(echo "$1 / $2" | bc -l)"; else echo n/a; fi; }
echo "ratio ec2plan / read floor:      $(ratio "$EC2_S" "$FLOOR_S") wall, $(ratio "$EC2_CPU" "$FLOOR_CPU") cpu"
echo "ratio read+lookup / read floor:  $(ratio "$LOOKUP_S" "$FLOOR_S") wall"
echo "ratio duckdb / ec2plan:          $(ratio "$DUCK_S" "$EC2_S") wall, $(ratio "$DUCK_CPU" "$EC2_CPU") cpu" \
    "(1 thread: $(ratio "$DUCK1_S" "$EC2_S") wall, $(ratio "$DUCK1_CPU" "$EC2_CPU") cpu)"
echo "ratio duckdb / ec2plan peak RSS: $(ratio "$DUCK_KB" "$EC2_KB") (1 thread: $(ratio "$DUCK1_KB" "$EC2_KB"))"
echo "compute_usd: ec2plan $EC2_USD, duckdb $DUCK_USD; billed seconds: ec2plan $EC2_SECONDS, duckdb $DUCK_SECONDS"
if [ "$EC2_USD" = "$DUCK_USD" ] && [ "$EC2_SECONDS" = "$DUCK_SECONDS" ]; then
    echo "the two agree to the cent and to the second"
else
    echo "warning: the two disagree" >&2
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
