package io.himoe.server.telemetry;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The access log's line, written directly instead of through logback's pattern converters: the same
 * text as the pattern {@value #PATTERN} (the time in the JVM's default time zone, the level padded
 * to five characters, the MDC's {@code trace_id} or {@code -}, the logger's name shortened to 24
 * characters as {@code %logger{24}} shortens it). An event with an exception (no access line has
 * one) goes to logback's pattern layout with the same pattern, which adds the stack trace. The
 * server's {@code logback.xml} uses it for the logger {@code HimoeServer} (one line per request,
 * formatted on the request's thread); a pattern layout with {@value #PATTERN} writes the same
 * lines.
 */
public final class AccessLineLayout extends LayoutBase<ILoggingEvent> {

  /** The logback pattern this layout writes. */
  public static final String PATTERN =
      "%d{HH:mm:ss.SSS} %-5level [%X{trace_id:--}] %logger{24} - %msg%n";

  private static final String TRACE_KEY = "trace_id";

  /** A second of wall time and its text, {@code HH:mm:ss.} (many lines share one). */
  private record Second(long epochSecond, String text) {}

  private final TargetLengthBasedClassNameAbbreviator abbreviator =
      new TargetLengthBasedClassNameAbbreviator(24);
  private final Map<String, String> loggerNames = new ConcurrentHashMap<>();
  private ZoneId zone = ZoneId.systemDefault();
  private volatile Second second = new Second(Long.MIN_VALUE, "");

  // A line with an exception (never an access line) is left to logback's own layout, whose stack
  // trace format is its own.
  private final PatternLayout withException = new PatternLayout();

  @Override
  public void start() {
    zone = ZoneId.systemDefault();
    withException.setContext(getContext());
    withException.setPattern(PATTERN);
    withException.start();
    super.start();
  }

  @Override
  public void stop() {
    withException.stop();
    super.stop();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    if (event.getThrowableProxy() != null) {
      return withException.doLayout(event);
    }
    String message = event.getFormattedMessage();
    StringBuilder b = new StringBuilder(64 + (message == null ? 4 : message.length()));
    time(b, event.getTimeStamp());
    b.append(' ');
    String level = event.getLevel().toString();
    b.append(level);
    for (int i = level.length(); i < 5; i++) {
      b.append(' ');
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    String trace = mdc == null ? null : mdc.get(TRACE_KEY);
    b.append(" [").append(trace == null ? "-" : trace).append("] ");
    b.append(loggerNames.computeIfAbsent(event.getLoggerName(), abbreviator::abbreviate));
    b.append(" - ").append(message).append(CoreConstants.LINE_SEPARATOR);
    return b.toString();
  }

  private void time(StringBuilder b, long epochMs) {
    long s = Math.floorDiv(epochMs, 1000);
    Second c = second;
    if (c.epochSecond() != s) {
      LocalTime t = LocalTime.ofInstant(Instant.ofEpochSecond(s), zone);
      StringBuilder text = new StringBuilder(9);
      twoDigits(text, t.getHour()).append(':');
      twoDigits(text, t.getMinute()).append(':');
      twoDigits(text, t.getSecond()).append('.');
      c = new Second(s, text.toString());
      second = c;
    }
    b.append(c.text());
    int ms = Math.floorMod(epochMs, 1000);
    if (ms < 100) {
      b.append('0');
    }
    if (ms < 10) {
      b.append('0');
    }
    b.append(ms);
  }

  private static StringBuilder twoDigits(StringBuilder b, int v) {
    if (v < 10) {
      b.append('0');
    }
    return b.append(v);
  }
}
