package io.himoe.shared;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A cost budget in cost units that can be shared by concurrent requests. Callers {@link
 * #reserve(double) reserve} the expected cost before calling experts and {@link
 * Reservation#settle(double) settle} with the actual cost afterwards, so concurrent requests cannot
 * together spend more than the budget on their reservations. Accounting is exact to one millionth
 * of a unit.
 */
public final class CostBudget {

  private static final double SCALE = 1_000_000.0;
  private static final CostBudget UNLIMITED = new CostBudget(Long.MAX_VALUE);

  private final long total;
  private final AtomicLong spentOrReserved = new AtomicLong();

  private CostBudget(long total) {
    this.total = total;
  }

  /**
   * @param units the budget in cost units, positive and finite
   * @return a new budget
   */
  public static CostBudget of(double units) {
    if (!(units > 0) || Double.isInfinite(units)) {
      throw new IllegalArgumentException("cost budget must be > 0 and finite, got " + units);
    }
    return new CostBudget(Math.round(units * SCALE));
  }

  /**
   * @return a budget that never runs out
   */
  public static CostBudget unlimited() {
    return UNLIMITED;
  }

  /**
   * @return whether this budget is unlimited
   */
  public boolean isUnlimited() {
    return total == Long.MAX_VALUE;
  }

  /**
   * @return the units neither spent nor reserved ({@link Double#POSITIVE_INFINITY} when unlimited)
   */
  public double remaining() {
    return isUnlimited()
        ? Double.POSITIVE_INFINITY
        : Math.max(0, total - spentOrReserved.get()) / SCALE;
  }

  /**
   * @return the units spent or reserved so far
   */
  public double used() {
    return spentOrReserved.get() / SCALE;
  }

  /**
   * Reserves units atomically.
   *
   * @param units expected cost, at least 0
   * @return the reservation, to settle once the actual cost is known
   * @throws MoeError.BudgetExceeded if the reservation does not fit
   */
  public Reservation reserve(double units) {
    if (!(units >= 0) || Double.isInfinite(units)) {
      throw new IllegalArgumentException("reservation must be >= 0 and finite, got " + units);
    }
    long amount = Math.round(units * SCALE);
    if (isUnlimited()) {
      spentOrReserved.addAndGet(amount);
      return new Reservation(this, amount);
    }
    while (true) {
      long current = spentOrReserved.get();
      if (current + amount > total) {
        throw new MoeError.BudgetExceeded(
            "reserving " + units + " cost units, only " + (total - current) / SCALE + " left");
      }
      if (spentOrReserved.compareAndSet(current, current + amount)) {
        return new Reservation(this, amount);
      }
    }
  }

  /**
   * @param units the expected cost
   * @return whether a reservation of that size would fit now
   */
  public boolean canCover(double units) {
    return isUnlimited() || spentOrReserved.get() + Math.round(units * SCALE) <= total;
  }

  /** A reserved amount, settled once with the actual cost. */
  public static final class Reservation {
    private final CostBudget budget;
    private final long reserved;
    private boolean settled;

    private Reservation(CostBudget budget, long reserved) {
      this.budget = budget;
      this.reserved = reserved;
    }

    /**
     * @return the reserved units
     */
    public double reserved() {
      return reserved / SCALE;
    }

    /**
     * Replaces the reservation by the actual cost; an actual cost above the reservation is still
     * charged (the overspend is bounded by the estimation error of one request).
     *
     * @param actualUnits the actual cost, at least 0
     */
    public synchronized void settle(double actualUnits) {
      if (settled) {
        return;
      }
      settled = true;
      long actual = Math.round(Math.max(0, actualUnits) * SCALE);
      budget.spentOrReserved.addAndGet(actual - reserved);
    }
  }
}
