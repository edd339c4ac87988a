package io.himoe.server.http;

import io.himoe.server.config.HimoeConfig;
import io.himoe.server.limits.KeyLimits;
import io.himoe.shared.CostBudget;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;

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
   * @param hold the cost units held for it against the key's daily cost limit, if any
   * @param settled whether what it used was counted (it is counted once)
   */
  record Ticket(
      Optional<KeyLimits.Limits> limits,
      OptionalDouble costLeft,
      Optional<KeyLimits.CostHold> hold,
      AtomicBoolean settled) {

    /**
     * @param mctx the request's context
     * @return the context, its cost budget capped by what is held for it, else by what the key has
     *     left today
     */
    io.himoe.shared.Context capped(io.himoe.shared.Context mctx) {
      if (hold.isPresent()) {
        return mctx.withCostBudget(CostBudget.of(hold.get().units()));
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
      return new Ticket(l, OptionalDouble.empty(), Optional.empty(), new AtomicBoolean());
    }
    try {
      KeyLimits.Admission a = limits.admit(l.get());
      headers(ctx, a.headers());
      return new Ticket(l, a.costLeft(), Optional.empty(), new AtomicBoolean());
    } catch (KeyLimits.LimitExceeded e) {
      throw refused(ctx, e);
    }
  }

  /**
   * Holds the request's cost ceiling against its key's daily cost limit, when both exist, so that
   * the requests in flight on every replica together stay within the limit (the request's budget
   * becomes what was held). A request without a cost ceiling ({@code budgets.cost}, {@code
   * X-Himoe-Max-Cost}) is only checked at admission.
   *
   * @param ctx the request (headers of a refusal)
   * @param t its admission
   * @param mctx its context (its cost budget is the ceiling)
   * @return the admission with what was held
   * @throws ApiError 429 when nothing is left of the key's daily cost limit
   */
  Ticket hold(Context ctx, Ticket t, io.himoe.shared.Context mctx) {
    if (t.limits().isEmpty() || t.costLeft().isEmpty() || mctx.costBudget().isUnlimited()) {
      return t;
    }
    try {
      return new Ticket(
          t.limits(),
          t.costLeft(),
          limits.hold(t.limits().get(), mctx.costBudget().remaining()),
          t.settled());
    } catch (KeyLimits.LimitExceeded e) {
      throw refused(ctx, e);
    }
  }

  /**
   * Counts what a request that failed or was cancelled used: what its context's budget recorded
   * when something was held for it (its budget is its own then), nothing otherwise.
   *
   * @param t its admission
   * @param mctx its context
   */
  void settleUnfinished(Ticket t, io.himoe.shared.Context mctx) {
    settle(t, 0, t.hold().isPresent() ? mctx.costBudget().used() : 0);
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
      limits.settle(t.limits().get(), tokens, costUnits, t.hold());
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
