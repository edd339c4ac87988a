#!/bin/sh
# Issue 16's benchmark (b) (docs/BENCHMARKS.md §14.4): chat completions through `himoe serve`'s HTTP
# stack to three equivalent llm experts on local upstreams (FaultyUpstream, in-process), at a fixed
# concurrency, in three runs: healthy; one upstream failing 20 % of calls and one slow at the tail,
# without re-route or hedging; the same faults with both. Prints one Markdown row per run: success
# rate, p50/p99/p99.9, errors by status, hedges and re-routes counted, CPU ms/request (the whole
# process: clients, server and upstreams), load average before -> after.
# Usage: himoe-server/bench-faults.sh [SECONDS_PER_RUN=180] [CONCURRENCY=16] [RUNS=healthy,faulty,protected]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
cd "$ROOT"
./mvnw -B -q -o -DskipTests -pl himoe-server -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
S="$ROOT/himoe-server/target"
echo "load before: $(uptime)"
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g \
  -Dhimoe.cache.dir="$S/bench-cache" \
  -cp "$S/test-classes:$S/classes:$(cat "$S/bench-classpath.txt")" \
  io.himoe.server.http.FaultBench "$@" 2>"$S/bench-faults.log"
echo "load after: $(uptime)"
echo "server log (access lines, warnings): $S/bench-faults.log"
