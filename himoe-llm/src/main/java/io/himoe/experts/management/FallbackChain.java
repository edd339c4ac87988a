package io.himoe.experts.management;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.TokenListener;
import io.himoe.shared.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An ordered fallback chain presented as one expert: the first expert answers; when it fails before
 * producing output, the next one does, and so on. Cancellation and the deadline end the chain at
 * once. When streaming, fallback is possible only before the first token: a failure after it is
 * reported as such, since the caller has already received part of an answer.
 *
 * <p>Each fallback gets its share of the deadline: a member that is not the last runs under a
 * deadline that leaves the next member its expected latency (at most half of the time left; half
 * when its latency is not known), so a hanging first choice cannot use up the time of the rest.
 * Retries, breakers and time limits are each member's own guard (resilience4j), not the chain's. A
 * streamed call keeps the whole deadline, since it cannot move once tokens have been sent.
 */
public final class FallbackChain implements StreamingExpert {

  private final String name;
  private final List<Expert> chain;
  private final Function<Expert, Optional<Duration>> expectedLatency;

  private FallbackChain(
      String name, List<Expert> chain, Function<Expert, Optional<Duration>> expectedLatency) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("fallback chain name is empty");
    }
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("fallback chain " + name + " has no experts");
    }
    this.name = name;
    this.chain = List.copyOf(chain);
    this.expectedLatency = expectedLatency;
  }

  /**
   * A chain that does not know its members' latencies: each member but the last gets at most half
   * of the time left.
   *
   * @param name the chain's expert name
   * @param chain the experts, first choice first
   * @return the chain
   */
  public static FallbackChain of(String name, List<? extends Expert> chain) {
    return new FallbackChain(name, List.copyOf(chain), e -> Optional.empty());
  }

  /**
   * @param name the chain's expert name
   * @param chain the experts, first choice first
   * @param expectedLatency an expert's expected latency (e.g. its p95), or empty when not known
   * @return the chain
   */
  public static FallbackChain of(
      String name,
      List<? extends Expert> chain,
      Function<Expert, Optional<Duration>> expectedLatency) {
    return new FallbackChain(name, List.copyOf(chain), expectedLatency);
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

  /**
   * The chain may run every member, each charging its own cost: the sum of their bounds, or NaN
   * when one is not known.
   */
  @Override
  public double costBound(InputData input) {
    double sum = 0;
    for (Expert e : chain) {
      sum += e.costBound(input);
    }
    return sum;
  }

  /**
   * The first choice learns from the chain's feedback (the fallbacks answer only when it fails).
   */
  @Override
  public Optional<io.himoe.experts.LearningExpert> asLearning() {
    return chain.getFirst().asLearning();
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    return run(input, ctx, null);
  }

  @Override
  public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
    return run(input, ctx, listener);
  }

  private ExpertOut run(InputData input, Context ctx, @Nullable TokenListener listener)
      throws Exception {
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < chain.size(); i++) {
      Expert e = chain.get(i);
      ctx.checkAlive("fallback " + name);
      AtomicInteger delivered = new AtomicInteger();
      boolean last = i == chain.size() - 1;
      Context share =
          last || listener != null ? ctx : ctx.withDeadline(shareEnd(ctx, chain.get(i + 1)));
      try {
        return call(e, input, share, listener, delivered);
      } catch (MoeError.Cancelled stop) {
        throw stop;
      } catch (MoeError.DeadlineExceeded stop) {
        if (share == ctx || ctx.isExpired()) {
          throw stop;
        }
        failures.add(e.name() + ": no answer within its share of the deadline");
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

  /** When a member must be done so that {@code next} keeps its expected latency. */
  private java.time.Instant shareEnd(Context ctx, Expert next) {
    Duration left = ctx.remaining();
    Duration half = left.dividedBy(2);
    Duration reserve = expectedLatency.apply(next).filter(d -> d.compareTo(half) < 0).orElse(half);
    return ctx.deadline().minus(reserve);
  }

  private static ExpertOut call(
      Expert e,
      InputData input,
      Context ctx,
      @Nullable TokenListener listener,
      AtomicInteger delivered)
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
