package io.himoe.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Warnings that may repeat thousands of times a second under load (shadows skipped, a listener that
 * throws): the first of each kind is logged at once, later ones at most once per interval with the
 * count of those not logged in between.
 */
final class RateLimitedLog {

  private static final class Window {
    @Nullable Instant lastLogged;
    long suppressed;
  }

  private final Logger log;
  private final InstantSource clock;
  private final Duration interval;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  RateLimitedLog(Logger log, InstantSource clock, Duration interval) {
    this.log = log;
    this.clock = clock;
    this.interval = interval;
  }

  /**
   * @param kind what repeats (one window per kind)
   * @param message the warning, built only when it is logged
   * @param error its cause, or null
   */
  void warn(String kind, Supplier<String> message, @Nullable Throwable error) {
    Window w = windows.computeIfAbsent(kind, k -> new Window());
    Instant now = clock.instant();
    long suppressed;
    synchronized (w) {
      if (w.lastLogged != null && now.isBefore(w.lastLogged.plus(interval))) {
        w.suppressed++;
        return;
      }
      suppressed = w.suppressed;
      w.suppressed = 0;
      w.lastLogged = now;
    }
    String text =
        suppressed == 0
            ? message.get()
            : message.get()
                + " ("
                + suppressed
                + " more since the last such line, "
                + interval.toSeconds()
                + " s or more ago)";
    if (error == null) {
      log.warn(text);
    } else {
      log.warn(text, error);
    }
  }
}
