package io.himoe.server.limits;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Enforces one API key's limits — requests per minute, tokens per minute, cost units per (UTC) day
 * — in fixed windows counted in a {@link LimitStore}. A request is admitted while its key is under
 * every limit; its tokens and cost are counted when it ends. The answer carries OpenAI's {@code
 * x-ratelimit-*} headers; a refusal says which limit and when it resets ({@code Retry-After}).
 */
public final class KeyLimits {

  private static final long MINUTE = 60_000;
  private static final long DAY = 86_400_000;

  /** A millionth of a cost unit: a smaller hold is no hold (the day's limit is spent). */
  private static final double MIN_HOLD = 1e-6;

  /**
   * One key's limits.
   *
   * @param alias the key's alias (counter names, messages)
   * @param requestsPerMin requests per minute, if limited
   * @param tokensPerMin tokens per minute, if limited
   * @param costPerDay cost units per UTC day, if limited
   */
  public record Limits(
      String alias,
      OptionalLong requestsPerMin,
      OptionalLong tokensPerMin,
      OptionalDouble costPerDay) {
    /** Validates. */
    public Limits {
      Objects.requireNonNull(alias, "alias");
    }

    /**
     * @return whether any limit is set
     */
    public boolean any() {
      return requestsPerMin.isPresent() || tokensPerMin.isPresent() || costPerDay.isPresent();
    }
  }

  /**
   * A request's admission: the headers to send and what is left of the day's cost.
   *
   * @param headers the {@code x-ratelimit-*} headers
   * @param costLeft cost units left today, if the key has a daily cost limit
   */
  public record Admission(Map<String, String> headers, OptionalDouble costLeft) {}

  /**
   * A refusal.
   *
   * @param limit which limit: {@code requests}, {@code tokens} or {@code cost}
   * @param message what was reached, naming the key's alias and the limit
   * @param retryAfterS seconds until the window resets
   * @param headers the {@code x-ratelimit-*} headers
   */
  public record Refusal(
      String limit, String message, long retryAfterS, Map<String, String> headers) {}

  /** Thrown when a key is over one of its limits. */
  public static final class LimitExceeded extends RuntimeException {
    private final Refusal refusal;

    LimitExceeded(Refusal refusal) {
      super(refusal.message(), null, false, false);
      this.refusal = refusal;
    }

    /**
     * @return what was refused and when to retry
     */
    public Refusal refusal() {
      return refusal;
    }
  }

  /**
   * Part of a key's limit held for a request in flight, settled when the request ends: its upper
   * bound was added to the window's counter before it ran, and the difference to what it used is
   * added when it ends (to the same window, even if a later one has begun).
   *
   * @param counter the counter, e.g. {@code team-a/tokens}
   * @param windowStartMs the start of the window it was held in (epoch ms)
   * @param windowMs the window's length in ms
   * @param amount what was held (tokens or cost units), &gt; 0
   */
  public record Hold(String counter, long windowStartMs, long windowMs, double amount) {}

  /**
   * What was held for one request: tokens against the key's tokens per minute, cost units against
   * its cost per day.
   *
   * @param tokens the tokens held, if the key has a tokens-per-minute limit
   * @param cost the cost units held, if the key has a daily cost limit and the request a bound
   */
  public record Holds(Optional<Hold> tokens, Optional<Hold> cost) {
    /** Nothing held. */
    public static final Holds NONE = new Holds(Optional.empty(), Optional.empty());
  }

  private final LimitStore store;
  private final InstantSource clock;

  /**
   * @param store where the counters are kept
   * @param clock the time windows are measured with
   */
  public KeyLimits(LimitStore store, InstantSource clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Admits a request, counting it against the requests-per-minute limit.
   *
   * @param l the key's limits
   * @return the admission
   * @throws LimitExceeded when the key is over a limit
   */
  public Admission admit(Limits l) {
    long now = clock.millis();
    long minute = now - now % MINUTE;
    long day = now - now % DAY;
    long resetMinS = Math.max(1, (minute + MINUTE - now + 999) / 1000);
    Map<String, String> h = new LinkedHashMap<>();
    if (l.tokensPerMin().isPresent()) {
      long limit = l.tokensPerMin().getAsLong();
      double used = store.get(l.alias() + "/tokens", minute);
      h.put("x-ratelimit-limit-tokens", Long.toString(limit));
      h.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, limit - (long) used)));
      h.put("x-ratelimit-reset-tokens", resetMinS + "s");
      if (used >= limit) {
        throw refuse(
            "tokens",
            "key '"
                + l.alias()
                + "' used (or holds for requests in flight) its "
                + limit
                + " tokens per minute",
            resetMinS,
            h);
      }
    }
    OptionalDouble costLeft = OptionalDouble.empty();
    if (l.costPerDay().isPresent()) {
      double limit = l.costPerDay().getAsDouble();
      double used = store.get(l.alias() + "/cost", day);
      if (used >= limit) {
        long resetDayS = Math.max(1, (day + DAY - now + 999) / 1000);
        throw refuse(
            "cost",
            "key '" + l.alias() + "' spent its " + limit + " cost units for today (UTC)",
            resetDayS,
            h);
      }
      costLeft = OptionalDouble.of(limit - used);
    }
    if (l.requestsPerMin().isPresent()) {
      long limit = l.requestsPerMin().getAsLong();
      double used = store.add(l.alias() + "/requests", minute, MINUTE, 1);
      h.put("x-ratelimit-limit-requests", Long.toString(limit));
      h.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, limit - (long) used)));
      h.put("x-ratelimit-reset-requests", resetMinS + "s");
      if (used > limit) {
        throw refuse(
            "requests",
            "key '" + l.alias() + "' made its " + limit + " requests per minute",
            resetMinS,
            h);
      }
    }
    return new Admission(Map.copyOf(h), costLeft);
  }

  /**
   * Holds a request's token bound (its prompt plus the completion tokens it may produce) against
   * its key's tokens per minute before it runs, so that requests in flight together (on every
   * replica sharing the store) cannot use more than the limit: the bound is added to the minute's
   * count only if it fits (one atomic, conditional addition: a refused request leaves no trace).
   *
   * @param l the key's limits
   * @param bound the most tokens the request may use (&gt; 0)
   * @return the tokens held, or empty when the key has no tokens-per-minute limit
   * @throws LimitExceeded when the bound does not fit in what is left of the minute's limit
   */
  public Optional<Hold> holdTokens(Limits l, long bound) {
    if (l.tokensPerMin().isEmpty() || bound <= 0) {
      return Optional.empty();
    }
    long now = clock.millis();
    long minute = now - now % MINUTE;
    long limit = l.tokensPerMin().getAsLong();
    String counter = l.alias() + "/tokens";
    LimitStore.Reservation r = store.reserve(counter, minute, MINUTE, bound, limit);
    if (!r.taken()) {
      long resetS = Math.max(1, (minute + MINUTE - now + 999) / 1000);
      long left = Math.max(0, limit - (long) Math.ceil(r.total()));
      Map<String, String> h = new LinkedHashMap<>();
      h.put("x-ratelimit-limit-tokens", Long.toString(limit));
      h.put("x-ratelimit-remaining-tokens", Long.toString(left));
      h.put("x-ratelimit-reset-tokens", resetS + "s");
      throw refuse(
          "tokens",
          "key '"
              + l.alias()
              + "' needs "
              + bound
              + " tokens (prompt + max_tokens) and has "
              + left
              + " of its "
              + limit
              + " tokens per minute left (counting requests in flight)",
          resetS,
          h);
    }
    return Optional.of(new Hold(counter, minute, MINUTE, bound));
  }

  /**
   * Holds up to {@code ceiling} cost units of the key's daily cost limit for one request before it
   * runs, so that requests in flight together (on every replica sharing the store) cannot spend
   * past the limit: the units are added to the day's count only if they fit (one atomic,
   * conditional addition), else what is left of the day is held. The request must then spend at
   * most what was held.
   *
   * @param l the key's limits
   * @param ceiling the most the request may spend, in cost units (finite, &gt; 0)
   * @return the units held (at most {@code ceiling}), or empty when the key has no daily cost limit
   * @throws LimitExceeded when nothing is left of the day's limit
   */
  public Optional<Hold> hold(Limits l, double ceiling) {
    if (l.costPerDay().isEmpty() || !(ceiling > 0) || Double.isInfinite(ceiling)) {
      return Optional.empty();
    }
    long now = clock.millis();
    long day = now - now % DAY;
    double limit = l.costPerDay().getAsDouble();
    String counter = l.alias() + "/cost";
    // Sums of decimal prices carry binary rounding (10 x 0.2 = 2.0000000000000004): within a
    // millionth of a unit (CostBudget's precision) is within the limit.
    double cap = limit + MIN_HOLD;
    double held = ceiling;
    LimitStore.Reservation r = store.reserve(counter, day, DAY, held, cap);
    if (!r.taken()) {
      // Not the whole ceiling: what is left of the day, if anything (the request's budget).
      held = limit - r.total();
      r = held > MIN_HOLD ? store.reserve(counter, day, DAY, held, cap) : r;
    }
    if (!r.taken()) {
      long resetDayS = Math.max(1, (day + DAY - now + 999) / 1000);
      throw refuse(
          "cost",
          "key '"
              + l.alias()
              + "' spent (or holds for requests in flight) its "
              + limit
              + " cost units for today (UTC)",
          resetDayS,
          Map.of());
    }
    return Optional.of(new Hold(counter, day, DAY, held));
  }

  /**
   * Counts what an admitted request used.
   *
   * @param l the key's limits
   * @param tokens prompt plus completion tokens
   * @param costUnits the cost it spent
   */
  public void settle(Limits l, long tokens, double costUnits) {
    settle(l, tokens, costUnits, Holds.NONE);
  }

  /**
   * Counts what an admitted request used, giving back what it held and did not use (or adding what
   * it used beyond its hold).
   *
   * @param l the key's limits
   * @param tokens prompt plus completion tokens
   * @param costUnits the cost it spent
   * @param holds what was held for it ({@link #holdTokens}, {@link #hold})
   */
  public void settle(Limits l, long tokens, double costUnits, Holds holds) {
    long now = clock.millis();
    if (holds.tokens().isPresent()) {
      correct(holds.tokens().get(), Math.max(0, tokens));
    } else if (l.tokensPerMin().isPresent() && tokens > 0) {
      store.add(l.alias() + "/tokens", now - now % MINUTE, MINUTE, tokens);
    }
    if (holds.cost().isPresent()) {
      correct(holds.cost().get(), Math.max(0, costUnits));
    } else if (l.costPerDay().isPresent() && costUnits > 0) {
      store.add(l.alias() + "/cost", now - now % DAY, DAY, costUnits);
    }
  }

  private void correct(Hold h, double used) {
    double correction = used - h.amount();
    if (correction != 0) {
      store.add(h.counter(), h.windowStartMs(), h.windowMs(), correction);
    }
  }

  private static LimitExceeded refuse(
      String limit, String message, long retryAfterS, Map<String, String> headers) {
    return new LimitExceeded(
        new Refusal(
            limit, message + "; retry in " + retryAfterS + " s", retryAfterS, Map.copyOf(headers)));
  }
}
