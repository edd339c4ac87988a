package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Adds a configured expert's limits around it: at most {@code max_instances} calls in flight (a
 * call waits for a free slot until the request's deadline), and fallbacks tried in order when it
 * fails. The name and hints stay the expert's own, so routing and traces are unchanged.
 */
final class GuardedExpert implements Expert {

  private final Expert inner;
  private final Semaphore slots;
  private final int maxInstances;
  private final List<Expert> fallbacks;

  GuardedExpert(Expert inner, Integer maxInstances, List<Expert> fallbacks) {
    this.inner = inner;
    this.maxInstances = maxInstances == null ? 0 : maxInstances;
    this.slots = maxInstances == null ? null : new Semaphore(maxInstances, true);
    this.fallbacks = List.copyOf(fallbacks);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public double canHandle(String task) {
    return inner.canHandle(task);
  }

  /**
   * @return the wrapped expert
   */
  Expert inner() {
    return inner;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    try {
      return limited(inner, input, ctx);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception first) {
      List<String> failures = new ArrayList<>();
      failures.add(inner.name() + ": " + first.getMessage());
      for (Expert fb : fallbacks) {
        ctx.checkAlive("fallback " + fb.name());
        try {
          return fb.infer(input, ctx);
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          failures.add(fb.name() + ": " + e.getMessage());
        }
      }
      if (fallbacks.isEmpty()) {
        throw first;
      }
      throw new IllegalStateException(
          "it and its fallbacks failed (" + String.join("; ", failures) + ")", first);
    }
  }

  private ExpertOut limited(Expert e, InputData input, Context ctx) throws Exception {
    if (slots == null) {
      return e.infer(input, ctx);
    }
    if (!slots.tryAcquire(Math.max(0, ctx.remainingMs()), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "at capacity (max_instances=" + maxInstances + ") until the deadline");
    }
    try {
      return e.infer(input, ctx);
    } finally {
      slots.release();
    }
  }
}
