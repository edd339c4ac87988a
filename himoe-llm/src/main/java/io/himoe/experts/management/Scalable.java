package io.himoe.experts.management;

import java.time.Duration;

/**
 * An expert backed by several interchangeable instances (endpoints, replicas, models) of which a
 * varying number is in use. The {@link ExpertManager} grows and shrinks it by load.
 */
public interface Scalable {

  /**
   * @return instances in use now, >= 1
   */
  int instances();

  /**
   * @return the most instances this expert may use
   */
  int maxInstances();

  /**
   * @return calls in flight across the instances in use
   */
  int load();

  /**
   * @return calls one instance is meant to carry at once (the seed's {@code max_load})
   */
  int maxLoadPerInstance();

  /**
   * @return {@link #instances()} times {@link #maxLoadPerInstance()}
   */
  default int capacity() {
    return instances() * maxLoadPerInstance();
  }

  /**
   * Puts one more instance in use.
   *
   * @return whether one was added (false at {@link #maxInstances()})
   */
  boolean addInstance();

  /**
   * Stops using one instance that has had no call in flight for at least {@code idleFor}, keeping
   * the configured minimum.
   *
   * @param idleFor how long an instance must have been idle
   * @return whether one was released
   */
  boolean releaseIdleInstance(Duration idleFor);
}
