package io.himoe.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The access line written directly is the line logback's pattern layout writes. */
class AccessLineLayoutTest {

  @Test
  void writesWhatThePatternLayoutWrites() {
    LoggerContext context = new LoggerContext();
    PatternLayout pattern = new PatternLayout();
    pattern.setContext(context);
    pattern.setPattern(AccessLineLayout.PATTERN);
    pattern.start();
    AccessLineLayout direct = new AccessLineLayout();
    direct.setContext(context);
    direct.start();
    String[] loggers = {
      "io.himoe.server.http.HimoeServer", "Short", "a.b.C", "org.eclipse.jetty.server.Server"
    };
    Level[] levels = {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR};
    long[] times = {0L, 999L, 1_000L, 1_765_000_123_004L, 1_765_000_123_050L, 1_765_086_399_999L};
    int checked = 0;
    for (String logger : loggers) {
      for (Level level : levels) {
        for (long time : times) {
          for (int mdc = 0; mdc < 3; mdc++) {
            LoggingEvent e =
                new LoggingEvent(
                    "fqcn",
                    context.getLogger(logger),
                    level,
                    "{} {} -> {} in {} ms ({})",
                    mdc == 2 ? new IllegalStateException("boom") : null,
                    new Object[] {"POST", "/v1/chat/completions", 200, 3L, "anonymous"});
            e.setTimeStamp(time);
            e.setMDCPropertyMap(
                switch (mdc) {
                  case 0 -> Map.of("trace_id", "0b5e8b1e-7c4f-4f7a-9a55-2f3c1d9e8a77");
                  case 1 -> Map.of("other", "x");
                  default -> Map.of();
                });
            assertThat(direct.doLayout(e)).isEqualTo(pattern.doLayout(e));
            checked++;
          }
        }
      }
    }
    assertThat(checked).isEqualTo(4 * 5 * 6 * 3);
  }
}
