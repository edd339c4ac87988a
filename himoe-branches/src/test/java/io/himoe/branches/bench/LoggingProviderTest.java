package io.himoe.branches.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/** `./himoe cl` runs on this module's class path: SLF4J must find a provider there. */
class LoggingProviderTest {

  @Test
  void theClCommandHasAnSlf4jProviderSoSlf4jPrintsNoNopWarning() {
    // Without a provider SLF4J falls back to NOP and prints three warnings on stderr.
    assertThat(LoggerFactory.getILoggerFactory()).isNotInstanceOf(NOPLoggerFactory.class);
    // simplelogger.properties: warnings only, so DJL's informational lines stay out of the way.
    assertThat(LoggerFactory.getLogger("ai.djl").isInfoEnabled()).isFalse();
    assertThat(LoggerFactory.getLogger("ai.djl").isWarnEnabled()).isTrue();
  }
}
