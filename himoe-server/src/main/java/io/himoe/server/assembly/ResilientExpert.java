package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertAux;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TokenListener;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An expert behind its {@link ExpertGuard}, charging its configured {@code cost_per_call} on each
 * of its answers. The name and hints stay the expert's own, so routing and traces are unchanged; a
 * streaming expert stays a streaming one (retried only before its first token).
 */
class ResilientExpert implements Expert {

  private final Expert inner;
  private final ExpertGuard guard;
  private final double costPerCall;

  ResilientExpert(Expert inner, ExpertGuard guard, double costPerCall) {
    this.inner = inner;
    this.guard = guard;
    this.costPerCall = costPerCall;
  }

  /**
   * @param inner the expert (with its runtime mode and monitor)
   * @param guard its guard
   * @param costPerCall cost units added to each answer
   * @return the guarded expert; a {@link StreamingExpert} when {@code inner} is one
   */
  static ResilientExpert of(Expert inner, ExpertGuard guard, double costPerCall) {
    return inner instanceof StreamingExpert
        ? new Streaming(inner, guard, costPerCall)
        : new ResilientExpert(inner, guard, costPerCall);
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
  public java.util.Optional<io.himoe.experts.LearningExpert> asLearning() {
    return inner.asLearning();
  }

  ExpertGuard guard() {
    return guard;
  }

  Expert inner() {
    return inner;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return charged(guard.call(ctx, c -> inner.infer(input, c), () -> true));
  }

  ExpertOut charged(ExpertOut out) {
    if (costPerCall == 0) {
      return out;
    }
    ExpertAux a = out.aux();
    return new ExpertOut(
        out.value(),
        new ExpertAux(a.latencyMs(), a.costUnits() + costPerCall, a.confidence(), a.traceId()));
  }

  @Override
  public String toString() {
    return "Guarded[" + inner + "]";
  }

  /** The streaming form: tokens pass through the guard; no retry once one was sent. */
  static final class Streaming extends ResilientExpert implements StreamingExpert {

    Streaming(Expert inner, ExpertGuard guard, double costPerCall) {
      super(inner, guard, costPerCall);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
      AtomicBoolean started = new AtomicBoolean();
      TokenListener counting =
          token -> {
            started.set(true);
            listener.onToken(token);
          };
      return charged(
          guard()
              .call(
                  ctx,
                  c -> ((StreamingExpert) inner()).stream(input, c, counting),
                  () -> !started.get()));
    }
  }
}
