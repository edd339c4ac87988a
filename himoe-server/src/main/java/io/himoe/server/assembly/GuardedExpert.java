package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.LearningExpert;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TokenListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Adds a configured expert's limits around it: at most {@code max_instances} calls in flight (a
 * call waits for a free slot until the request's deadline), fallbacks tried in order when it fails,
 * and {@code cost_per_call} added to the cost of each of its own answers. The name and hints stay
 * the expert's own, so routing and traces are unchanged. Wrap with {@link #of}: a streaming expert
 * stays a streaming one.
 */
class GuardedExpert implements Expert {

  private final Expert inner;
  private final Semaphore slots;
  private final int maxInstances;
  private final List<Expert> fallbacks;
  private final double costPerCall;

  GuardedExpert(Expert inner, Integer maxInstances, List<Expert> fallbacks, double costPerCall) {
    this.inner = inner;
    this.maxInstances = maxInstances == null ? 0 : maxInstances;
    this.slots = maxInstances == null ? null : new Semaphore(maxInstances, true);
    this.fallbacks = List.copyOf(fallbacks);
    this.costPerCall = costPerCall;
  }

  /**
   * @param inner the configured expert
   * @param maxInstances calls in flight at most, or null for no limit
   * @param fallbacks tried in order when it fails
   * @param costPerCall cost units added to each of its own answers (0 for none)
   * @return the guarded expert; a {@link StreamingExpert} when {@code inner} is one
   */
  static GuardedExpert of(
      Expert inner, Integer maxInstances, List<Expert> fallbacks, double costPerCall) {
    return inner instanceof StreamingExpert
        ? new Streaming(inner, maxInstances, fallbacks, costPerCall)
        : new GuardedExpert(inner, maxInstances, fallbacks, costPerCall);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public double canHandle(String task) {
    return inner.canHandle(task);
  }

  @Override
  public Optional<LearningExpert> asLearning() {
    return inner.asLearning();
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
      return limited(() -> charged(inner.infer(input, ctx)), ctx);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception first) {
      return fallBack(first, input, ctx);
    }
  }

  /** Tries the fallbacks in order after the expert itself failed with {@code first}. */
  ExpertOut fallBack(Exception first, InputData input, Context ctx) throws Exception {
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

  /** Its own answer with {@code cost_per_call} added (fallbacks charge their own). */
  ExpertOut charged(ExpertOut out) {
    if (costPerCall == 0) {
      return out;
    }
    ExpertAux a = out.aux();
    return new ExpertOut(
        out.value(),
        new ExpertAux(a.latencyMs(), a.costUnits() + costPerCall, a.confidence(), a.traceId()));
  }

  /** Runs {@code call} within {@code max_instances}, waiting for a slot until the deadline. */
  ExpertOut limited(Callable<ExpertOut> call, Context ctx) throws Exception {
    if (slots == null) {
      return call.call();
    }
    if (!slots.tryAcquire(Math.max(0, ctx.remainingMs()), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "at capacity (max_instances=" + maxInstances + ") until the deadline");
    }
    try {
      return call.call();
    } finally {
      slots.release();
    }
  }

  /**
   * A guarded streaming expert: it streams like the expert it wraps. A failure before the first
   * token goes to the fallbacks (they answer whole); after it, the caller has seen part of the
   * answer, so the failure is reported rather than replaced by another expert's answer.
   */
  static final class Streaming extends GuardedExpert implements StreamingExpert {

    Streaming(Expert inner, Integer maxInstances, List<Expert> fallbacks, double costPerCall) {
      super(inner, maxInstances, fallbacks, costPerCall);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
      AtomicBoolean started = new AtomicBoolean();
      TokenListener counting =
          token -> {
            started.set(true);
            listener.onToken(token);
          };
      try {
        return limited(
            () -> charged(((StreamingExpert) inner()).stream(input, ctx, counting)), ctx);
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception first) {
        if (started.get()) {
          throw first;
        }
        return fallBack(first, input, ctx);
      }
    }
  }
}
