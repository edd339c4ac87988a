package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;

/**
 * An expert under the name the configuration gives it, for factories that fix their own name.
 *
 * @param name the configured name
 * @param inner the expert
 */
record RenamedExpert(String name, Expert inner) implements Expert, AutoCloseable {

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return inner.infer(input, ctx);
  }

  @Override
  public double canHandle(String task) {
    return inner.canHandle(task);
  }

  @Override
  public void close() {
    if (inner instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing expert '" + name + "'", e);
      }
    }
  }
}
