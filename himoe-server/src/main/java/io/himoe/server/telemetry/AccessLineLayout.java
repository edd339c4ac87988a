package io.himoe.server.telemetry;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
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
 * characters as {@code %logger{24}} shortens it), then the stack trace of an exception, as
 * logback's pattern layout adds one. The server's {@code logback.xml} uses it for the logger {@code
 * HimoeServer} (one line per request, formatted on the request's thread); a pattern layout with
 * {@value #PATTERN} writes the same lines.
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

  @Override
  public void start() {
    zone = ZoneId.systemDefault();
    super.start();
  }

  @Override
  public String doLayout(ILoggingEvent event) {
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
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      b.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
    }
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
