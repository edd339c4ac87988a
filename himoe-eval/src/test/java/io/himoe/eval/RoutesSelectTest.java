package io.himoe.eval;

import static io.himoe.eval.Cli.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval routes --select kfold:K --candidates FILE} and {@code --threshold-rule}. */
class RoutesSelectTest {

  @TempDir Path dir;

  private static final String GOOD = "--encoder hashing-4096 --epochs 30 --learning-rate 0.01";

  private Path candidates(String... lines) throws IOException {
    Path f = dir.resolve("candidates.txt");
    Files.write(f, List.of(lines));
    return f;
  }

  private static List<String> args(String train, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "routes",
                "--train",
                train,
                "--val",
                resource("clinc/val.jsonl"),
                "--test",
                resource("clinc/test.jsonl"),
                "--text-field",
                "text",
                "--label-field",
                "intent",
                "--oos-label",
                "oos",
                "--warmup",
                "5"));
    a.addAll(List.of(more));
    return a;
  }

  private static Cli run(List<String> args) {
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void crossValidationChoosesTheBetterEncoderAndReportsTheTestOnceForIt() throws IOException {
    Path file =
        candidates(
            "# a 16-dimension hashing encoder cannot separate six intents",
            "--encoder hashing-16 --epochs 30 --learning-rate 0.01",
            "",
            GOOD,
            GOOD + " --threshold-rule oos-recall:1.0");
    Cli r =
        run(
            args(
                resource("clinc/train.jsonl"),
                "--select",
                "kfold:4",
                "--candidates",
                file.toString(),
                "--min-oos-recall",
                "0.3",
                "--threads",
                "2"));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode sel = r.json().get("selection");
    assertThat(sel.get("method").asText()).isEqualTo("kfold:4");
    JsonNode cands = sel.get("candidates");
    assertThat(cands).hasSize(3);
    assertThat(cands.get(0).get("candidate").asText()).startsWith("--encoder hashing-16 ");
    double weak = cands.get(0).get("kfold_in_scope_accuracy").asDouble();
    double good = cands.get(1).get("kfold_in_scope_accuracy").asDouble();
    assertThat(good).isGreaterThan(weak + 0.2);
    // a threshold that rejects every validation out-of-scope row gives up in-scope rows
    assertThat(cands.get(2).get("val_oos_recall").asDouble()).isEqualTo(1.0);
    assertThat(cands.get(2).get("kfold_in_scope_accuracy").asDouble()).isLessThanOrEqualTo(good);
    int chosen = sel.get("chosen").asInt();
    assertThat(chosen).isIn(2, 3);
    assertThat(sel.get("min_oos_recall_met").asBoolean()).isTrue();
    assertThat(cands.get(chosen - 1).get("kfold_oos_recall").asDouble())
        .isGreaterThanOrEqualTo(0.3);
    // every in-scope training row was held out once: 6 intents x 20 rows, 4 folds
    assertThat(r.err())
        .contains("select: candidate 1/3: --encoder hashing-16")
        .contains("fold 4/4")
        .contains("select: candidate 2 fold 3: epoch 30/30")
        .containsPattern("cross-validated in-scope accuracy [0-9.]+ \\(\\d+/120\\)")
        .contains("select: chose candidate " + chosen);
    // the two hashing-4096 candidates differ only in their threshold rule: one encoding, one gate
    // per fold for both
    assertThat(r.err().split("texts with hashing-4096", -1)).hasSize(2);
    // then the chosen setting is fitted on all training rows and the test file routed once
    assertThat(r.json().get("n_test").asInt()).isEqualTo(35);
    assertThat(r.err()).contains("route: 35/35");
  }

  @Test
  void heldOutRowsNeverTrainTheirFoldsGate() throws IOException {
    // Labels shuffled among the in-scope rows: a gate can memorise them but not predict them.
    List<String> lines = Files.readAllLines(Path.of(resource("clinc/train.jsonl")));
    ObjectMapper json = new ObjectMapper();
    List<ObjectNode> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (String l : lines) {
      ObjectNode n = (ObjectNode) json.readTree(l);
      rows.add(n);
      if (!n.get("intent").asText().equals("oos")) {
        labels.add(n.get("intent").asText());
      }
    }
    Collections.shuffle(labels, new Random(1));
    List<String> shuffled = new ArrayList<>();
    int next = 0;
    for (ObjectNode n : rows) {
      if (!n.get("intent").asText().equals("oos")) {
        n.put("intent", labels.get(next++));
      }
      shuffled.add(json.writeValueAsString(n));
    }
    Path train = dir.resolve("shuffled.jsonl");
    Files.write(train, shuffled);
    String memorise = "--encoder hashing-4096 --epochs 60 --learning-rate 0.05";
    // Fitted on all rows and scored on the same rows, the gate has learned them by heart...
    List<String> onItself = new ArrayList<>(args(train.toString()));
    onItself.set(onItself.indexOf("--test") + 1, train.toString());
    onItself.addAll(List.of(memorise.split(" ")));
    Cli seen = run(onItself);
    assertThat(seen.code()).as(seen.err()).isZero();
    assertThat(seen.json().get("in_scope_accuracy").asDouble()).isGreaterThan(0.8);
    // ...while each held-out fold is near chance (one in six), as it must be if it never trained.
    Cli r =
        run(
            args(
                train.toString(),
                "--select",
                "kfold:5",
                "--candidates",
                candidates(memorise).toString(),
                "--min-oos-recall",
                "0"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(
            r.json()
                .get("selection")
                .get("candidates")
                .get(0)
                .get("kfold_in_scope_accuracy")
                .asDouble())
        .isLessThan(0.4);
  }

  @Test
  void anOosRecallRuleCalibratesTheThresholdToThatRecallOnValidation() {
    Cli all =
        run(
            args(
                resource("clinc/train.jsonl"),
                "--epochs",
                "30",
                "--threshold-rule",
                "oos-recall:1"));
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.json().get("val_oos_recall").asDouble()).isEqualTo(1.0);
    Cli fifth =
        run(
            args(
                resource("clinc/train.jsonl"),
                "--epochs",
                "30",
                "--threshold-rule",
                "oos-recall:0.2"));
    assertThat(fifth.code()).as(fifth.err()).isZero();
    // one of the five validation out-of-scope rows is enough; fewer in-scope rows are rejected
    assertThat(fifth.json().get("val_oos_recall").asDouble()).isBetween(0.2, 0.99);
    assertThat(fifth.json().get("val_in_scope_accuracy").asDouble())
        .isGreaterThanOrEqualTo(all.json().get("val_in_scope_accuracy").asDouble());
  }

  @Test
  void misusedSelectionFlagsExitTwoNamingTheFlagOrLine() throws IOException {
    Path file = candidates(GOOD);
    Cli alone = run(args(resource("clinc/train.jsonl"), "--select", "kfold:5"));
    assertThat(alone.code()).isEqualTo(2);
    assertThat(alone.err()).contains("--select and --candidates go together");
    Cli both =
        run(
            args(
                resource("clinc/train.jsonl"),
                "--select",
                "kfold:5",
                "--candidates",
                file.toString(),
                "--encoder",
                "hashing"));
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--encoder is given per candidate in --candidates");
    Cli notKfold =
        run(
            args(
                resource("clinc/train.jsonl"),
                "--select",
                "holdout",
                "--candidates",
                file.toString()));
    assertThat(notKfold.err()).contains("--select must be kfold:K, got 'holdout'");
    Path bad = candidates(GOOD, "--encoder hashing --hidden lots");
    Cli badLine =
        run(
            args(
                resource("clinc/train.jsonl"),
                "--select",
                "kfold:3",
                "--candidates",
                bad.toString()));
    assertThat(badLine.code()).isEqualTo(2);
    assertThat(badLine.err()).contains(bad + ", line 2").contains("--hidden");
    Cli badRule = run(args(resource("clinc/train.jsonl"), "--threshold-rule", "oos-recall:2"));
    assertThat(badRule.code()).isEqualTo(2);
    assertThat(badRule.err()).contains("needs R in (0, 1], got 2.0");
    assertThat(badLine.err()).doesNotContain("Exception");
  }

  @Test
  void refitWithValRoutesTheTestWithAGateThatAlsoLearnedTheValidationRows() {
    // the test file is the validation file: a gate fitted on it knows its rows
    List<String> base = args(resource("clinc/train.jsonl"), "--epochs", "30");
    base.set(base.indexOf("--test") + 1, resource("clinc/val.jsonl"));
    Cli plain = run(base);
    List<String> refit = new ArrayList<>(base);
    refit.add("--refit-with-val");
    Cli again = run(refit);
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(plain.json().get("n_train").asInt()).isEqualTo(140);
    assertThat(again.json().get("n_train").asInt()).isEqualTo(175);
    assertThat(again.err())
        .contains("refit: 140 training + 35 validation rows, keeping the threshold");
    // the validation keys are the first gate's, where the threshold was calibrated
    assertThat(again.json().get("val_in_scope_accuracy"))
        .isEqualTo(plain.json().get("val_in_scope_accuracy"));
    assertThat(plain.json().get("in_scope_accuracy").asDouble()).isLessThan(1.0);
    assertThat(again.json().get("in_scope_accuracy").asDouble()).isEqualTo(1.0);
    List<String> withTemperature = new ArrayList<>(refit);
    withTemperature.add("--temperature");
    Cli refused = run(withTemperature);
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err())
        .contains("--refit-with-val needs --val and the gate router, without --temperature");
  }
}
