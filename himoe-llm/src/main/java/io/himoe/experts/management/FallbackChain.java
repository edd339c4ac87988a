package io.himoe.experts.management;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import io.himoe.shared.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordered fallback chain presented as one expert: the first expert answers; when it fails before
 * producing output, the next one does, and so on. Cancellation and the deadline end the chain at
 * once. When streaming, fallback is possible only before the first token: a failure after it is
 * reported as such, since the caller has already received part of an answer.
 */
public final class FallbackChain implements StreamingExpert {

  private final String name;
  private final List<Expert> chain;

  private FallbackChain(String name, List<Expert> chain) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("fallback chain name is empty");
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("fallback chain " + name + " has no experts");
    }
    this.name = name;
    this.chain = List.copyOf(chain);
  }

  /**
   * @param name the chain's expert name
   * @param chain the experts, first choice first
   * @return the chain
   */
  public static FallbackChain of(String name, List<? extends Expert> chain) {
    return new FallbackChain(name, List.copyOf(chain));
  }

  /**
   * @return the experts, in order
   */
  public List<Expert> chain() {
    return chain;
  }

  @Override
  public String name() {
    return name;
  }

  /** The best self-assessment in the chain, since the chain answers whatever its members can. */
  @Override
  public double canHandle(String task) {
    double best = 0;
    for (Expert e : chain) {
      best = Math.max(best, e.canHandle(task));
    }
    return best;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return run(input, ctx, null);
  }

  @Override
  public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
    return run(input, ctx, listener);
  }

  private ExpertOut run(InputData input, Context ctx, TokenListener listener) throws Exception {
    List<String> failures = new ArrayList<>();
    for (Expert e : chain) {
      ctx.checkAlive("fallback " + name);
      AtomicInteger delivered = new AtomicInteger();
      try {
        return call(e, input, ctx, listener, delivered);
      } catch (MoeError.Cancelled | MoeError.DeadlineExceeded stop) {
        throw stop;
      } catch (Exception failure) {
        if (delivered.get() > 0) {
          throw new MoeError.ExpertFailed(
              name,
              e.name()
                  + " failed after streaming "
                  + delivered.get()
                  + " tokens; no fallback once output has started ("
                  + failure.getMessage()
                  + ")");
        }
        failures.add(e.name() + ": " + failure.getMessage());
      }
    }
    throw new MoeError.ExpertFailed(
        name, "every expert in the chain failed: " + String.join("; ", failures));
  }

  private static ExpertOut call(
      Expert e, InputData input, Context ctx, TokenListener listener, AtomicInteger delivered)
      throws Exception {
    if (listener == null) {
      return e.infer(input, ctx);
    }
    TokenListener counting =
        t -> {
          delivered.incrementAndGet();
          listener.onToken(t);
        };
    if (e instanceof StreamingExpert s) {
      return s.stream(input, ctx, counting);
    }
    // A non-streaming expert streams its whole answer as one token.
    ExpertOut out = e.infer(input, ctx);
    counting.onToken(
        switch (out.value()) {
          case Value.Text t -> t.data();
          default -> out.value().toString();
        });
    return out;
  }

  @Override
  public String toString() {
    return "FallbackChain[" + name + ": " + chain.stream().map(Expert::name).toList() + "]";
  }
}
