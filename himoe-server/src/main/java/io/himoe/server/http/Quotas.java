package io.himoe.server.http;

import io.himoe.experts.llm.TokenCounter;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.limits.KeyLimits;
import io.himoe.shared.CostBudget;
import io.himoe.shared.InputData;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleBiFunction;

/**
 * Applies the caller's key limits to a request: admission (429 with {@code Retry-After} and
 * OpenAI's {@code x-ratelimit-*} headers when over a limit), the day's remaining cost as a ceiling
 * on the request's cost budget (held in the limit store when the request has a ceiling of its own,
 * so concurrent requests cannot together pass the limit), and the count of what it used once it
 * ends (also when it fails).
 */
final class Quotas {

  /**
   * An admitted request.
   *
   * @param limits the key's limits (empty for a caller without limits)
   * @param costLeft the key's cost units left today, if limited
   * @param holds the tokens and cost units held for it against the key's limits
   * @param settled whether what it used was counted (it is counted once)
   * @param promptTokens the prompt's tokens when admission counted them (a key with a tokens per
   *     minute limit): the reply's usage reuses the count instead of tokenizing the prompt again
   */
  record Ticket(
      Optional<KeyLimits.Limits> limits,
      OptionalDouble costLeft,
      KeyLimits.Holds holds,
      AtomicBoolean settled,
      OptionalInt promptTokens) {

    /**
     * @param mctx the request's context
     * @return the context, its cost budget capped by what is held for it, else by what the key has
     *     left today
     */
    io.himoe.shared.Context capped(io.himoe.shared.Context mctx) {
      if (holds.cost().isPresent()) {
        return mctx.withCostBudget(CostBudget.of(holds.cost().get().amount()));
      }
      if (costLeft.isEmpty()) {
        return mctx;
      }
      CostBudget b = mctx.costBudget();
      double cap =
          b.isUnlimited()
              ? costLeft.getAsDouble()
              : Math.min(b.remaining(), costLeft.getAsDouble());
      return mctx.withCostBudget(CostBudget.of(cap));
    }
  }

  private final KeyLimits limits;
  private final TokenCounter tokens;
  private final ToDoubleBiFunction<String, InputData> costBound;
  private final java.util.function.ToIntFunction<String> defaultMaxTokens;

  /**
   * @param limits the key limits
   * @param tokens counts a request's prompt tokens
   * @param costBound the cost held for a request without a ceiling, by model and input
   * @param defaultMaxTokens a key's completion bound for a request that names none, by alias
   */
  Quotas(
      KeyLimits limits,
      TokenCounter tokens,
      ToDoubleBiFunction<String, InputData> costBound,
      java.util.function.ToIntFunction<String> defaultMaxTokens) {
    this.limits = limits;
    this.tokens = tokens;
    this.costBound = costBound;
    this.defaultMaxTokens = defaultMaxTokens;
  }

  /**
   * @param ctx the request (the rate-limit headers are set on its response)
   * @param caller who sent it
   * @return the admission
   * @throws ApiError 429 when the key is over a limit
   */
  Ticket admit(Context ctx, Caller caller) {
    Optional<KeyLimits.Limits> l = caller.key().map(Quotas::limitsOf).filter(KeyLimits.Limits::any);
    if (l.isEmpty()) {
      return new Ticket(
          l,
          OptionalDouble.empty(),
          KeyLimits.Holds.NONE,
          new AtomicBoolean(),
          OptionalInt.empty());
    }
    try {
      KeyLimits.Admission a = limits.admit(l.get());
      headers(ctx, a.headers());
      return new Ticket(
          l, a.costLeft(), KeyLimits.Holds.NONE, new AtomicBoolean(), OptionalInt.empty());
    } catch (KeyLimits.LimitExceeded e) {
      throw refused(ctx, e);
    }
  }

  /**
   * A request held against its key's limits: its admission with what was held, and its input with
   * the completion bound that was reserved (sent upstream as its {@code max_tokens}).
   *
   * @param ticket the admission with its holds
   * @param input the request's input
   */
  record Held(Ticket ticket, InputData.Conversation input) {}

  /**
   * Holds an upper bound of what the request may use against its key's limits before it runs, so
   * that the requests in flight on every replica together stay within them:
   *
   * <ul>
   *   <li>tokens per minute: its prompt tokens (counted with the gateway's tokenizer) plus its
   *       completion bound ({@code max_tokens} / {@code max_completion_tokens}, else the key's
   *       {@code default_max_tokens}, which then becomes the request's {@code max_tokens});
   *   <li>cost per day: its cost ceiling ({@code budgets.cost}, {@code X-Himoe-Max-Cost}), else the
   *       most one call of an expert behind its model is expected to cost; the request's budget
   *       becomes what was held.
   * </ul>
   *
   * Both are settled to what the request used when it ends.
   *
   * @param ctx the request (headers of a refusal)
   * @param t its admission
   * @param mctx its context (its cost budget is the ceiling)
   * @param input its conversation
   * @param model the model it asked for
   * @return the admission with what was held, and the input with its completion bound
   * @throws ApiError 429 when the bound does not fit in what is left of a limit; 400 naming {@code
   *     max_tokens} when it exceeds the key's whole tokens-per-minute limit
   */
  Held hold(
      Context ctx,
      Ticket t,
      io.himoe.shared.Context mctx,
      InputData.Conversation input,
      String model) {
    if (t.limits().isEmpty()) {
      return new Held(t, input);
    }
    KeyLimits.Limits l = t.limits().get();
    InputData.Conversation bounded = input;
    Optional<KeyLimits.Hold> tokenHold = Optional.empty();
    Optional<KeyLimits.Hold> costHold = Optional.empty();
    OptionalInt prompt = OptionalInt.empty();
    try {
      if (l.tokensPerMin().isPresent()) {
        int completion;
        if (input.params().maxTokens().isPresent()) {
          completion = input.params().maxTokens().getAsInt();
        } else {
          completion = defaultMaxTokens.applyAsInt(l.alias());
          bounded = input.withParams(input.params().withMaxTokens(completion));
        }
        prompt = OptionalInt.of(tokens.prompt(input));
        long bound = (long) prompt.getAsInt() + completion;
        long limit = l.tokensPerMin().getAsLong();
        if (bound > limit) {
          throw ApiError.invalid(
              input.params().maxTokens().isPresent() ? "max_tokens" : "messages",
              "the prompt ("
                  + (bound - completion)
                  + " tokens) plus max_tokens ("
                  + completion
                  + ") is more than key '"
                  + l.alias()
                  + "' may use in a minute ("
                  + limit
                  + " tokens)");
        }
        tokenHold = limits.holdTokens(l, bound);
      }
      if (t.costLeft().isPresent()) {
        double ceiling =
            mctx.costBudget().isUnlimited()
                ? costBound.applyAsDouble(model, bounded)
                : mctx.costBudget().remaining();
        costHold = limits.hold(l, ceiling);
      }
    } catch (KeyLimits.LimitExceeded e) {
      // The tokens were held, the cost did not fit: give the tokens back.
      limits.settle(l, 0, 0, new KeyLimits.Holds(tokenHold, Optional.empty()));
      throw refused(ctx, e);
    }
    return new Held(
        new Ticket(
            t.limits(),
            t.costLeft(),
            new KeyLimits.Holds(tokenHold, costHold),
            t.settled(),
            prompt),
        bounded);
  }

  /**
   * Counts what a request that failed or was cancelled used: the cost its context's budget recorded
   * when cost was held for it (its budget is its own then), nothing otherwise; its whole token
   * hold.
   *
   * @param t its admission
   * @param mctx its context
   */
  void settleUnfinished(Ticket t, io.himoe.shared.Context mctx) {
    // What an upstream billed a failed or cancelled request (a stream cut by its client, a call
    // that timed out) is not reported to the gateway: it keeps its whole token hold.
    long tokens = t.holds().tokens().map(h -> (long) h.amount()).orElse(0L);
    settle(t, tokens, t.holds().cost().isPresent() ? mctx.costBudget().used() : 0);
  }

  private static ApiError refused(Context ctx, KeyLimits.LimitExceeded e) {
    KeyLimits.Refusal r = e.refusal();
    headers(ctx, r.headers());
    ctx.header("Retry-After", Long.toString(r.retryAfterS()));
    return new ApiError(429, "rate_limit_exceeded", null, r.message());
  }

  /**
   * Counts what a request used against its key's limits.
   *
   * @param t its admission
   * @param tokens prompt plus completion tokens
   * @param costUnits what it spent
   */
  void settle(Ticket t, long tokens, double costUnits) {
    if (t.limits().isPresent() && t.settled().compareAndSet(false, true)) {
      limits.settle(t.limits().get(), tokens, costUnits, t.holds());
    }
  }

  private static void headers(Context ctx, Map<String, String> h) {
    h.forEach(ctx::header);
  }

  private static KeyLimits.Limits limitsOf(HimoeConfig.Key k) {
    return new KeyLimits.Limits(
        k.alias(),
        k.requestsPerMin() == null ? OptionalLong.empty() : OptionalLong.of(k.requestsPerMin()),
        k.tokensPerMin() == null ? OptionalLong.empty() : OptionalLong.of(k.tokensPerMin()),
        k.costPerDay() == null ? OptionalDouble.empty() : OptionalDouble.of(k.costPerDay()));
  }
}
