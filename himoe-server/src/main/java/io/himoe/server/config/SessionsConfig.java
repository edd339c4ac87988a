package io.himoe.server.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Conversation sessions (the {@code sessions} section): which expert answered a conversation's
 * previous turn, so that the next turn can stay with it.
 *
 * @param sticky keep the expert that answered the previous turn unless another one's gate weight
 *     beats it by {@code margin}, default true
 * @param escalateOnly never move a session to a cheaper expert, default false
 * @param margin gate weight by which another expert must beat the session's to take over, in [0,
 *     1], default 0.2
 * @param ttl how long an idle session is remembered, e.g. {@code 30m}, {@code 2h}, {@code 90s};
 *     default 30m
 * @param max sessions kept at most (least recently used go first), default 100,000
 */
public record SessionsConfig(
    Boolean sticky, Boolean escalateOnly, Double margin, String ttl, Long max) {

  /** Every default. */
  public static final SessionsConfig DEFAULTS = new SessionsConfig(null, null, null, null, null);

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /**
   * Applies defaults: each null (an absent key) takes the default above.
   *
   * @param sticky whether sessions stick, or null for true
   * @param escalateOnly whether sessions only move up, or null for false
   * @param margin the take-over margin, or null for 0.2
   * @param ttl the idle time, or null for 30m
   * @param max sessions kept at most, or null for 100,000
   */
  public SessionsConfig(
      @Nullable Boolean sticky,
      @Nullable Boolean escalateOnly,
      @Nullable Double margin,
      @Nullable String ttl,
      @Nullable Long max) {
    this.sticky = sticky == null || sticky;
    this.escalateOnly = escalateOnly != null && escalateOnly;
    this.margin = margin == null ? 0.2 : margin;
    this.ttl = ttl == null ? "30m" : ttl.strip();
    this.max = max == null ? 100_000L : max;
  }

  /**
   * @return whether sessions change routing at all
   */
  public boolean enabled() {
    return sticky || escalateOnly;
  }

  /**
   * @return the idle time after which a session is forgotten
   * @throws IllegalArgumentException when {@code ttl} is not a duration
   */
  public Duration ttlDuration() {
    return parse(ttl);
  }

  /**
   * @param s a duration such as {@code 500ms}, {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d}
   * @return the duration
   * @throws IllegalArgumentException naming the expected form
   */
  static Duration parse(String s) {
    Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected a duration such as 90s, 30m or 2h, got '" + s + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
