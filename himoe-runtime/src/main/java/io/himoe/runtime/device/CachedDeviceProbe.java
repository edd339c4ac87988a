package io.himoe.runtime.device;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link DeviceProbe#cached}: sysfs reads cost tens of microseconds, a decision must cost less. */
final class CachedDeviceProbe implements DeviceProbe {

  private record Entry(DeviceStatus status, Instant expires) {}

  private final DeviceProbe delegate;
  private final Duration maxAge;
  private final InstantSource clock;
  private volatile @Nullable Entry entry;

  CachedDeviceProbe(DeviceProbe delegate, Duration maxAge, InstantSource clock) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxAge.isNegative()) {
      throw new IllegalArgumentException("maxAge must be >= 0, got " + maxAge);
    }
  }

  @Override
  public DeviceStatus read() {
    Instant now = clock.instant();
    Entry e = entry;
    if (e != null && now.isBefore(e.expires())) {
      return e.status();
    }
    // Two threads may both refresh after expiry; both readings are valid, the last one stays.
    DeviceStatus s = delegate.read();
    entry = new Entry(s, now.plus(maxAge));
    return s;
  }
}
