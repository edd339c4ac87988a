#!/bin/sh
# The HTTP benchmark of issue 16 (docs/BENCHMARKS.md, "Requests under load"): `himoe serve` on the
# embedded default configuration, loaded with wrk (Debian package `wrk`) at 1/16/64/256
# connections on /healthz, /v1/route and chat completions answered by in-process experts (math,
# plan). Prints one Markdown row per run and the machine's load average before and after.
# Usage: himoe-server/bench-http.sh [SECONDS] [CONNECTIONS...]   (default: 10 s; 1 16 64 256)
# HIMOE_BENCH_TARGETS="healthz math" runs a subset (default: healthz route math plan);
# The server runs with the JVM options `./himoe serve` ships with (deploy/serve-jvm.options: since
# session 9 generational ZGC on the JVM's default heap; until then this script ran G1 with -Xmx1g,
# which ships nowhere). HIMOE_JAVA_OPTS replaces them, as it does for ./himoe (e.g. "-XX:+UseG1GC":
# a second collector on top of the file's is refused by the JVM); HIMOE_BENCH_JAVA_OPTS adds JVM
# options to either (e.g. a GC log, a JFR recording, -Xmx1g). HIMOE_BENCH_SERVER_LOG=FILE keeps the
# server's log (with its access lines: each request's server-side duration) in FILE.
# HIMOE_BENCH_JAR runs another server jar (to compare two builds back to back on a shared machine);
# HIMOE_BENCH_CPU_MS=N serves the default configuration with `budgets.cpu_ms: N` (every request
# metered on platform threads, docs/BENCHMARKS.md §14.5); HIMOE_BENCH_CONFIG=FILE serves that
# configuration instead of the embedded default (e.g. the default with shadows off, to measure them);
# The last two columns split out the CPU of the JIT's compiler threads and of the garbage
# collector's threads (from /proc/PID/task; a compiler thread that exits during a run is not counted).
# HIMOE_BENCH_WARMUP sets the uncounted warm-up before each run (default 15 s: the chat path needs
# its C2 compilations done before the measured run, or the CPU figure counts the JIT's work).
# HIMOE_BENCH_CLIENT_NICE=N runs the client (wrk) at nice N (default 0: the client at the
# server's priority, as the issue's goals were set). wrk shares the machine's cores with the
# server; at equal priority the OS preempts the server's carrier threads for wrk's and the requests
# queued to a preempted carrier wait with it — on 2 cores that, not the server's own work, was the
# chat's p99 (docs/BENCHMARKS.md §14.1, session 10). At 10 the server gets the CPU first, as with a
# client on another machine, but wrk then drives /healthz less hard, which flatters the ratio.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
DURATION=${1:-10}
WARMUP=${HIMOE_BENCH_WARMUP:-15}
CLIENT_NICE=${HIMOE_BENCH_CLIENT_NICE:-0}
[ $# -gt 0 ] && shift
CONNS=${*:-1 16 64 256}
command -v wrk >/dev/null || { echo "bench-http: wrk is missing (apt-get install wrk)" >&2; exit 1; }
JAR=${HIMOE_BENCH_JAR:-"$ROOT/himoe-server/target/himoe.jar"}
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q -DskipTests -pl himoe-server -am package)
WORK=$(mktemp -d)
PORT=${HIMOE_BENCH_PORT:-18916}
CONFIG=${HIMOE_BENCH_CONFIG:+--config $HIMOE_BENCH_CONFIG}
if [ -n "${HIMOE_BENCH_CPU_MS:-}" ]; then
  if [ -n "${HIMOE_BENCH_CONFIG:-}" ]; then cat "$HIMOE_BENCH_CONFIG"; else unzip -p "$JAR" io/himoe/server/default-config.yaml; fi |
    sed "s/^  deadline_ms: 2000\$/  deadline_ms: 2000\n  cpu_ms: $HIMOE_BENCH_CPU_MS/" >"$WORK/config.yaml"
  grep -q "cpu_ms: $HIMOE_BENCH_CPU_MS" "$WORK/config.yaml" || { echo "bench-http: no budgets in the default config" >&2; exit 1; }
  CONFIG="--config $WORK/config.yaml"
fi
# The JVM options `himoe serve` ships with (deploy/serve-jvm.options, as ./himoe reads them), or
# HIMOE_JAVA_OPTS instead when it is set, as ./himoe does; HIMOE_BENCH_JAVA_OPTS adds to either.
if [ -n "${HIMOE_JAVA_OPTS+set}" ]; then SERVE_OPTS=""; else SERVE_OPTS="@$ROOT/deploy/serve-jvm.options"; fi
# shellcheck disable=SC2086 # option lists
"$JAVA_HOME/bin/java" ${SERVE_OPTS:+"$SERVE_OPTS"} ${HIMOE_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED ${HIMOE_BENCH_JAVA_OPTS:-} -jar "$JAR" serve \
  --port "$PORT" --feedback-db "$WORK/feedback.db" $CONFIG >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true; [ -z "${HIMOE_BENCH_SERVER_LOG:-}" ] || cp "$WORK/server.log" "$HIMOE_BENCH_SERVER_LOG"; rm -rf "$WORK"' EXIT INT TERM
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 1
done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || { cat "$WORK/server.log" >&2; exit 1; }

post() { # name body: a wrk script that POSTs this JSON body
  cat >"$WORK/$1.lua" <<EOF
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$2]]
EOF
}
post route '{"input": "What is 12 * (7 + 5) - 3?"}'
post math '{"model": "main", "messages": [{"role": "user", "content": "What is 12 * (7 + 5) - 3?"}]}'
post plan '{"model": "main", "messages": [{"role": "user", "content": "Plan: 1. write the report 2. review the code 3. call the client"}]}'

echo "load before: $(uptime); client (wrk) at nice $CLIENT_NICE"
echo "| target | connections | requests/s | p50 | p99 | server CPU ms/request | non-2xx | of which JIT | of which GC |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
TICK=$(getconf CLK_TCK)
cpu_ticks() { # the server process's user + system CPU time, in clock ticks
  awk '{print $14 + $15}' "/proc/$SERVER/stat"
}
thread_ticks() { # ERE: CPU ticks of the server's threads whose name matches (JIT compilers, GC)
  for t in /proc/$SERVER/task/*; do
    n=$(cat "$t/comm" 2>/dev/null) || continue
    echo "$n" | grep -Eq "$1" && awk '{print $14 + $15}' "$t/stat" 2>/dev/null
  done | awk '{s += $1} END {print s + 0}'
}
JIT_THREADS='^C[12] Compiler'
GC_THREADS='^(GC Thread|G1 |Z[A-Z][a-z])'
per_request() { # ticks_after ticks_before requests: ms per request
  awk -v a="$1" -v b="$2" -v n="$3" -v t="$TICK" 'BEGIN {printf "%.3f", (n > 0) ? (a - b) * 1000 / t / n : 0}'
}
run() { # label path [script]
  for c in $CONNS; do
    # Two wrk threads (the machine has 2 cores); a connection per wrk thread at least.
    t=$([ "$c" -ge 2 ] && echo 2 || echo 1)
    # Warm-up (JIT, caches) is not counted.
    nice -n "$CLIENT_NICE" wrk -t"$t" -c"$c" -d"${WARMUP}s" ${3:+-s "$WORK/$3.lua"} "http://127.0.0.1:$PORT$2" >/dev/null 2>&1
    jit0=$(thread_ticks "$JIT_THREADS"); gc0=$(thread_ticks "$GC_THREADS")
    before=$(cpu_ticks)
    out=$(nice -n "$CLIENT_NICE" wrk -t"$t" -c"$c" -d"${DURATION}s" --latency ${3:+-s "$WORK/$3.lua"} \
      "http://127.0.0.1:$PORT$2")
    after=$(cpu_ticks)
    jit1=$(thread_ticks "$JIT_THREADS"); gc1=$(thread_ticks "$GC_THREADS")
    rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    total=$(echo "$out" | awk '/requests in/ {print $1}')
    # CPU per request: the server's CPU time over the run / the requests wrk completed (holds
    # better than requests/s on a machine shared with other work).
    cpu=$(per_request "$after" "$before" "$total")
    # Of it, the JIT's compiler threads (C2 is often still compiling the chat path after the
    # warm-up on a loaded machine) and the collector's threads (GC Thread, G1 ..., Z...).
    jit=$(per_request "$jit1" "$jit0" "$total")
    gc=$(per_request "$gc1" "$gc0" "$total")
    echo "| $1 | $c | $rps | $p50 | $p99 | $cpu | ${bad:-0} | $jit | $gc |"
  done
}
TARGETS=${HIMOE_BENCH_TARGETS:-healthz route math plan}
for target in $TARGETS; do
  case $target in
    healthz) run "GET /healthz" /healthz ;;
    route) run "POST /v1/route" /v1/route route ;;
    math) run "chat (math)" /v1/chat/completions math ;;
    plan) run "chat (plan)" /v1/chat/completions plan ;;
    *) echo "bench-http: unknown target $target (healthz route math plan)" >&2; exit 1 ;;
  esac
done
echo "load after: $(uptime)"
