package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the dashboard in real headless Chromium (Debian's {@code chromium}, installed by {@code
 * .ci/run}): the page loads, its script polls the server, and after requests are sent the counters,
 * the charts and the decision list show them. Chromium runs the page's JavaScript and prints the
 * rendered DOM ({@code --dump-dom} after a virtual-time budget that covers several polls).
 */
class DashboardBrowserTest {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @TempDir Path dir;

  @Test
  void dashboardShowsRequestsChartsAndDecisions() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM),
        "headless Chromium not installed (apt-get install chromium); .ci/run installs it");
    try (Assembly assembly = Assembly.build(ConfigLoader.of(Map.of()).embeddedDefault());
        HimoeServer server =
            HimoeServer.builder(assembly)
                .host("127.0.0.1")
                .port(0)
                .feedbackDb(dir.resolve("fb.db"))
                .start()) {
      String before = dumpDom(server.url() + "/");
      assertThat(before).contains("Hi-MoE").contains("<ol id=\"decisions\"></ol>");

      HttpClient http = HttpClient.newHttpClient();
      List<String> goals =
          List.of("plan: buy flour; bake bread", "plan the release: tag; build; publish");
      for (String goal : goals) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"himoe\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                + goal
                                + "\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
      }

      String after = dumpDom(server.url() + "/");
      // Counters: the script replaced the initial 0 with the server's count.
      assertThat(after).containsPattern("id=\"requests\">2<");
      // Charts: each series has been drawn as a polyline with at least one point.
      for (String chart : List.of("chart-entropy", "chart-drift", "chart-cv", "chart-latency")) {
        Matcher m =
            Pattern.compile("id=\"" + chart + "\"[^>]*data-points=\"(\\d+)\"").matcher(after);
        assertThat(m.find()).as(chart + " drawn").isTrue();
        assertThat(Integer.parseInt(m.group(1))).as(chart + " points").isGreaterThanOrEqualTo(1);
      }
      // The expert table and the decision list show what was sent, with the explanation.
      assertThat(after).contains("<td>planning</td>");
      for (String goal : goals) {
        assertThat(after).contains(goal);
      }
      assertThat(after).contains("live · updated");
    }
  }

  /** Loads a page in headless Chromium, lets its script run, and returns the rendered DOM. */
  private String dumpDom(String url) throws IOException, InterruptedException {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=3000",
                "--dump-dom",
                url));
    Path out = dir.resolve("dom-" + System.nanoTime() + ".html");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 60 s");
    }
    assertThat(p.exitValue()).as("chromium exit code").isZero();
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
