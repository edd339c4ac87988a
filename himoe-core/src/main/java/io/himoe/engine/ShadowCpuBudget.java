package io.himoe.engine;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Keeps the shadows' CPU time under a share of the primaries': a token bucket that earns {@code
 * share} ns of credit per ns of CPU the rest of the process spends (request handling, primary
 * experts, and whatever else runs), and is charged each shadow run's measured CPU time. A shadow
 * run is admitted while the credit is positive. The bucket holds at most {@code burst} ns, which it
 * starts with, so an idle period does not buy a long burst of shadows later.
 *
 * <p>The primaries' CPU is the process's minus the shadows': a virtual thread's CPU time cannot be
 * read, and the primary's experts run on virtual threads, while shadows run on platform threads
 * that measure theirs ({@link io.himoe.shared.CpuMeter}). Shadows admitted together may overshoot
 * by what they cost before their cost is charged (at most one run per permit); the long-run share
 * holds.
 */
final class ShadowCpuBudget {

  private final double share;
  private final double burstNanos;
  private final LongSupplier processCpuNanos;
  private final LongAdder shadowNanos = new LongAdder();
  private long lastProcess = -1;
  private long lastShadow;
  private double credit;

  /**
   * @param share shadows' CPU over the primaries' at most; infinite means no bound
   * @param burstNanos the most credit kept, and the credit at start, in ns
   * @param processCpuNanos the process's CPU time so far in ns, negative when unknown
   */
  ShadowCpuBudget(double share, long burstNanos, LongSupplier processCpuNanos) {
    this.share = share;
    this.burstNanos = burstNanos;
    this.processCpuNanos = processCpuNanos;
    this.credit = burstNanos;
  }

  /**
   * @return the process's CPU time in ns from the JVM, or a supplier of -1 where it is not
   *     available
   */
  static LongSupplier systemProcessCpu() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os::getProcessCpuTime;
    }
    return () -> -1;
  }

  boolean bounded() {
    return !Double.isInfinite(share);
  }

  /**
   * @return whether a shadow run may start now
   */
  synchronized boolean tryAdmit() {
    if (!bounded()) {
      return true;
    }
    long process = processCpuNanos.getAsLong();
    if (process < 0) {
      // Without a process CPU clock there is nothing to hold the shadows to: admit.
      return true;
    }
    long shadow = shadowNanos.sum();
    if (lastProcess >= 0) {
      long spentByShadows = shadow - lastShadow;
      long spentByOthers = Math.max(0, process - lastProcess - spentByShadows);
      credit = Math.min(burstNanos, credit + share * spentByOthers - spentByShadows);
    } else {
      credit -= shadow;
    }
    lastProcess = process;
    lastShadow = shadow;
    return credit > 0;
  }

  /**
   * @param nanos the CPU time a shadow run spent, in ns
   */
  void charge(long nanos) {
    shadowNanos.add(nanos);
  }

  /**
   * @return the CPU time charged to shadows so far, in ns
   */
  long shadowNanos() {
    return shadowNanos.sum();
  }
}
