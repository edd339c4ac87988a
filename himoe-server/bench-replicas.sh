#!/bin/sh
# The replicas benchmark (docs/BENCHMARKS.md, "Replicas sharing PostgreSQL"): one replica on the
# embedded SQLite store, one and three replicas on PostgreSQL (the tests' embedded server), each a
# `himoe serve` process on loopback. Usage: himoe-server/bench-replicas.sh [SECONDS] [CONCURRENCY]
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
cd "$ROOT"
./mvnw -B -q -DskipTests -pl himoe-server -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
S="$ROOT/himoe-server/target"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -Dhimoe.bench=true \
  -cp "$S/test-classes:$S/classes:$(cat "$S/bench-classpath.txt")" \
  io.himoe.server.store.ReplicaBench "$@"
