#!/bin/sh
# The gateway's time-to-first-token benchmark (docs/BENCHMARKS.md, "Gateway: time to first token"):
# streamed chat completions through `himoe serve`'s HTTP stack and against the same local streaming
# upstream called directly, at each concurrency, p50/p99 of TTFT and total latency.
# Usage: himoe-server/bench-gateway.sh [SECONDS_PER_CELL=10] [CONCURRENCIES=1,64]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
cd "$ROOT"
./mvnw -B -q -DskipTests -pl himoe-server -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
S="$ROOT/himoe-server/target"
uptime
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g \
  -cp "$S/test-classes:$S/classes:$(cat "$S/bench-classpath.txt")" \
  io.himoe.server.http.GatewayTtftBench "$@"
