# Sourced by ./mvnw, ./himoe and .ci/run: makes JAVA_HOME point at a JDK 25 or newer.
# Order: $JAVA_HOME if it is one; then JDKs in the usual install places; then `java` on the PATH.
# POSIX sh, so that ./mvnw (a /bin/sh script) can source it.

himoe_java_major() {
  "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
}

himoe_is_jdk25() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  major=$(himoe_java_major "$1")
  [ -n "$major" ] && [ "$major" -ge 25 ]
}

himoe_find_jdk25() {
  if [ -n "${JAVA_HOME:-}" ] && himoe_is_jdk25 "$JAVA_HOME"; then
    return 0
  fi
  for candidate in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/* \
    /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* \
    "$HOME"/.jdks/*; do
    if himoe_is_jdk25 "$candidate"; then
      JAVA_HOME=$candidate
      export JAVA_HOME
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if himoe_is_jdk25 "$candidate"; then
      JAVA_HOME=$candidate
      export JAVA_HOME
      return 0
    fi
  fi
  echo "Hi-MoE needs a JDK 25 or newer, and none was found." >&2
  if [ -n "${JAVA_HOME:-}" ]; then
    echo "JAVA_HOME=$JAVA_HOME is Java $(himoe_java_major "$JAVA_HOME")." >&2
  fi
  echo "Install one (e.g. Temurin 25) and set JAVA_HOME to it: export JAVA_HOME=/path/to/jdk-25" >&2
  return 1
}

himoe_find_jdk25 || exit 1
