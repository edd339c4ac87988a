package io.himoe.runtime.integration;

import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.RuntimeManager;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;

/** The request's decision: the one a router stored in the context, else a fresh one. */
final class Decisions {

  private Decisions() {}

  static RuntimeDecision of(RuntimeManager runtime, InputData input, Context ctx) {
    var stored = RuntimeDecision.of(ctx);
    if (stored.isPresent()) {
      return stored.get();
    }
    RuntimeDecision d = runtime.decide(input.toText());
    ctx.memory().put(RuntimeDecision.CONTEXT_KEY, d);
    return d;
  }
}
