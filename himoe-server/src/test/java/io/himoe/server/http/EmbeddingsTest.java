package io.himoe.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.experts.encoders.Encoders;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.shared.InputData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/embeddings} on 127.0.0.1: OpenAI's shape, batches, base64, and refusals. */
class EmbeddingsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static Assembly assembly;
  static HimoeServer server;

  @BeforeAll
  static void start() {
    assembly =
        Assembly.build(
            ConfigLoader.of(Map.of())
                .parse(
                    """
                    experts:
                      - name: planning
                        kind: planner
                    routers:
                      - id: main
                    """,
                    "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .feedbackDb(dir.resolve("f.db"))
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
    assembly.close();
  }

  static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aBatchGetsOneVectorPerInputInOrderAsTheEncoderComputesIt() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/embeddings",
            "{\"model\": \"hashing\", \"input\": [\"book a flight to Paris\", \"what is 2+2\"]}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode b = JSON.readTree(r.body());
    assertThat(b.path("object").asText()).isEqualTo("list");
    assertThat(b.path("model").asText()).isEqualTo("hashing");
    assertThat(b.path("data")).hasSize(2);
    float[] expected = Encoders.byName("hashing").encode(InputData.text("what is 2+2")).vector();
    JsonNode second = b.path("data").get(1);
    assertThat(second.path("object").asText()).isEqualTo("embedding");
    assertThat(second.path("index").asInt()).isEqualTo(1);
    assertThat(second.path("embedding")).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat((float) second.path("embedding").get(i).asDouble()).isEqualTo(expected[i]);
    }
    assertThat(b.path("usage").path("prompt_tokens").asInt()).isPositive();
    assertThat(b.path("usage").path("total_tokens").asInt())
        .isEqualTo(b.path("usage").path("prompt_tokens").asInt());
  }

  @Test
  void base64IsLittleEndianFloat32AndTheRouteAlsoAnswersWithoutV1() throws Exception {
    HttpResponse<String> r =
        post(
            "/embeddings",
            "{\"model\": \"hashing\", \"input\": \"hello\", \"encoding_format\": \"base64\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    byte[] bytes =
        Base64.getDecoder()
            .decode(JSON.readTree(r.body()).path("data").get(0).path("embedding").asText());
    float[] expected = Encoders.byName("hashing").encode(InputData.text("hello")).vector();
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes).hasSize(expected.length * 4);
    for (float f : expected) {
      assertThat(buf.getFloat()).isEqualTo(f);
    }
  }

  @Test
  void badRequestsAre4xxNamingTheField() throws Exception {
    Map<String, String> cases =
        Map.of(
            "{\"model\": \"hashing\", \"input\": [[1, 2, 3]]}", "input[0]",
            "{\"model\": \"hashing\", \"input\": []}", "input",
            "{\"model\": \"hashing\"}", "input",
            "{\"input\": \"x\"}", "model",
            "{\"model\": \"hashing\", \"input\": \"x\", \"encoding_format\": \"hex\"}",
                "encoding_format",
            "{\"model\": \"hashing\", \"input\": \"x\", \"dimensions\": 3}", "dimensions",
            "{\"model\": \"hashing\", \"input\": \"x\", \"dimensions\": \"3\"}", "dimensions",
            "{\"model\": \"hashing\", \"input\": \"x\", \"colour\": 1}", "colour");
    for (var e : cases.entrySet()) {
      HttpResponse<String> r = post("/v1/embeddings", e.getKey());
      assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("error").path("param").asText())
          .as(e.getKey())
          .isEqualTo(e.getValue());
    }
    HttpResponse<String> r =
        post("/v1/embeddings", "{\"model\": \"onnx:/etc/passwd\", \"input\": \"x\"}");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).path("error").path("code").asText())
        .isEqualTo("model_not_found");
    // a built-in model left out of the server jar: a 404 saying how to add it, not a 500
    HttpResponse<String> missing =
        post("/v1/embeddings", "{\"model\": \"bge-small\", \"input\": \"x\"}");
    assertThat(missing.statusCode()).isEqualTo(404);
    JsonNode error = JSON.readTree(missing.body()).path("error");
    assertThat(error.path("code").asText()).isEqualTo("model_not_found");
    assertThat(error.path("message").asText()).contains("'bge-small'").contains("--with models");
  }
}
