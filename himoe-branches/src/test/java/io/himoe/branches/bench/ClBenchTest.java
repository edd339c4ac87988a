package io.himoe.branches.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.branches.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reduced protocol CI runs end to end: generated tasks, real training, real report. */
class ClBenchTest {

  @TempDir Path dir;

  /** The reduced class-incremental protocol, small enough for a unit test. */
  private static final String[] SYNTHETIC_CLASS = {
    "--protocol",
    "synthetic",
    "--scenario",
    "class",
    "--hidden",
    "32",
    "--epochs",
    "8",
    "--lr",
    "0.05"
  };

  private record Out(int code, String out, String err) {}

  private static Out run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        ClBench.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Out(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static JsonNode lastJson(String out) throws Exception {
    String[] lines = out.strip().split("\n");
    return new ObjectMapper().readTree(lines[lines.length - 1]);
  }

  @Test
  void branchesBeatNaiveOnTheReducedClassIncrementalProtocol() throws Exception {
    String[] common = SYNTHETIC_CLASS;
    Out branches =
        run(
            concat(
                new String[] {"cl", "run", "--method", "branches", "--report", dir.toString()},
                common));
    Out naive = run(concat(new String[] {"cl", "run", "--method", "naive"}, common));
    assertThat(branches.code()).as(branches.err()).isZero();
    assertThat(naive.code()).as(naive.err()).isZero();
    JsonNode b = lastJson(branches.out());
    JsonNode n = lastJson(naive.out());
    for (String k :
        new String[] {
          "protocol",
          "scenario",
          "method",
          "average_accuracy",
          "bwt",
          "fwt",
          "forgetting",
          "params_ratio",
          "seconds"
        }) {
      assertThat(b.has(k)).as(k).isTrue();
    }
    assertThat(b.get("method").asText()).isEqualTo("branches");
    assertThat(b.get("spawns").asInt()).isPositive();
    assertThat(b.get("average_accuracy").asDouble())
        .isGreaterThan(n.get("average_accuracy").asDouble());
    assertThat(b.get("forgetting").asDouble()).isLessThan(n.get("forgetting").asDouble());
    assertThat(branches.err()).contains("after task 3/3");
    assertThat(Files.readString(dir.resolve("report.md")))
        .contains("Accuracy matrix R")
        .contains("Spawned");
    assertThat(Files.size(dir.resolve("accuracy-matrix.png"))).isPositive();
    assertThat(Files.size(dir.resolve("accuracy-over-time.png"))).isPositive();
  }

  @Test
  void theRuleVerifierRunsTwoBranchesAndKeepsOneThatAnswersALearnedClass() throws Exception {
    String[] common = SYNTHETIC_CLASS;
    Out rule =
        run(concat(common, new String[] {"--method", "branches", "--gate", "parallel2-rule"}));
    Out top1 = run(concat(common, new String[] {"--method", "branches"}));
    assertThat(rule.code()).as(rule.err()).isZero();
    JsonNode r = lastJson(rule.out());
    JsonNode t = lastJson(top1.out());
    // two branches computed per input once there are two, against one for top-1
    assertThat(r.get("compute_ratio").asDouble()).isGreaterThan(1.5);
    assertThat(t.get("compute_ratio").asDouble()).isEqualTo(1.0);
    // same training (same seed): the verifier only changes which branch answers
    assertThat(r.get("spawns").asInt()).isEqualTo(t.get("spawns").asInt());
    assertThat(r.get("average_accuracy").asDouble()).isGreaterThan(1.0 / 3);
  }

  @Test
  void intransigenceComesFromASavedJointRun() throws Exception {
    String[] common = {
      "cl",
      "run",
      "--protocol",
      "synthetic",
      "--scenario",
      "class",
      "--hidden",
      "32",
      "--epochs",
      "4",
      "--lr",
      "0.05"
    };
    Out joint = run(concat(common, new String[] {"--method", "joint"}));
    assertThat(joint.code()).as(joint.err()).isZero();
    JsonNode j = lastJson(joint.out());
    // joint training is its own reference
    assertThat(j.get("intransigence").asDouble()).isZero();
    assertThat(j.get("diagonal").size()).isEqualTo(3);
    Path saved = dir.resolve("joint.out");
    Files.writeString(saved, joint.out());

    Out naive = run(concat(common, new String[] {"--method", "naive"}));
    assertThat(lastJson(naive.out()).get("intransigence").isNull()).isTrue();
    Out withRef =
        run(
            concat(
                common, new String[] {"--method", "naive", "--joint-reference", saved.toString()}));
    assertThat(withRef.code()).as(withRef.err()).isZero();
    JsonNode n = lastJson(withRef.out());
    double expected = 0;
    for (int t = 0; t < 3; t++) {
      expected += (j.get("diagonal").get(t).asDouble() - n.get("diagonal").get(t).asDouble()) / 3;
    }
    assertThat(n.get("intransigence").asDouble()).isCloseTo(expected, within(1e-3));
    assertThat(n.get("average_accuracy").asDouble())
        .isEqualTo(lastJson(naive.out()).get("average_accuracy").asDouble());

    Path notJoint = dir.resolve("naive.out");
    Files.writeString(notJoint, naive.out());
    Out wrong =
        run(
            concat(
                common,
                new String[] {"--method", "naive", "--joint-reference", notJoint.toString()}));
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err()).contains(notJoint.toString()).contains("method is 'naive'");
    Out missing =
        run(concat(common, new String[] {"--method", "naive", "--joint-reference", "/no/file"}));
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("/no/file: no such file");
    Out otherScenario =
        run(
            "--protocol",
            "synthetic",
            "--scenario",
            "domain",
            "--method",
            "naive",
            "--joint-reference",
            saved.toString());
    assertThat(otherScenario.code()).isEqualTo(2);
    assertThat(otherScenario.err()).contains("scenario is 'class', expected 'domain'");
  }

  @Test
  void badArgumentsExitTwoWithAMessage() {
    Out missing = run("cl", "run", "--protocol", "synthetic", "--scenario", "class");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("--method is required");
    Out unknown =
        run("cl", "run", "--protocol", "synthetic", "--scenario", "class", "--method", "magic");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown method 'magic'");
    Out noMnist =
        run(
            "--protocol",
            "split-mnist",
            "--scenario",
            "class",
            "--method",
            "naive",
            "--mnist",
            "/nonexistent");
    assertThat(noMnist.code()).isEqualTo(1);
    assertThat(noMnist.err()).contains("fetch-mnist.sh");
    Out badShift =
        run(
            "--protocol",
            "synthetic",
            "--scenario",
            "class",
            "--method",
            "branches",
            "--test-shift",
            "-1");
    assertThat(badShift.code()).isEqualTo(2);
    assertThat(badShift.err()).contains("--test-shift must be >= 0");
    String[] common = {"--protocol", "synthetic", "--scenario", "class", "--method", "branches"};
    Out badNumber = run(concat(common, new String[] {"--epochs", "five"}));
    assertThat(badNumber.code()).isEqualTo(2);
    assertThat(badNumber.err()).contains("--epochs needs a whole number, got 'five'");
    Out badDecimal = run(concat(common, new String[] {"--lr", "fast"}));
    assertThat(badDecimal.err()).contains("--lr needs a number, got 'fast'");
    Out badHidden = run(concat(common, new String[] {"--hidden", "400,x"}));
    assertThat(badHidden.err()).contains("--hidden needs a whole number, got 'x'");
    Out badKind = run(concat(common, new String[] {"--kind", "fulll"}));
    assertThat(badKind.code()).isEqualTo(2);
    assertThat(badKind.err()).contains("--kind needs full or low-rank, got 'fulll'");
    assertThat(run(concat(common, new String[] {"--measure", "kl"})).err())
        .contains("--measure needs cosine or fisher, got 'kl'");
    assertThat(run(concat(common, new String[] {"--granularity", "layer"})).err())
        .contains("--granularity needs block, hidden or head, got 'layer'");
    assertThat(run(concat(common, new String[] {"--gate", "top3"})).err())
        .contains("--gate needs soft, top1", "got 'top3'");
    assertThat(run(concat(common, new String[] {"--gate-fresh", "maybe"})).err())
        .contains("--gate-fresh needs on or off, got 'maybe'");
    Out badElastic = run(concat(common, new String[] {"--train-elastic", "-2"}));
    assertThat(badElastic.code()).isEqualTo(2);
    assertThat(badElastic.err()).contains("--train-elastic must be a finite number of pixels");
  }

  @Test
  void anUnknownOptionIsRefusedByName() {
    Out misspelt =
        run(
            "cl",
            "run",
            "--protocol",
            "synthetic",
            "--scenario",
            "class",
            "--method",
            "naive",
            "--epoch",
            "3");
    assertThat(misspelt.code()).isEqualTo(2);
    assertThat(misspelt.err()).contains("unknown option '--epoch'").contains("usage: cl run");
    assertThat(misspelt.out()).isEmpty();
    Out flagLike =
        run("--protocol", "synthetic", "--scenario", "class", "--method", "naive", "--fast");
    assertThat(flagLike.code()).isEqualTo(2);
    assertThat(flagLike.err()).contains("unknown option '--fast'");
  }

  @Test
  void theUsageListsExactlyTheOptionsThatAreAccepted() {
    java.util.Set<String> inUsage = new java.util.TreeSet<>();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("--([a-z][a-z-]*)").matcher(ClBench.USAGE);
    while (m.find()) {
      inUsage.add(m.group(1));
    }
    assertThat(inUsage).containsExactlyInAnyOrderElementsOf(ClBench.OPTIONS);
  }

  @Test
  void unsetFlagsTakeTheProtocolsDefaults() {
    Dataset one = new Dataset(new float[][] {{1f, 0f}}, new int[] {0});
    Protocol clinc =
        new Protocol(
            "clinc-domains",
            Scenario.TASK,
            2,
            2,
            List.of(new ClTask("d", one, one, new int[] {0, 1})));
    RunOptions o = ClBench.options(Method.BRANCHES, clinc, Map.of());
    assertThat(o).isEqualTo(RunOptions.of(Method.BRANCHES, "clinc-domains", Scenario.TASK));
    assertThat(o.hidden()).containsExactly(256);
    assertThat(ClBench.options(Method.BRANCHES, clinc, Map.of("hidden", "64,32")).hidden())
        .containsExactly(64, 32);
  }

  @Test
  void helpExplainsTheOptionsOnStandardOutput() {
    Out help = run("cl", "run", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("usage: cl run", "--protocol", "--train-elastic", "JSON");
    assertThat(help.err()).isEmpty();
  }

  @Test
  void testTimeShiftsMoveTheImageAndBlankWhatIsVacated() {
    float[] x = new float[28 * 28];
    x[5 * 28 + 7] = 1f; // row 5, column 7
    float[] right = ClRun.translate(x, 1, 0);
    assertThat(right[5 * 28 + 8]).isEqualTo(1f);
    assertThat(right[5 * 28 + 7]).isZero();
    float[] up = ClRun.translate(x, 0, -2);
    assertThat(up[3 * 28 + 7]).isEqualTo(1f);
    float[] edge = new float[28 * 28];
    edge[27] = 1f; // row 0, last column: moved out of the image
    float[] gone = ClRun.translate(edge, 1, 0);
    for (float v : gone) {
      assertThat(v).isZero();
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void saveWritesTheLearnerOfTheFirstTasksForAServerToLoad() throws Exception {
    Path file = dir.resolve("first-two.learner");
    String[] args =
        concat(
            SYNTHETIC_CLASS,
            new String[] {"--method", "branches", "--tasks", "2", "--save", file.toString()});
    Out o = run(args);
    assertThat(o.code()).as(o.err()).isZero();
    assertThat(o.err()).contains("learner saved to " + file);
    assertThat(lastJson(o.out()).get("final_accuracies")).hasSize(2);
    io.himoe.branches.learning.ContinualLearner loaded =
        io.himoe.branches.learning.ContinualLearner.load(file);
    try {
      assertThat(loaded.events()).hasSize(2);
      assertThat(loaded.network().config().inputs()).isEqualTo(20);
      assertThat(loaded.network().config().classes()).isEqualTo(6);
    } finally {
      loaded.network().close();
    }
    Out tooMany = run(concat(SYNTHETIC_CLASS, new String[] {"--method", "naive", "--tasks", "9"}));
    assertThat(tooMany.code()).isEqualTo(2);
    assertThat(tooMany.err()).contains("--tasks: 9, protocol synthetic has 1..3 tasks");
  }

  @Test
  void paramsRatioCountsWhatEachMethodKeeps() throws Exception {
    String[] common = {
      "cl",
      "run",
      "--protocol",
      "synthetic",
      "--scenario",
      "task",
      "--hidden",
      "16",
      "--epochs",
      "2",
      "--lr",
      "0.05"
    };
    Out naive = run(concat(common, new String[] {"--method", "naive"}));
    Out ewc = run(concat(common, new String[] {"--method", "ewc"}));
    Out si = run(concat(common, new String[] {"--method", "si"}));
    Out l2 = run(concat(common, new String[] {"--method", "l2"}));
    for (Out o : List.of(naive, ewc, si, l2)) {
      assertThat(o.code()).as(o.err()).isZero();
    }
    assertThat(lastJson(naive.out()).get("params_ratio").asDouble()).isEqualTo(1.0);
    // One network plus an anchor and an importance for each of its weights.
    assertThat(lastJson(ewc.out()).get("params_ratio").asDouble()).isEqualTo(3.0);
    assertThat(lastJson(si.out()).get("params_ratio").asDouble()).isEqualTo(3.0);
    assertThat(lastJson(l2.out()).get("params_ratio").asDouble()).isEqualTo(3.0);
    // The weights alone stay those of one network.
    assertThat(lastJson(ewc.out()).get("weights_ratio").asDouble()).isEqualTo(1.0);
  }
}
