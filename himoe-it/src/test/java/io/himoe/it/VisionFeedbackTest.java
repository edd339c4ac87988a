package io.himoe.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import io.himoe.shared.InputData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vision expert learns a class it never saw from labelled feedback sent over the API, without
 * forgetting the classes it knew: chat requests with images on 127.0.0.1, then {@code /v1/feedback}
 * naming the right label ({@code expected}) for each, learned as one task every {@code
 * feedback_batch}; afterwards the new class is recognised and the old ones still are.
 */
class VisionFeedbackTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String[] LABELS = {"ring", "stroke", "bar"};
  static final String KEY = "it-key-vision";

  @TempDir Path dir;

  /** A learner with three outputs that has only been taught rings (0) and strokes (1). */
  Path ringsAndStrokes() throws Exception {
    Path file = dir.resolve("shapes.learner");
    Random r = new Random(1);
    DigitImageEncoder enc = DigitImageEncoder.mnist();
    float[][] x = new float[80][];
    int[] y = new int[80];
    for (int i = 0; i < x.length; i++) {
      y[i] = i % 2;
      x[i] = enc.encode(InputData.bytes(DigitImages.draw(y[i], r, "png"))).vector();
    }
    try (BranchedNetwork n =
        BranchedNetwork.create(NetworkConfig.of(784, 3).withHidden(32).withSeed(2))) {
      ContinualLearner learner =
          new ContinualLearner(
              n,
              LearnerConfig.ofDefaults().withTraining(10, 16, 0.05).withGate(20, 0.1),
              new EpisodicMemory(30, 1));
      learner.learn("rings and strokes", new Dataset(x, y));
      learner.save(file);
    }
    return file;
  }

  static JsonNode post(HimoeServer s, String path, String body) throws Exception {
    HttpResponse<String> res =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(s.url() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(res.statusCode()).as(path + ": " + res.body()).isBetween(200, 299);
    return JSON.readTree(res.body());
  }

  static JsonNode ask(HimoeServer s, byte[] png) throws Exception {
    String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    return post(
        s,
        "/v1/chat/completions",
        """
        {"model": "vision", "messages": [{"role": "user", "content": [
          {"type": "image_url", "image_url": {"url": "%s"}}]}]}
        """
            .formatted(url));
  }

  static String label(JsonNode completion) throws Exception {
    return JSON.readTree(completion.at("/choices/0/message/content").asText())
        .path("label")
        .asText();
  }

  static double accuracy(HimoeServer s, int shape, int n, long seed) throws Exception {
    Random r = new Random(seed);
    int ok = 0;
    for (int i = 0; i < n; i++) {
      ok += label(ask(s, DigitImages.draw(shape, r, "png"))).equals(LABELS[shape]) ? 1 : 0;
    }
    return (double) ok / n;
  }

  @Test
  void labelledFeedbackOverTheApiTeachesANewClassAndKeepsTheOldOnes() throws Exception {
    Path learner = ringsAndStrokes();
    var config =
        ConfigLoader.of(Map.of("TEST_KEY", KEY))
            .parse(
                """
                server:
                  auth:
                    api_keys: ["${TEST_KEY}"]
                experts:
                  - name: shapes
                    kind: branched
                    options:
                      learner: "%s"
                      labels: "ring,stroke,bar"
                      feedback_batch: 40
                      save: none
                routers:
                  - id: vision
                    experts: [shapes]
                    fallback: shapes
                """
                    .formatted(learner),
                "test");
    try (Assembly a = Assembly.build(config);
        HimoeServer s =
            HimoeServer.builder(a)
                .host("127.0.0.1")
                .port(0)
                .feedbackDb(dir.resolve("fb.db"))
                .start()) {
      double ringsBefore = accuracy(s, 0, 30, 11);
      double stokesBefore = accuracy(s, 1, 30, 13);
      assertThat(accuracy(s, 2, 30, 12)).as("bars before any feedback").isLessThan(0.5);
      // 40 bars, each answered, then named by the client: the feedback batch, learned as a task
      Random fb = new Random(7);
      for (int i = 0; i < 40; i++) {
        JsonNode answer = ask(s, DigitImages.draw(2, fb, "png"));
        post(
            s,
            "/v1/feedback",
            "{\"trace_id\": \"" + answer.path("trace_id").asText() + "\", \"expected\": \"bar\"}");
      }
      assertThat(accuracy(s, 2, 30, 12)).as("bars after feedback").isGreaterThanOrEqualTo(0.9);
      assertThat(accuracy(s, 0, 30, 11))
          .as("rings kept")
          .isGreaterThanOrEqualTo(ringsBefore - 0.05);
      assertThat(accuracy(s, 1, 30, 13))
          .as("strokes kept")
          .isGreaterThanOrEqualTo(stokesBefore - 0.05);
    }
  }
}
