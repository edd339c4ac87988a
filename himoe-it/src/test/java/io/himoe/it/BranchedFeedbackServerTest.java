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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Labelled feedback over HTTP reaches a learning expert: a user asks the branched vision expert
 * about images through the chat API and posts the right label ({@code expected}) to {@code
 * /v1/feedback}; every {@code feedback_batch} labels the expert learns them as a new task and saves
 * the learner, which a restarted server loads.
 */
class BranchedFeedbackServerTest {

  static final String KEY = "it-key";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  Assembly assembly;
  HimoeServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (assembly != null) {
      assembly.close();
    }
  }

  private Path trainedLearner() throws Exception {
    Path file = dir.resolve("shapes.learner");
    Random r = new Random(1);
    DigitImageEncoder enc = DigitImageEncoder.mnist();
    float[][] x = new float[40][];
    int[] y = new int[40];
    for (int i = 0; i < x.length; i++) {
      y[i] = i % 2;
      x[i] = enc.encode(InputData.bytes(DigitImages.draw(y[i], r, "png"))).vector();
    }
    try (BranchedNetwork n =
        BranchedNetwork.create(NetworkConfig.of(784, 2).withHidden(16).withSeed(2))) {
      ContinualLearner learner =
          new ContinualLearner(
              n,
              LearnerConfig.ofDefaults().withTraining(5, 16, 0.05).withGate(5, 0.1),
              new EpisodicMemory(10, 1));
      learner.learn("rings and strokes", new Dataset(x, y));
      learner.save(file);
    }
    return file;
  }

  private void serve(Path learner, Path saveTo) {
    String yaml =
        """
        server:
          auth:
            api_keys: ["${TEST_KEY}"]
        experts:
          - name: shapes
            kind: branched
            options:
              learner: "%s"
              labels: "ring,stroke"
              feedback_batch: "4"
              save: "%s"
        routers:
          - id: vision
            experts: [shapes]
            fallback: shapes
        """
            .formatted(learner.toString().replace('\\', '/'), saveTo.toString().replace('\\', '/'));
    assembly = Assembly.build(ConfigLoader.of(Map.of("TEST_KEY", KEY)).parse(yaml, "test"));
    server =
        HimoeServer.builder(assembly)
            .host("127.0.0.1")
            .port(0)
            .feedbackDb(dir.resolve("fb.db"))
            .start();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + KEY)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String askAbout(byte[] png) throws Exception {
    String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    HttpResponse<String> r =
        post(
            "/v1/chat/completions",
            """
            {"model": "vision", "messages": [{"role": "user", "content": [
              {"type": "text", "text": "which shape is this?"},
              {"type": "image_url", "image_url": {"url": "%s"}}]}]}
            """
                .formatted(url));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("trace_id").asText();
  }

  @Test
  void labelledFeedbackOverHttpTeachesTheBranchedExpertANewTaskThatIsSaved() throws Exception {
    Path saved = dir.resolve("learned.learner");
    serve(trainedLearner(), saved);
    Random r = new Random(7);
    for (int i = 0; i < 4; i++) {
      int shape = i % 2;
      String trace = askAbout(DigitImages.draw(shape, r, "png"));
      assertThat(Files.exists(saved)).as("nothing learned before the 4th label").isFalse();
      HttpResponse<String> fb =
          post(
              "/v1/feedback",
              "{\"trace_id\":\""
                  + trace
                  + "\",\"expected\":\""
                  + (shape == 0 ? "ring" : "stroke")
                  + "\"}");
      assertThat(fb.statusCode()).as(fb.body()).isEqualTo(202);
    }
    // The 4th label completed a batch: learned as task 'shapes-feedback-1' and saved.
    assertThat(saved).exists();
    ContinualLearner learned = ContinualLearner.load(saved);
    try {
      assertThat(learned.branchOf("shapes-feedback-1")).isNotNegative();
      assertThat(learned.branchOf("rings and strokes")).isNotNegative();
    } finally {
      learned.network().close();
    }
    // A server restarted on the saved learner answers from it.
    stop();
    server = null;
    assembly = null;
    serve(saved, dir.resolve("again.learner"));
    JsonNode answer =
        JSON.readTree(
            post(
                    "/v1/chat/completions",
                    """
                    {"model": "vision", "messages": [{"role": "user", "content": [
                      {"type": "image_url", "image_url": {"url": "data:image/png;base64,%s"}}]}]}
                    """
                        .formatted(
                            Base64.getEncoder()
                                .encodeToString(DigitImages.draw(0, new Random(3), "png"))))
                .body());
    assertThat(answer.at("/choices/0/message/content").asText()).contains("probabilities");
  }
}
