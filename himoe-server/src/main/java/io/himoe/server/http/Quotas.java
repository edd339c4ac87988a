package io.himoe.server.http;

import io.himoe.server.config.HimoeConfig;
import io.himoe.server.limits.KeyLimits;
import io.himoe.shared.CostBudget;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Applies the caller's key limits to a request: admission (429 with {@code Retry-After} and
 * OpenAI's {@code x-ratelimit-*} headers when over a limit), the day's remaining cost as a ceiling
 * on the request's cost budget, and the count of what it used once it ends.
 */
final class Quotas {

  /**
   * An admitted request.
   *
   * @param limits the key's limits (empty for a caller without limits)
   * @param costLeft the key's cost units left today, if limited
   */
  record Ticket(Optional<KeyLimits.Limits> limits, OptionalDouble costLeft) {

    /**
     * @param mctx the request's context
     * @return the context, its cost budget capped by what the key has left today
     */
    io.himoe.shared.Context capped(io.himoe.shared.Context mctx) {
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

  private static final Ticket FREE = new Ticket(Optional.empty(), OptionalDouble.empty());

  private final KeyLimits limits;

  Quotas(KeyLimits limits) {
    this.limits = limits;
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
      return FREE;
    }
    try {
      KeyLimits.Admission a = limits.admit(l.get());
      headers(ctx, a.headers());
      return new Ticket(l, a.costLeft());
    } catch (KeyLimits.LimitExceeded e) {
      KeyLimits.Refusal r = e.refusal();
      headers(ctx, r.headers());
      ctx.header("Retry-After", Long.toString(r.retryAfterS()));
      throw new ApiError(429, "rate_limit_exceeded", null, r.message());
    }
  }

  /**
   * Counts what a request used against its key's limits.
   *
   * @param t its admission
   * @param tokens prompt plus completion tokens
   * @param costUnits what it spent
   */
  void settle(Ticket t, long tokens, double costUnits) {
    t.limits().ifPresent(l -> limits.settle(l, tokens, costUnits));
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
