package io.himoe.server.loop;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * What one arm of an experiment has seen: requests assigned, answers with their cost and latency,
 * and the rewards of the feedback on them (mean and variance by Welford's method).
 */
final class ArmStats {

  final AtomicLong assigned = new AtomicLong();
  final AtomicLong answered = new AtomicLong();
  final DoubleAdder cost = new DoubleAdder();
  final DoubleAdder latencyMs = new DoubleAdder();
  private long n;
  private double mean;
  private double m2;
  private double sum;

  synchronized void reward(double r) {
    n++;
    sum += r;
    double d = r - mean;
    mean += d / n;
    m2 += d * (r - mean);
  }

  synchronized long feedbacks() {
    return n;
  }

  synchronized double mean() {
    return mean;
  }

  synchronized double rewardSum() {
    return sum;
  }

  /** Sample variance; the largest a reward in [0, 1] can have (0.25) before two rewards. */
  synchronized double variance() {
    return n < 2 ? 0.25 : m2 / (n - 1);
  }
}
