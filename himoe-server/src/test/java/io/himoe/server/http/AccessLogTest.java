package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.assembly.Assembly;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log as an operator reads it on standard error (the server's own {@code logback.xml}):
 * one line per request in a fixed format, with the server's trace id, the route, the status and the
 * caller; written in batches, and all of it by the time the server is closed.
 */
class AccessLogTest {

  @TempDir Path dir;

  @Test
  void everyRequestHasOneLineInTheFormatOperatorsParse() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String trace;
    String missingTrace;
    String metrics;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try (Assembly a = EdgeTest.assembly("");
          HimoeServer s =
              HimoeServer.builder(a)
                  .host("127.0.0.1")
                  .port(0)
                  .feedbackDb(dir.resolve("f.db"))
                  .start()) {
        HttpResponse<String> ok = EdgeTest.send(EdgeTest.chat(s, "/v1/chat/completions", null));
        assertThat(ok.statusCode()).isEqualTo(200);
        trace = ok.headers().firstValue("X-Trace-Id").orElseThrow();
        HttpResponse<String> missing =
            EdgeTest.send(HttpRequest.newBuilder(URI.create(s.url() + "/v1/nothing-here")).GET());
        assertThat(missing.statusCode()).isEqualTo(404);
        missingTrace = missing.headers().firstValue("X-Trace-Id").orElseThrow();
        metrics =
            EdgeTest.send(HttpRequest.newBuilder(URI.create(s.url() + "/metrics")).GET()).body();
      } // close() writes the lines still queued
    } finally {
      System.setErr(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines)
        .filteredOn(l -> l.contains(trace))
        .singleElement()
        .matches(
            l ->
                Pattern.matches(
                    "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\["
                        + trace
                        + "\\] i\\.h\\.s\\.http\\.HimoeServer - POST /v1/chat/completions -> 200"
                        + " in \\d+ ms \\(anonymous\\)",
                    l),
            "the access line of the chat");
    assertThat(lines)
        .filteredOn(l -> l.contains(missingTrace))
        .singleElement()
        .matches(
            l ->
                l.matches(
                    ".* INFO  \\["
                        + missingTrace
                        + "\\] i\\.h\\.s\\.http\\.HimoeServer - GET /v1/nothing-here -> 404"
                        + " in \\d+ ms \\(anonymous\\)"),
            "the access line of the 404");
    // /metrics itself has no access line; it counts the lines the log had to drop.
    assertThat(lines).noneMatch(l -> l.contains("GET /metrics"));
    assertThat(metrics).contains("\nhimoe_log_lines_dropped_total ");
  }
}
