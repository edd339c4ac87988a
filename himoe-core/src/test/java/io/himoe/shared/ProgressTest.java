package io.himoe.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final AtomicLong nanos = new AtomicLong();

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainOutputIsALinePerTenthWithRateAndEta() {
    Progress p = Progress.start(out, "embed", "rows", 1000, false, nanos::get);
    for (int i = 0; i < 1000; i++) {
      nanos.addAndGet(10_000_000L); // 10 ms a row: 100 rows/s
      p.advance(1);
    }
    p.finish();
    String[] lines = text().split("\n");
    // 10 %, 20 %, ... 90 %, then the summary.
    assertThat(lines).hasSize(10);
    assertThat(lines[0]).isEqualTo("embed: 100/1000 rows (10%), 100 rows/s, ETA 9.0 s");
    assertThat(lines[8]).isEqualTo("embed: 900/1000 rows (90%), 100 rows/s, ETA 1.0 s");
    assertThat(lines[9]).isEqualTo("embed: 1000/1000 rows in 10.0 s (100 rows/s)");
    assertThat(text()).doesNotContain("\r");
  }

  @Test
  void onATerminalOneBarIsRedrawnInPlaceAtMostEvery200Ms() {
    Progress p = Progress.start(out, "route", "queries", 300, true, nanos::get);
    for (int i = 0; i < 300; i++) {
      nanos.addAndGet(2_000_000L); // 2 ms a step: 100 steps take 200 ms
      p.advance(1);
    }
    p.finish();
    String t = text();
    // First step, then each 200 ms (steps 101, 201), the last step, then the summary.
    assertThat(t.split("\r", -1)).hasSize(1 + 5);
    assertThat(t)
        .contains("route: [########................] 101/300 queries (33%), 500 queries/s");
    assertThat(t).contains("ETA 0.4 s");
    assertThat(t).endsWith("\rroute: 300/300 queries in 0.6 s (500 queries/s)\u001b[K\n");
  }

  @Test
  void longDurationsReadAsMinutesAndHours() {
    assertThat(Progress.duration(7.25)).isEqualTo("7.3 s");
    assertThat(Progress.duration(245)).isEqualTo("4m05s");
    assertThat(Progress.duration(3720)).isEqualTo("1h02m");
  }

  @Test
  void slowWorkShowsAFractionalRate() {
    Progress p = Progress.start(out, "cl run", "tasks", 5, false, nanos::get);
    nanos.addAndGet(40_000_000_000L);
    p.advance(1);
    assertThat(text()).isEqualTo("cl run: 1/5 tasks (20%), 0.03 tasks/s, ETA 2m40s\n");
  }
}
