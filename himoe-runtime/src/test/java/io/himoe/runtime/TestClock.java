package io.himoe.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock tests move by hand. */
public final class TestClock implements InstantSource {
  private volatile Instant now;

  /**
   * @param start the initial time
   */
  public TestClock(Instant start) {
    this.now = start;
  }

  /**
   * @return a clock at 2026-01-01T00:00:00Z
   */
  public static TestClock start() {
    return new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public Instant instant() {
    return now;
  }

  /**
   * @param d how far to move
   */
  public void advance(Duration d) {
    now = now.plus(d);
  }
}
