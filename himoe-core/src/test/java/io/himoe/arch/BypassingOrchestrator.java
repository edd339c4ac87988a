package io.himoe.arch;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;

/** A deliberate violation, used to prove that the no-bypass rule catches one. */
final class BypassingOrchestrator {

  ExpertOut shortcut(Expert e, InputData x, Context c) throws Exception {
    return e.infer(x, c);
  }
}
