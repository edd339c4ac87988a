package io.himoe.engine;

import java.time.Instant;
import java.time.InstantSource;

/**
 * Holds shadow runs to at most {@code perSecond} per second: a token bucket on the engine's clock
 * that earns {@code perSecond} runs per second and holds at most one second's worth (at least one
 * run), which it starts with. A shadow comparison's value to learning is in how many there are, not
 * in their share of the traffic; at saturation every shadow run takes CPU from the primaries, so
 * past a fixed number per second more runs buy little and cost throughput.
 */
final class ShadowRate {

  private final double perSecond;
  private final double burst;
  private final InstantSource clock;
  private double tokens;
  private long lastNanos;

  /**
   * @param perSecond the most shadow runs per second, &gt;= 0; 0 means no cap
   * @param clock the engine's clock
   */
  ShadowRate(double perSecond, InstantSource clock) {
    if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "shadows per second must be >= 0 (0: no cap), got " + perSecond);
    }
    this.perSecond = perSecond;
    this.burst = Math.max(1, perSecond);
    this.clock = clock;
    this.tokens = burst;
    this.lastNanos = nanos(clock.instant());
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /**
   * @return whether a shadow run may start now (and, if capped, takes one run from the bucket)
   */
  synchronized boolean tryAcquire() {
    if (perSecond == 0) {
      return true;
    }
    long t = nanos(clock.instant());
    // A clock that steps back earns nothing.
    tokens = Math.min(burst, tokens + Math.max(0, t - lastNanos) * perSecond / 1e9);
    lastNanos = t;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
