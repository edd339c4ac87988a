package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
      // Each chart has a value axis in its unit, a time axis and the current value, which is the
      // last point the server reported.
      JsonNode series =
          new ObjectMapper()
              .readTree(
                  http.send(
                          HttpRequest.newBuilder(URI.create(server.url() + "/v1/dashboard"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .get("series");
      JsonNode last = series.get(series.size() - 1);
      assertChart(after, "chart-entropy", "nats", last.get("entropy").asDouble(), 2);
      assertChart(after, "chart-drift", "TV distance", last.get("drift").asDouble(), 2);
      assertChart(after, "chart-cv", "σ/μ", last.get("load_balance_cv").asDouble(), 2);
      assertChart(after, "chart-latency", "ms", last.get("latency_ms").asDouble(), 0);
      // Drift is a distance in [0, 1]: its axis is that range, whatever the data.
      assertThat(svg(after, "chart-drift"))
          .contains(">0.00</text>")
          .contains(">0.50</text>")
          .contains(">1.00</text>");
      // The latency axis' top is a round number above every point, so no point is cut off.
      double topMs = Double.parseDouble(attr(svg(after, "chart-latency"), "data-y-max"));
      for (JsonNode p : series) {
        assertThat(topMs).isGreaterThanOrEqualTo(p.get("latency_ms").asDouble());
      }
      // The expert table and the decision list show what was sent, with the explanation.
      assertThat(after).contains("<td>planning</td>");
      for (String goal : goals) {
        assertThat(after).contains(goal);
      }
      assertThat(after).contains("live · updated");
    }
  }

  private static void assertChart(
      String dom, String chart, String unit, double current, int digits) {
    String svg = svg(dom, chart);
    // Three value ticks (0, half, top), the unit on the value axis, two times on the time axis.
    assertThat(Pattern.compile("class=\"y-tick\"").matcher(svg).results().count())
        .as(chart + " value ticks")
        .isEqualTo(3);
    assertThat(svg).as(chart + " unit").contains("class=\"unit\"").contains(">" + unit + "<");
    assertThat(
            Pattern.compile("class=\"x-tick\"[^>]*>\\d\\d:\\d\\d:\\d\\d<")
                .matcher(svg)
                .results()
                .count())
        .as(chart + " time ticks")
        .isEqualTo(2);
    // Rounded as JavaScript's toFixed does: on the double's exact binary value, half up.
    String now =
        "now "
            + new java.math.BigDecimal(current).setScale(digits, java.math.RoundingMode.HALF_UP)
            + " "
            + unit;
    assertThat(dom).as(chart + " current value").contains("id=\"" + chart + "-now\">" + now + "<");
  }

  private static String svg(String dom, String chart) {
    Matcher m = Pattern.compile("<svg id=\"" + chart + "\".*?</svg>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as(chart + " in the page").isTrue();
    return m.group();
  }

  private static String attr(String element, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(element);
    assertThat(m.find()).as(name).isTrue();
    return m.group(1);
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
