package io.himoe.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.branches.data.Dataset;
import io.himoe.branches.learning.ContinualLearner;
import io.himoe.branches.learning.LearnerConfig;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.NetworkConfig;
import io.himoe.branches.vision.DigitImageEncoder;
import io.himoe.branches.vision.DigitImages;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code branched} expert kind in a real server on 127.0.0.1, as {@code ./himoe serve --with
 * branches} runs it: a chat message with an image (a {@code data:} URL) is answered by a learner
 * trained on drawn rings and strokes, with every class's probability.
 */
class BranchedServerTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  static Path learnerFile;
  static Assembly assembly;
  static HimoeServer server;

  @BeforeAll
  static void start() throws Exception {
    learnerFile = dir.resolve("shapes.learner");
    Random r = new Random(1);
    DigitImageEncoder enc = DigitImageEncoder.mnist();
    float[][] x = new float[80][];
    int[] y = new int[80];
    for (int i = 0; i < x.length; i++) {
      y[i] = i % 2;
      x[i] = enc.encode(InputData.bytes(DigitImages.draw(y[i], r, "png"))).vector();
    }
    try (BranchedNetwork n =
        BranchedNetwork.create(NetworkConfig.of(784, 2).withHidden(32).withSeed(2))) {
      ContinualLearner learner =
          new ContinualLearner(
              n,
              LearnerConfig.ofDefaults().withTraining(10, 16, 0.05).withGate(10, 0.1),
              new EpisodicMemory(20, 1));
      learner.learn("rings and strokes", new Dataset(x, y));
      learner.save(learnerFile);
    }
    assembly = Assembly.build(config(learnerFile.toString()));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .feedbackDb(dir.resolve("fb.db"))
            .start();
  }

  static HimoeConfig config(String learner) {
    return ConfigLoader.of(Map.of())
        .parse(
            """
            experts:
              - name: shapes
                kind: branched
                options:
                  learner: "%s"
                  labels: "ring,stroke"
                  save: none
            routers:
              - id: vision
                experts: [shapes]
                fallback: shapes
            """
                .formatted(learner),
            "test");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (assembly != null) {
      assembly.close();
    }
  }

  static HttpResponse<String> chatWithImage(byte[] png) throws Exception {
    String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    String body =
        """
        {"model": "vision", "messages": [{"role": "user", "content": [
          {"type": "text", "text": "which shape is this?"},
          {"type": "image_url", "image_url": {"url": "%s"}}]}]}
        """
            .formatted(url);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anImageInAChatMessageIsAnsweredWithClassProbabilities() throws Exception {
    Random r = new Random(42);
    int right = 0;
    for (int i = 0; i < 10; i++) {
      int shape = i % 2;
      HttpResponse<String> res = chatWithImage(DigitImages.draw(shape, r, "png"));
      assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
      JsonNode answer =
          JSON.readTree(JSON.readTree(res.body()).at("/choices/0/message/content").asText());
      assertThat(answer.get("probabilities").size()).isEqualTo(2);
      right += answer.get("label").asText().equals(shape == 0 ? "ring" : "stroke") ? 1 : 0;
    }
    assertThat(right).isGreaterThanOrEqualTo(9);
  }

  /**
   * The expert refuses the input with an {@code EncodeError} naming what is missing: the client's
   * mistake, so the router re-routes it, and with no other expert able to take it the request is a
   * 422 naming the expert's reason (never a 5xx, which OpenAI SDKs would retry).
   */
  @Test
  void aTextOnlyMessageFailsNamingWhatIsMissing() throws Exception {
    HttpResponse<String> res =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"vision\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(res.body()).isEqualTo(422);
    JsonNode error = JSON.readTree(res.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(error.get("code").asText()).isEqualTo("unprocessable_input");
    assertThat(error.get("message").asText())
        .contains(
            "expected an image in the last user message (an image_url part with a data: URL)");
  }

  @Test
  void aMissingLearnerFileIsAConfigErrorNamingTheOption() {
    assertThatThrownBy(() -> Assembly.build(config(dir.resolve("absent.learner").toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("experts[0].options.learner: no such file");
  }
}
