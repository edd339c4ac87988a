#!/bin/sh
# The gateway's time-to-first-token benchmark (docs/BENCHMARKS.md, "Gateway: time to first token"):
# streamed chat completions through `himoe serve`'s HTTP stack and against the same local streaming
# upstream called directly, at each concurrency and connection mode, p50/p99 of TTFT and total
# latency, CPU per request, GC pauses, JIT time and CPU per thread group. At concurrency 1 one
# client alternates direct and gateway requests after a JIT settle at concurrency 1
# (GatewayTtftBenchPaired).
# Usage: himoe-server/bench-gateway.sh [SECONDS_PER_ROUND=10] [CONCURRENCIES=1,64]
#          [MODES=close,keepalive] [MIN_REQUESTS=1000] [JVM_WARMUP_SECONDS=20]
# The bench's JVM (server and clients in one process) runs with the JVM options `./himoe serve`
# ships with (deploy/serve-jvm.options; until session 9 this script ran -Xmx1g, which ships
# nowhere); HIMOE_JAVA_OPTS replaces them, as it does for ./himoe (e.g. "-XX:+UseG1GC": a second
# collector on top of the file's is refused by the JVM); HIMOE_BENCH_JVM_OPTS adds JVM options.
# HIMOE_BENCH_JAR runs the bench against another build's server jar (e.g. a base build, to pair
# runs; default: this checkout's himoe-server/target/himoe.jar); HIMOE_BENCH_SKIP_BUILD=1 skips the
# build. The GC log of the run goes to himoe-server/target/bench-gateway-gc.log.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
cd "$ROOT"
if [ "${HIMOE_BENCH_SKIP_BUILD:-}" != 1 ]; then
  # The server jar holds every runtime dependency; the bench's own classes are the test classes.
  ./mvnw -B -o -q -DskipTests -Dspotless.check.skip=true -pl himoe-server -am package
fi
S="$ROOT/himoe-server/target"
JAR=${HIMOE_BENCH_JAR:-$S/himoe.jar}
uptime
if [ -n "${HIMOE_JAVA_OPTS+set}" ]; then SERVE_OPTS=""; else SERVE_OPTS="@$ROOT/deploy/serve-jvm.options"; fi
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" ${SERVE_OPTS:+"$SERVE_OPTS"} ${HIMOE_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED ${HIMOE_BENCH_JVM_OPTS:-} \
  "-Xlog:gc*:file=$S/bench-gateway-gc.log:uptime,level,tags" \
  -cp "$S/test-classes:$JAR" io.himoe.server.http.GatewayTtftBench "$@"
uptime
