#!/bin/sh
# The learning-loop benchmark (docs/learning.md, "The loop over a replayed feedback stream"):
# CLINC150 queries as simulated users of a keyword primary with a neural shadow over ten knowledge
# experts, with and without shadow promotion and expert learning; quality per 500 requests.
# Usage: himoe-server/bench-loop.sh CLINC150_DIR [REQUESTS] [SEED] [PRIOR_WEIGHT] [RUN_PREFIX]   (runs under nice -n 10)
set -eu
if [ $# -lt 1 ] || [ ! -f "$1/train.jsonl" ]; then
  echo "usage: $0 CLINC150_DIR [REQUESTS=6000] [SEED=1] [PRIOR_WEIGHT=0.005] [RUN_PREFIX]" >&2
  echo "  CLINC150_DIR holds train.jsonl, val.jsonl and domains.json" >&2
  exit 2
fi
DATA=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
cd "$ROOT"
nice -n 10 ./mvnw -B -q -o -DskipTests -pl himoe-server -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
S="$ROOT/himoe-server/target"
uptime
exec nice -n 10 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx2g \
  -Dhimoe.cache.dir="$S/bench-cache" \
  -cp "$S/test-classes:$S/classes:$(cat "$S/bench-classpath.txt")" \
  io.himoe.server.loop.LoopStreamBench "$DATA" "${2:-6000}" "${3:-1}" "${4:-0.005}" "${5:-}"
