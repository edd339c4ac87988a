package io.himoe.tune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.experts.encoders.Pooling;
import io.himoe.experts.encoders.SentenceEncoder;
import io.himoe.shared.InputData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole tuning path on the real all-MiniLM-L6-v2 graph (the point is that a real Hugging Face
 * export is read right, so no made-up model), a few steps of its top two layers only: training
 * moves the loss, and the graph written back serves, through the project's own ONNX encoder,
 * exactly the vectors the tuned DJL model computes.
 */
class FineTunerTest {

  private static final String[] MUSIC = {
    "play some jazz", "put on my workout playlist", "play the next song", "turn the music up",
    "play something by queen", "shuffle my favourite songs", "play relaxing piano",
        "skip this track"
  };
  private static final String[] WEATHER = {
    "will it rain tomorrow", "what is the temperature outside", "is it sunny in paris",
    "do i need an umbrella today", "weather forecast for the weekend", "how cold is it",
    "will it snow tonight", "is there a storm coming"
  };

  @Test
  void tuneWritesAGraphThatServesTheTunedVectors(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < MUSIC.length; i++) {
      lines.add("{\"text\": \"" + MUSIC[i] + "\", \"intent\": \"music\"}");
      lines.add("{\"text\": \"" + WEATHER[i] + "\", \"intent\": \"weather\"}");
    }
    lines.add("{\"text\": \"tell me a joke about cats\", \"intent\": \"oos\"}");
    Files.write(train, lines);
    Path out = dir.resolve("tuned");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    int code =
        TuneMain.run(
            new String[] {
              "--model",
              "minilm-full",
              "--train",
              train.toString(),
              "--val",
              train.toString(),
              "--oos-label",
              "oos",
              "--out",
              out.toString(),
              "--batch-size",
              "8",
              "--epochs",
              "2",
              "--learning-rate",
              "1e-4",
              // the top two layers train over states kept for the four below (the cached path;
              // FrozenStatesTest checks it equals the full pass): a third of the full cost
              "--train-layers",
              "2",
              "--threads",
              "1",
              // the first epoch's encoder too, to choose the epoch count afterwards
              "--save-epochs"
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8));
    String log = stderr.toString(StandardCharsets.UTF_8);
    assertThat(code).as(log).isZero();
    String[] outLines = stdout.toString(StandardCharsets.UTF_8).strip().split("\n");
    JsonNode json = new ObjectMapper().readTree(outLines[outLines.length - 1]);
    assertThat(json.get("parity_max_diff").asDouble()).isLessThan(1e-3);
    assertThat(json.get("written_max_diff").asDouble()).isLessThan(1e-3);
    assertThat(json.get("val_accuracy")).hasSize(2);
    assertThat(json.get("val_accuracy").get(1).asDouble()).isGreaterThanOrEqualTo(0.75);
    assertThat(out.resolve("tokenizer.json")).exists();
    assertThat(out.resolve("tune.json")).exists();
    assertThat(log).contains("DJL vs ONNX Runtime before training");
    // the validation rows' states first (16 in scope), then the training rows not among them
    assertThat(log)
        .contains("frozen layers 0-3 computed for 16/16 texts")
        .contains("frozen layers 0-3 computed for 1/1 texts");

    // The tuned graph differs from the original, and the project's encoder reads it.
    SentenceEncoder tuned =
        SentenceEncoder.fromFiles(
            out.resolve("model.onnx"), out.resolve("tokenizer.json"), Pooling.MEAN, "", 0);
    SentenceEncoder original =
        SentenceEncoder.of(io.himoe.experts.encoders.SentenceModel.MINILM_L6_V2, 0);
    float[] a = tuned.encode(InputData.text("play some jazz")).vector();
    float[] b = original.encode(InputData.text("play some jazz")).vector();
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    assertThat(dot).isLessThan(0.9999).isGreaterThan(0.5);

    // --save-epochs: the encoder after epoch 1 of 2 is written beside, differs from the final one
    // (it trained one epoch less) and serves too; the last epoch is the main output, not repeated.
    Path epoch1 = out.resolve("epoch-1");
    assertThat(json.get("checkpoints")).hasSize(1);
    assertThat(json.get("checkpoints").get(0).asText())
        .isEqualTo("onnx:" + epoch1.resolve("model.onnx").toAbsolutePath() + ",pooling=mean");
    assertThat(out.resolve("epoch-2")).doesNotExist();
    SentenceEncoder first =
        SentenceEncoder.fromFiles(
            epoch1.resolve("model.onnx"), epoch1.resolve("tokenizer.json"), Pooling.MEAN, "", 0);
    float[] c = first.encode(InputData.text("play some jazz")).vector();
    assertThat(c).isNotEqualTo(a).isNotEqualTo(b);
    assertThat(log).contains("epoch-1: written graph vs tuned DJL model");
    assertThat(json.get("encoder").asText())
        .isEqualTo("onnx:" + out.resolve("model.onnx").toAbsolutePath() + ",pooling=mean");
  }

  @Test
  void aStepBudgetEndsTheEpochsEarlySoNoCheckpointRepeatsTheLastEpoch() {
    // 640 rows in batches of 32: 20 steps per epoch; --save-epochs writes epochs before this one
    assertThat(FineTuner.epochsRun(640, options(3, Integer.MAX_VALUE))).isEqualTo(3);
    assertThat(FineTuner.epochsRun(640, options(3, 6))).isEqualTo(1);
    assertThat(FineTuner.epochsRun(640, options(3, 20))).isEqualTo(1);
    assertThat(FineTuner.epochsRun(640, options(3, 21))).isEqualTo(2);
    assertThat(FineTuner.epochsRun(641, options(2, Integer.MAX_VALUE))).isEqualTo(2);
  }

  private static TuneOptions options(int epochs, int maxSteps) {
    return new TuneOptions(epochs, 32, 1e-4, 3e-3, 0.01, 0.06, maxSteps, false, 1, 42);
  }

  @Test
  void badInputIsRefusedWithItsReason(@TempDir Path dir) throws Exception {
    Path train =
        Files.writeString(dir.resolve("t.jsonl"), "{\"text\": \"hi\", \"intent\": \"a\"}\n");
    assertThat(
            run(
                err -> {},
                "--model",
                "minilm",
                "--train",
                train.toString(),
                "--out",
                dir.toString()))
        .contains("is int8");
    assertThat(run(err -> {}, "--train", train.toString(), "--out", dir.toString()))
        .contains("either --model NAME or --onnx FILE");
    assertThat(
            run(
                err -> {},
                "--onnx",
                dir.resolve("none.onnx").toString(),
                "--train",
                train.toString(),
                "--out",
                dir.toString()))
        .contains("no such file");
    assertThat(
            run(
                err -> {},
                "--model",
                "minilm-full",
                "--train",
                dir.resolve("x.jsonl").toString(),
                "--out",
                dir.toString()))
        .contains("x.jsonl");
    assertThatThrownBy(() -> new TuneOptions(0, 1, 1, 1, 0, 0, 1, false, 1, 1))
        .hasMessageContaining("--epochs");
  }

  private static String run(java.util.function.Consumer<String> unused, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        TuneMain.run(
            args,
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(TuneMain.BAD_INPUT);
    return err.toString(StandardCharsets.UTF_8);
  }
}
