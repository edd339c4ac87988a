package io.himoe.it.arch;

import io.himoe.experts.llm.internal.CallScope;

/** A fixture for {@link ModuleBoundariesTest}: a class outside himoe-llm using its internals. */
final class ReachesIntoInternal {

  private ReachesIntoInternal() {}

  static Class<?> used() {
    return CallScope.class;
  }
}
