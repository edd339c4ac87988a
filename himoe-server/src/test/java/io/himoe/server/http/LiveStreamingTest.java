package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming and cancellation on the wire: a raw socket client against the server, whose {@code llm}
 * expert talks to a slow or hanging local upstream.
 */
class LiveStreamingTest {

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  LocalUpstream upstream;
  Assembly assembly;
  HimoeServer server;

  @BeforeEach
  void start() throws Exception {
    upstream = new LocalUpstream();
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of())
                .parse(
                    """
                    budgets:
                      deadline_ms: 20000
                    experts:
                      - name: chat
                        kind: llm
                        endpoint: %s
                        models: [m1]
                    routers:
                      - id: main
                    """
                        .formatted(upstream.baseUrl()),
                    "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .feedbackDb(dir.resolve("f.db"))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    assembly.close();
    upstream.close();
  }

  static String chat(boolean stream, String extra) {
    return "{\"messages\":[{\"role\":\"user\",\"content\":\"count to five\"}]"
        + (stream ? ",\"stream\":true" : "")
        + extra
        + "}";
  }

  @Test
  void theFirstChunkLeavesLongBeforeTheUpstreamFinishes() throws Exception {
    upstream.behave(
        new LocalUpstream.Tokens(List.of("one ", "two ", "three ", "four ", "five"), 300, 12));
    try (RawClient c = RawClient.post(server.port(), "/v1/chat/completions", chat(true, ""))) {
      long sent = System.nanoTime();
      c.readUntil("data: [DONE]");
      String head = c.all().substring(0, c.all().indexOf("\r\n\r\n"));
      assertThat(head).containsIgnoringCase("Transfer-Encoding: chunked");
      assertThat(head).doesNotContainIgnoringCase("Content-Length");
      assertThat(head).containsIgnoringCase("Content-Type: text/event-stream");
      long first = c.arrivalOf("\"content\":\"one \"");
      long last = c.arrivalOf("\"content\":\"five\"");
      long done = c.arrivalOf("data: [DONE]");
      // The upstream takes 5 x 300 ms; the first token must not wait for the others.
      assertThat(first).isPositive();
      assertThat(Duration.ofNanos(last - first)).isGreaterThan(Duration.ofMillis(900));
      assertThat(Duration.ofNanos(first - sent))
          .isLessThan(Duration.ofNanos(done - sent - 900_000_000L));
    }
  }

  /**
   * Every request is handled on its own virtual thread: 40 streams held open by the upstream at
   * once are all in flight together, none waiting for a thread of a bounded pool.
   */
  @Test
  void fortyStreamsHeldOpenByTheUpstreamAreAllInFlightAtOnce() throws Exception {
    upstream.behave(new LocalUpstream.Hang(List.of("one ")));
    List<RawClient> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        clients.add(RawClient.post(server.port(), "/v1/chat/completions", chat(true, "")));
      }
      // Bounded: with handlers limited to a pool of platform threads the count stays below 40.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (upstream.open() < 40 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(upstream.open()).isEqualTo(40);
    } finally {
      for (RawClient c : clients) {
        c.close();
      }
    }
  }

  /**
   * The role chunk is not sent alone: it leaves in the same HTTP chunk as the first token (one
   * write and one client wake-up less before the first token), read from the chunked framing.
   */
  @Test
  void theRoleChunkLeavesWithTheFirstTokenInOneHttpChunk() throws Exception {
    upstream.behave(new LocalUpstream.Tokens(List.of("one ", "two"), 100, 12));
    try (RawClient c = RawClient.post(server.port(), "/v1/chat/completions", chat(true, ""))) {
      c.readUntil("data: [DONE]");
      String all = c.all();
      String body = all.substring(all.indexOf("\r\n\r\n") + 4);
      int eol = body.indexOf("\r\n");
      int size = Integer.parseInt(body.substring(0, eol).strip(), 16);
      String firstChunk = body.substring(eol + 2, eol + 2 + size);
      assertThat(firstChunk)
          .contains("\"role\":\"assistant\"")
          .contains("\"content\":\"one \"")
          .doesNotContain("\"content\":\"two\"");
    }
  }

  @Test
  void streamAndWholeRepliesNameTheSameModelAndStreamsCarryUsageWhenAsked() throws Exception {
    upstream.behave(new LocalUpstream.Tokens(List.of("a ", "b"), 0, 12));
    String events;
    try (RawClient c =
        RawClient.post(
            server.port(),
            "/v1/chat/completions",
            chat(true, ",\"stream_options\":{\"include_usage\":true}"))) {
      events =
          c.readUntil("data: [DONE]").stream().map(RawClient.Read::text).reduce("", String::concat);
    }
    List<JsonNode> chunks =
        events.lines().filter(l -> l.startsWith("data: {")).map(l -> read(l.substring(6))).toList();
    assertThat(chunks).allMatch(c -> c.path("model").asText().equals("main"));
    JsonNode usage = chunks.getLast();
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
    assertThat(usage.path("usage").path("completion_tokens").asInt()).isEqualTo(2);
    assertThat(chunks.get(chunks.size() - 2).path("choices").get(0).path("finish_reason").asText())
        .isEqualTo("stop");

    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(chat(false, "")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    JsonNode reply = read(r.body());
    assertThat(reply.path("model").asText()).isEqualTo("main");
    assertThat(reply.path("usage").path("prompt_tokens").asInt()).isEqualTo(12);
    assertThat(reply.path("choices").get(0).path("message").path("content").asText())
        .isEqualTo("a b");
  }

  @Test
  void aClientThatLeavesAWholeReplyCancelsTheUpstreamCall() throws Exception {
    leaves(false, List.of());
  }

  @Test
  void aClientThatLeavesAStreamBeforeTheFirstTokenCancelsTheUpstreamCall() throws Exception {
    leaves(true, List.of());
  }

  @Test
  void aClientThatLeavesAStreamBetweenTokensCancelsTheUpstreamCall() throws Exception {
    leaves(true, List.of("one ", "two "));
  }

  private void leaves(boolean stream, List<String> first) throws Exception {
    upstream.behave(new LocalUpstream.Hang(first));
    long closedAt;
    try (RawClient c = RawClient.post(server.port(), "/v1/chat/completions", chat(stream, ""))) {
      assertThat(upstream.awaitRequest(Duration.ofSeconds(10))).isTrue();
      if (!first.isEmpty()) {
        c.readUntil("\"content\":\"two \"");
      }
      assertThat(inFlight()).isEqualTo(1);
      closedAt = System.nanoTime();
    }
    long seen = upstream.awaitClientClosed(Duration.ofSeconds(10));
    assertThat(seen).as("the upstream saw its connection closed").isPositive();
    Duration lag = Duration.ofNanos(seen - closedAt);
    // The upstream client's cancel closes the socket itself (Apache HttpClient 5 classic), so the
    // upstream sees the close within milliseconds, every time. Without cancellation the upstream
    // is held to the 20 s deadline.
    System.out.println(
        "disconnect -> upstream closed in " + lag.toMillis() + " ms (stream=" + stream + ")");
    assertThat(lag).as("client close -> upstream socket closed").isLessThan(Duration.ofMillis(100));
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (inFlight() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(inFlight()).isZero();
  }

  private int inFlight() {
    return assembly.experts().stream()
        .filter(e -> e.name().equals("chat"))
        .mapToInt(Assembly.ExpertInfo::inFlight)
        .sum();
  }

  static JsonNode read(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }
}
