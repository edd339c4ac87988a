package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as the official {@code openai} npm SDK sees it: {@code src/test/node/conformance.mjs}
 * (whole and streamed replies with the arrival time of each delta, a tools round trip, errors as
 * {@code APIError} subclasses) against a server on 127.0.0.1 whose {@code llm} expert talks to a
 * slow local upstream. Runs when {@code node} is on the PATH and the SDK is installed in {@code
 * src/test/node/node_modules} ({@code .ci/run} installs it with {@code npm ci} when the registry
 * can be reached); skipped with a message otherwise.
 */
class OpenAiNodeSdkTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "sk-node-conformance-1";
  static final Path SCRIPT_DIR = Path.of("src/test/node").toAbsolutePath();

  @TempDir Path dir;
  LocalUpstream upstream;
  Assembly assembly;
  HimoeServer server;

  @BeforeEach
  void start() throws Exception {
    upstream = new LocalUpstream();
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of("K", KEY))
                .parse(
                    """
                    budgets:
                      deadline_ms: 20000
                    server:
                      auth:
                        keys:
                          - key: ${K}
                            alias: node
                        protect: [chat]
                    experts:
                      - name: chat
                        kind: llm
                        endpoint: %s
                        models: [m1]
                        options:
                          tools: "true"
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

  static Path node() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path p = Path.of(d, "node");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void theOfficialSdkGetsWhatItExpects() throws Exception {
    Path node = node();
    assumeTrue(node != null, "node is not on the PATH: the openai npm SDK check is skipped");
    assumeTrue(
        Files.exists(SCRIPT_DIR.resolve("node_modules/openai/package.json")),
        "the openai npm package is not installed: run 'npm ci' in himoe-server/src/test/node"
            + " (.ci/run does when the npm registry can be reached); the SDK check is skipped");
    // The question that offers tools gets a tool call; every other request five slow tokens.
    upstream.behave(
        new LocalUpstream.Choose(
            req ->
                req.has("tools") && req.path("messages").size() == 1
                    ? new LocalUpstream.CallTool("call_1", "weather", "{\"city\":\"Paris\"}")
                    : new LocalUpstream.Tokens(
                        List.of("one ", "two ", "three ", "four ", "five"), 250, 12)));
    Process p =
        new ProcessBuilder(node.toString(), "conformance.mjs", server.url() + "/v1", KEY)
            .directory(SCRIPT_DIR.toFile())
            .redirectErrorStream(true)
            .start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String report = out.toString(StandardCharsets.UTF_8);
    System.out.println("openai npm SDK conformance:\n" + report);
    assertThat(p.exitValue()).as(report).isZero();
    List<JsonNode> checks =
        report.lines().filter(l -> l.startsWith("{")).map(OpenAiNodeSdkTest::read).toList();
    assertThat(checks.stream().map(c -> c.path("check").asText()))
        .as(report)
        .contains("whole", "stream", "tools", "error", "done");
    JsonNode stream =
        checks.stream().filter(c -> c.path("check").asText().equals("stream")).findFirst().get();
    // The first delta reached the SDK's iterator while the upstream still had ~1 s of tokens.
    assertThat(stream.path("last_ms").asDouble() - stream.path("first_ms").asDouble())
        .as(report)
        .isGreaterThan(750);
    assertThat(stream.path("deltas").asInt()).isEqualTo(5);
    // The multi-turn reply's upstream request had every message, in order.
    assertThat(upstream.requests().getFirst().path("messages").findValuesAsText("role"))
        .containsExactly("system", "user", "assistant", "user");
  }

  static JsonNode read(String line) {
    try {
      return JSON.readTree(line);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
