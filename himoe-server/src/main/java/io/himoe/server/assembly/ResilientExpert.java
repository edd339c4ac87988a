package io.himoe.server.assembly;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
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
  private final java.util.function.ToDoubleFunction<InputData> costBound;
  private final InputLimits limits;
  private final boolean inline;

  ResilientExpert(
      Expert inner,
      ExpertGuard guard,
      double costPerCall,
      java.util.function.ToDoubleFunction<InputData> costBound,
      InputLimits limits,
      boolean inline) {
    this.inner = inner;
    this.guard = guard;
    this.costPerCall = costPerCall;
    this.costBound = costBound;
    this.limits = limits;
    this.inline = inline;
  }

  /**
   * @param inner the expert (with its runtime mode and monitor)
   * @param guard its guard
   * @param costPerCall cost units added to each answer
   * @param costBound the most one call can cost, from the configured prices
   * @param limits the longest input accepted, in characters and prompt tokens
   * @param inline whether the stack may be called on the router's thread ({@link
   *     Expert#runsInline}): the bare expert runs inline and no layer waits (see {@link
   *     StackBuilder})
   * @return the guarded expert; a {@link StreamingExpert} when {@code inner} is one
   */
  static ResilientExpert of(
      Expert inner,
      ExpertGuard guard,
      double costPerCall,
      java.util.function.ToDoubleFunction<InputData> costBound,
      InputLimits limits,
      boolean inline) {
    return inner instanceof StreamingExpert
        ? new Streaming(inner, guard, costPerCall, costBound, limits)
        : new ResilientExpert(inner, guard, costPerCall, costBound, limits, inline);
  }

  /**
   * The longest input an expert is given.
   *
   * @param chars characters of the text it reads ({@link Integer#MAX_VALUE}: no limit of the
   *     guard's own)
   * @param tokens prompt tokens, o200k_base ({@link Integer#MAX_VALUE}: no limit)
   */
  record InputLimits(int chars, int tokens) {
    static final InputLimits NONE = new InputLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
  }

  private static final TokenCounter TOKENS = TokenCounter.defaults();

  /**
   * Refuses an input over a limit before any work: the client's mistake, re-routed by the router
   * and a 422 naming the limit when no expert takes the input. Characters are checked first (cheap,
   * and they bound the tokenizer's work); tokens are counted only when a token limit is set.
   */
  void checkLength(InputData input) {
    if (input instanceof InputData.Features) {
      return;
    }
    if (limits.chars() != Integer.MAX_VALUE) {
      int n = input.toText().length();
      if (n > limits.chars()) {
        throw new MoeError.Unprocessable(
            inner.name()
                + ": text is "
                + n
                + " chars, the limit is "
                + limits.chars()
                + " (guard.max_input_chars)");
      }
    }
    if (limits.tokens() != Integer.MAX_VALUE) {
      int tokens = TOKENS.prompt(input);
      if (tokens > limits.tokens()) {
        throw new MoeError.Unprocessable(
            inner.name()
                + ": input is "
                + tokens
                + " tokens, the limit is "
                + limits.tokens()
                + " (guard.max_input_tokens)");
      }
    }
  }

  /** From the configured prices: {@code cost_per_call} plus the token price times the ceiling. */
  @Override
  public double costBound(InputData input) {
    return costBound.applyAsDouble(input);
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

  @Override
  public boolean runsInline() {
    return inline;
  }

  ExpertGuard guard() {
    return guard;
  }

  Expert inner() {
    return inner;
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx) throws Exception {
    checkLength(input);
    return charged(guard.call(ctx, c -> inner.infer(input, c), () -> true));
  }

  ExpertOut charged(ExpertOut out) {
    if (costPerCall == 0) {
      return out;
    }
    // withCost keeps what the aux carries besides the cost (an LLM's token usage).
    return new ExpertOut(out.value(), out.aux().withCost(out.aux().costUnits() + costPerCall));
  }

  @Override
  public String toString() {
    return "Guarded[" + inner + "]";
  }

  /** The streaming form: tokens pass through the guard; no retry once one was sent. */
  static final class Streaming extends ResilientExpert implements StreamingExpert {

    Streaming(
        Expert inner,
        ExpertGuard guard,
        double costPerCall,
        java.util.function.ToDoubleFunction<InputData> costBound,
        InputLimits limits) {
      super(inner, guard, costPerCall, costBound, limits, false);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
      checkLength(input);
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
