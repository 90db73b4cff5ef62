#!/usr/bin/env bash
# Before/after comparison of the connector's benchmarks, in one invocation (see README.md, "Before/after comparison").
#
#   benchmarks/compare.sh <before-checkout> <after-checkout>
#
# Builds the benchmark class path of each checkout (package + dependency:build-classpath, nothing installed), then runs
# the JMH rows of both alternately, ROUNDS times (per benchmark class: before, after), and the idle consumer of
# IdleScale (2 and 200 shards) of both in each round; prints one table of medians and ratios after ÷ before, also
# written to benchmarks/target/compare.md (raw JMH JSON and logs in benchmarks/target/compare-run/).
#
# Environment (all optional): ROUNDS (2), WARMUPS (3), ITERATIONS (4), ITERATION_SECONDS (2), BUILD (1; 0 reuses
# the class paths of an earlier run), IDLE (1; 0 skips the idle consumer), BENCHMARKS (the JMH classes, below),
# REPORT_ONLY (0; 1 prints the table again from the files of the last run, e.g. after editing ROW_MAP).
set -euo pipefail

# ---------------------------------------------------------------------------------------------------------------------
# Row mapping, before row => after row. A row is "<benchmark class> <param>=<value> ..." (params sorted by name), as
# the table prints it. Rows named alike in both checkouts need no line; rows left without a partner are listed under
# the table, they do not fail the run. Edit the right side when a benchmark's parameters change name or value: once the
# JVM-wide scheduler thread is gone, the two scheduler=thread rows map to the rows that run on the channel's context.
ROW_MAP='
ChannelProduceBenchmark aggregation=false scheduler=thread => ChannelProduceBenchmark aggregation=false
ChannelProduceBenchmark aggregation=true scheduler=thread => ChannelProduceBenchmark aggregation=true
'
# The JMH classes, each run as one JMH invocation per checkout and round.
BENCHMARKS="${BENCHMARKS:-ChannelProduceBenchmark EmitterProduceBenchmark ChannelConsumeBenchmark}"
# A row falls when after ÷ before is below this.
FLOOR=0.90
# The idle consumer is flagged when after adds more than this many threads over before (2 shards: 8-10 from run to run).
THREAD_TOLERANCE=2
# ---------------------------------------------------------------------------------------------------------------------

ROUNDS="${ROUNDS:-2}"
WARMUPS="${WARMUPS:-3}"
ITERATIONS="${ITERATIONS:-4}"
SECONDS_PER_ITERATION="${ITERATION_SECONDS:-2}"
BUILD="${BUILD:-1}"
IDLE="${IDLE:-1}"
REPORT_ONLY="${REPORT_ONLY:-0}"

if [ $# -ne 2 ]; then
    echo "usage: $0 <before-checkout> <after-checkout>" >&2
    exit 2
fi
BEFORE="$(cd "$1" && pwd)"
AFTER="$(cd "$2" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
RUN="$HERE/target/compare-run"
OUT="$HERE/target/compare.md"
started=$(date +%s)

log() { printf 'compare [%s]: %s\n' "$(date -u -d @$(($(date +%s) - started)) +%H:%M:%S)" "$*"; }

classpath_file() { echo "$1/benchmarks/target/compare-classpath.txt"; }

build() {
    local tree=$1 name=$2
    log "building the benchmark class path of $name ($tree)"
    # no install (the SNAPSHOT jars of ~/.m2 are shared); no formatting of the checkout's sources
    if ! (cd "$tree" && ./mvnw -B -Pbenchmarks -pl benchmarks -am package -DskipTests -Dformatter.skip=true \
        -Dimpsort.skip=true dependency:build-classpath -Dmdep.outputFile=target/compare-classpath.txt) \
        > "$RUN/build-$name.log" 2>&1; then
        tail -40 "$RUN/build-$name.log" >&2
        echo "compare: the build of $name failed, see $RUN/build-$name.log" >&2
        exit 1
    fi
}

java_cp() { echo "$1/benchmarks/target/classes:$(cat "$(classpath_file "$1")")"; }
load1() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }

jmh() {
    local tree=$1 side=$2 round=$3 benchmark=$4
    local json="$RUN/jmh-$side-$round-$benchmark.json"
    log "round $round, $side, $benchmark (load $(load1))"
    printf '%s\t%s\t%s\t%s\n' "$round" "$side" "$benchmark" "$(load1)" >> "$RUN/load.tsv"
    # the forks inherit the runner's JVM options (and add -Xms1g -Xmx1g from @Fork), as in BenchmarkSuite
    (cd "$RUN" && java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(java_cp "$tree")" \
        org.openjdk.jmh.Main "\\.$benchmark\\." -f 1 -wi "$WARMUPS" -i "$ITERATIONS" -w "${SECONDS_PER_ITERATION}s" \
        -r "${SECONDS_PER_ITERATION}s" -prof gc -rf json -rff "$json") > "$RUN/jmh-$side-$round-$benchmark.log" 2>&1 \
        || log "JMH exited with $? for $side $benchmark (see its log): its rows may be missing"
}

idle() {
    local tree=$1 side=$2 round=$3
    local dir="$RUN/idle-$side-$round"
    local emulators="$tree/node_modules"
    [ -d "$emulators" ] || emulators="$AFTER/node_modules"
    mkdir -p "$dir"
    log "round $round, $side, idle consumer on 2 and 200 shards (load $(load1))"
    printf '%s\t%s\t%s\t%s\n' "$round" "$side" "idle" "$(load1)" >> "$RUN/load.tsv"
    (cd "$dir" && java -Xmx2g -Demulators.dir="$emulators" -Dbasedir="$tree/benchmarks" \
        -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$(java_cp "$tree")" \
        io.smallrye.reactive.messaging.kinesis.benchmarks.BenchmarkSuite jmh=false e2e=false heap=false latency=false \
        kcl=false scale=true scale-small=2 scale-large=200) > "$dir/out.log" 2>&1 \
        || log "the idle run of $side failed with $? (see $dir/out.log)"
}

run_all() {
    rm -rf "$RUN"
    mkdir -p "$RUN"
    log "before = $BEFORE, after = $AFTER; run files in $RUN"
    local side tree round benchmark
    for side in before after; do
        tree=$BEFORE
        [ $side = after ] && tree=$AFTER
        if [ "$BUILD" = 1 ]; then
            build "$tree" $side
        elif [ ! -s "$(classpath_file "$tree")" ]; then
            echo "compare: BUILD=0 but $(classpath_file "$tree") is missing" >&2
            exit 1
        fi
        git -C "$tree" log -1 --format="%h %<(60,trunc)%s" > "$RUN/commit-$side.txt" 2>/dev/null \
            || echo "(not a git checkout)" > "$RUN/commit-$side.txt"
        (git -C "$tree" status --porcelain 2>/dev/null || true) | wc -l > "$RUN/dirty-$side.txt"
    done
    local built
    built=$(date +%s)
    for round in $(seq 1 "$ROUNDS"); do
        for benchmark in $BENCHMARKS; do
            jmh "$BEFORE" before "$round" "$benchmark"
            jmh "$AFTER" after "$round" "$benchmark"
        done
        if [ "$IDLE" = 1 ]; then
            idle "$BEFORE" before "$round"
            idle "$AFTER" after "$round"
        fi
    done
    printf '%s\n' "DATE=$(date -u '+%Y-%m-%d %H:%M UTC')" "BUILD_SECONDS=$((built - started))" "RUN_SECONDS=$(($(date +%s) - built))" "ROUNDS=$ROUNDS" \
        "WARMUPS=$WARMUPS" "ITERATIONS=$ITERATIONS" "SECONDS_PER_ITERATION=$SECONDS_PER_ITERATION" > "$RUN/settings.txt"
}

[ "$REPORT_ONLY" = 1 ] || run_all
[ -s "$RUN/settings.txt" ] || { echo "compare: no complete run in $RUN" >&2; exit 1; }

RUN="$RUN" OUT="$OUT" ROW_MAP="$ROW_MAP" FLOOR="$FLOOR" THREAD_TOLERANCE="$THREAD_TOLERANCE" BEFORE="$BEFORE" AFTER="$AFTER" python3 - <<'PY'
import glob, json, os, re, statistics, subprocess

env = dict(os.environ)
run, floor, tolerance = env["RUN"], float(env["FLOOR"]), int(env["THREAD_TOLERANCE"])
for line in open(os.path.join(run, "settings.txt")):
    if "=" in line:
        key, value = line.strip().split("=", 1)
        env[key] = value


def row_name(result):
    cls = result["benchmark"].rsplit(".", 2)[-2]
    params = result.get("params") or {}
    return " ".join([cls] + [f"{k}={params[k]}" for k in sorted(params)])


# jmh[side][row] = {"rounds": {round: [iteration scores]}, "alloc": [bytes/op per round]}
jmh = {"before": {}, "after": {}}
for path in sorted(glob.glob(os.path.join(run, "jmh-*.json"))):
    side, rnd = re.match(r".*/jmh-(before|after)-(\d+)-", path).groups()
    try:
        results = json.load(open(path))
    except ValueError:
        continue
    for r in results:
        entry = jmh[side].setdefault(row_name(r), {"rounds": {}, "alloc": []})
        entry["rounds"][int(rnd)] = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        alloc = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        if alloc:
            entry["alloc"].append(alloc["score"])

mapping = {}
for line in env["ROW_MAP"].splitlines():
    if "=>" in line:
        b, a = (" ".join(s.split()) for s in line.split("=>", 1))
        mapping[b] = a


def mad(xs):
    m = statistics.median(xs)
    return statistics.median([abs(x - m) for x in xs])


def fmt_rate(x):
    return f"{x / 1e6:.3f} M"


pairs, used_after = [], set()
for b in sorted(jmh["before"]):
    a = mapping.get(b, b)
    if a in jmh["after"]:
        pairs.append((b, a))
        used_after.add(a)
only_before = [b for b in sorted(jmh["before"]) if b not in {p[0] for p in pairs}]
only_after = [a for a in sorted(jmh["after"]) if a not in used_after]

lines = []
lines.append("| row (before → after when renamed) | before, records/s: median ± MAD | after | after ÷ before |"
             " per round | bytes/record before → after | |")
lines.append("|---|---:|---:|---:|---|---:|---|")
falls = 0
for b, a in pairs:
    eb, ea = jmh["before"][b], jmh["after"][a]
    xb = [x for r in eb["rounds"].values() for x in r]
    xa = [x for r in ea["rounds"].values() for x in r]
    mb, ma = statistics.median(xb), statistics.median(xa)
    ratio = ma / mb
    per_round = []
    for rnd in sorted(set(eb["rounds"]) & set(ea["rounds"])):
        per_round.append(f"{statistics.median(ea['rounds'][rnd]) / statistics.median(eb['rounds'][rnd]):.2f}")
    flag = ""
    if ratio < floor:
        falls += 1
        flag = f"**FALLS** (< {floor:.2f})"
        if any(float(p) >= floor for p in per_round):
            flag += ", not in every round"
    alloc = "n/a"
    if eb["alloc"] and ea["alloc"]:
        alloc = f"{statistics.median(eb['alloc']):,.0f} → {statistics.median(ea['alloc']):,.0f}"
    name = b if a == b else f"{b} → {a}"
    lines.append(f"| {name} | {fmt_rate(mb)} ± {100 * mad(xb) / mb:.1f} % | {fmt_rate(ma)} ± {100 * mad(xa) / ma:.1f} %"
                 f" | **{ratio:.2f}** | {', '.join(per_round)} | {alloc} | {flag} |")


def idle_results(side):
    out = {}
    pattern = re.compile(r">>> idle \| smallrye-kinesis, (\d+) shards: \+?(-?\d+) threads, \+?(-?[\d.]+) MiB heap,"
                         r" (\d+)% of a core")
    for log in sorted(glob.glob(os.path.join(run, f"idle-{side}-*", "out.log"))):
        for m in pattern.finditer(open(log, errors="replace").read()):
            shards = int(m.group(1))
            out.setdefault(shards, []).append((int(m.group(2)), float(m.group(3)), int(m.group(4))))
    return out


idle_b, idle_a = idle_results("before"), idle_results("after")
idle_lines = []
thread_flags = 0
if idle_b or idle_a:
    idle_lines.append("| idle consumer (ours, kinesalite), median of rounds | before | after | after − before |"
                      " per round (before; after) | |")
    idle_lines.append("|---|---:|---:|---:|---|---|")

    def med(rows, i):
        return statistics.median([r[i] for r in rows]) if rows else None

    for shards in sorted(set(idle_b) | set(idle_a)):
        rb, ra = idle_b.get(shards, []), idle_a.get(shards, [])
        for i, what, unit, fmt in ((0, "threads added", "", "{:.0f}"), (1, "heap added", " MiB", "{:.1f}"),
                                   (2, "JVM CPU while idle", " % of a core", "{:.0f}")):
            vb, va = med(rb, i), med(ra, i)
            show = lambda v: "n/a" if v is None else fmt.format(v) + unit
            diff = "n/a" if vb is None or va is None else ("{:+" + fmt[2:]).format(va - vb)
            rounds = "; ".join(", ".join(fmt.format(r[i]) for r in rows) or "-" for rows in (rb, ra))
            flag = ""
            if i == 0 and vb is not None and va is not None and va > vb + tolerance:
                thread_flags += 1
                flag = "**MORE THREADS**"
            idle_lines.append(f"| {shards} shards: {what} | {show(vb)} | {show(va)} | {diff} | {rounds} | {flag} |")
    if 2 in idle_a and 200 in idle_a:
        growth = med(idle_a[200], 0) - med(idle_a[2], 0)
        if growth > tolerance:
            thread_flags += 1
            idle_lines.append(f"| after: threads 2 → 200 shards | | {growth:+.0f} | | | **GROWS WITH SHARDS** |")


def read(name):
    try:
        return open(os.path.join(run, name)).read().strip()
    except OSError:
        return "?"


loads = [float(l.split("\t")[3]) for l in read("load.tsv").splitlines() if l.count("\t") == 3
         and re.match(r"^[\d.]+$", l.split("\t")[3])]
java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
header = [
    "# Before/after benchmark comparison",
    "",
    f"- finished: {env.get('DATE', '?')}; build"
    f" {int(env['BUILD_SECONDS'])} s, runs {int(env['RUN_SECONDS'])} s",
    f"- before: `{env['BEFORE']}` at {read('commit-before.txt')} ({read('dirty-before.txt')} uncommitted paths)",
    f"- after: `{env['AFTER']}` at {read('commit-after.txt')} ({read('dirty-after.txt')} uncommitted paths)",
    f"- machine: {os.cpu_count()} cores; {java[0] if java else 'java ?'}; load average (1 min) at the start of each"
    f" step: {min(loads):.1f} to {max(loads):.1f}" if loads else "- machine: load average unknown",
    f"- JMH: {env['ROUNDS']} rounds, alternating per benchmark class (before, after); per round and row 1 fork,"
    f" {env['WARMUPS']} warm-up + {env['ITERATIONS']} measured iterations of {env['SECONDS_PER_ITERATION']} s;"
    f" median ± median absolute deviation over the measured iterations of all rounds; per round = after ÷ before"
    f" of that round's medians; bytes/record = gc.alloc.rate.norm. A row falls when after ÷ before < {floor:.2f}.",
    "",
]
# the benchmarks' own threads make a load of about 1-2
if loads and max(loads) > (os.cpu_count() or 1) + 1:
    header += [f"**Warning: the load average reached {max(loads):.1f} on {os.cpu_count()} cores: other processes competed"
               f" for the CPU, so the rates and ratios below are mostly noise (bytes/record of the Channel rows stay"
               f" meaningful). Rerun on a quiet machine.**", ""]
text = "\n".join(header + lines)
if only_before or only_after:
    text += "\n\nRows without a partner (edit ROW_MAP at the top of benchmarks/compare.sh):\n"
    text += "".join(f"\n- before only: `{r}`" for r in only_before)
    text += "".join(f"\n- after only: `{r}`" for r in only_after)
if idle_lines:
    text += "\n\n" + "\n".join(idle_lines)
    text += ("\n\nIdle consumer: IdleScale through BenchmarkSuite (`scale=true kcl=false`), once per round and"
             " checkout; figures over the same JVM just before the consumer started; heap moves by about ±2 MiB"
             " from run to run. Threads are flagged when after adds more than"
             f" {tolerance} over before.")
text += (f"\n\nSummary: {len(pairs)} JMH rows compared, {falls} below {floor:.2f}; "
         f"{thread_flags} thread flags.\n")
print()
print(text)
os.makedirs(os.path.dirname(env["OUT"]), exist_ok=True)
open(env["OUT"], "w").write(text)
print(f"Written to {env['OUT']}")
PY
