#!/bin/sh
# The gateway's time-to-first-token benchmark (docs/BENCHMARKS.md, "Gateway: time to first token"):
# streamed chat completions through `himoe serve`'s HTTP stack and against the same local streaming
# upstream called directly, at each concurrency and connection mode, p50/p99 of TTFT and total
# latency, CPU per request, GC pauses, JIT time and CPU per thread group.
# Usage: himoe-server/bench-gateway.sh [SECONDS_PER_ROUND=10] [CONCURRENCIES=1,64]
#          [MODES=close,keepalive] [MIN_REQUESTS=1000] [JVM_WARMUP_SECONDS=20]
# HIMOE_BENCH_JVM_OPTS adds JVM options (e.g. "-XX:+UseZGC" to compare collectors). The GC log of
# the run goes to himoe-server/target/bench-gateway-gc.log.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
cd "$ROOT"
./mvnw -B -q -DskipTests -pl himoe-server -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
S="$ROOT/himoe-server/target"
uptime
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g ${HIMOE_BENCH_JVM_OPTS:-} \
  "-Xlog:gc*:file=$S/bench-gateway-gc.log:uptime,level,tags" \
  -cp "$S/test-classes:$S/classes:$(cat "$S/bench-classpath.txt")" \
  io.himoe.server.http.GatewayTtftBench "$@"
uptime
