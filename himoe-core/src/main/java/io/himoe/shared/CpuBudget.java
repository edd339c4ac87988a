package io.himoe.shared;

import java.util.Objects;

/**
 * A request's CPU-time budget: the most CPU its routing and expert calls may use, summed over the
 * threads they run on. A request over it is stopped and refused ({@link
 * MoeError.CpuBudgetExceeded}). The engine meters such a request with a {@link CpuMeter}, which
 * runs its work on platform threads (a virtual thread reports no CPU time).
 *
 * @param limitMs the CPU time allowed, in ms; 0 = unlimited
 * @param name where the limit comes from, for the error (e.g. {@code budgets.cpu_ms})
 */
public record CpuBudget(long limitMs, String name) {

  private static final CpuBudget UNLIMITED = new CpuBudget(0, "unlimited");

  /** Validates. */
  public CpuBudget {
    Objects.requireNonNull(name, "name");
    if (limitMs < 0) {
      throw new IllegalArgumentException(name + " must be >= 0 ms, got " + limitMs);
    }
  }

  /**
   * @return no CPU budget (the default: the request is not metered)
   */
  public static CpuBudget unlimited() {
    return UNLIMITED;
  }

  /**
   * @return whether the request is metered and refused over the limit
   */
  public boolean isLimited() {
    return limitMs > 0;
  }

  /**
   * @return the limit in ns ({@link Long#MAX_VALUE} when unlimited)
   */
  public long limitNanos() {
    return isLimited() ? Math.multiplyExact(limitMs, 1_000_000L) : Long.MAX_VALUE;
  }
}
