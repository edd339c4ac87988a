package io.himoe.eval;

import static io.himoe.eval.Cli.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutcomesCommandTest {

  @TempDir Path dir;

  static String[] args(String train, String test, String... more) {
    List<String> a =
        new java.util.ArrayList<>(
            List.of(
                "outcomes",
                "--train",
                train,
                "--test",
                test,
                "--prices",
                resource("outcomes/models.json")));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void learnsAChoiceAndDrawsTheQualityCostCurve() throws IOException {
    Path report = dir.resolve("out");
    Cli r =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--cost-weight",
                "0",
                "--cost-weight",
                "2,20",
                "--report",
                report.toString()));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    List<String> keys = RoutesCommandTest.fieldNames(j);
    assertThat(keys)
        .containsExactly(
            "n_test",
            "quality",
            "cost_per_1k",
            "best_single_model",
            "best_single_quality",
            "best_single_cost_per_1k",
            "oracle_quality",
            "gap_closed");
    assertThat(j.get("n_test").asInt()).isEqualTo(40);
    double q = j.get("quality").asDouble();
    double best = j.get("best_single_quality").asDouble();
    double oracle = j.get("oracle_quality").asDouble();
    assertThat(oracle).isGreaterThanOrEqualTo(best).isGreaterThanOrEqualTo(q);
    assertThat(j.get("gap_closed").asDouble())
        .isCloseTo((q - best) / (oracle - best), within(1e-4));

    List<String> csv = Files.readAllLines(report.resolve("curve.csv"));
    // header, 3 cost weights, 9 single models, the oracle
    assertThat(csv).hasSize(1 + 3 + 9 + 1);
    assertThat(csv.get(1)).startsWith("routed,learned,0.0,");
    // a higher cost weight never costs more
    double c0 = Double.parseDouble(csv.get(1).split(",")[4]);
    double c20 = Double.parseDouble(csv.get(3).split(",")[4]);
    assertThat(c20).isLessThanOrEqualTo(c0);
    assertThat(ImageIO.read(report.resolve("curve.png").toFile()).getHeight()).isEqualTo(600);
    assertThat(Files.readString(report.resolve("metrics.json"))).contains("\"curve\"");
  }

  @Test
  void aCalibratedPolicyIsChosenOnHeldOutTrainingRowsAndReportedOnTest() {
    Cli r =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--target-quality",
                "0.95"));
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = r.json();
    assertThat(RoutesCommandTest.fieldNames(j))
        .containsExactly(
            "n_test",
            "quality",
            "cost_per_1k",
            "best_single_model",
            "best_single_quality",
            "best_single_cost_per_1k",
            "oracle_quality",
            "gap_closed",
            "quality_share_of_best",
            "cost_share_of_best",
            "policy");
    JsonNode p = j.get("policy");
    assertThat(p.get("target_quality").asDouble()).isEqualTo(0.95);
    assertThat(p.get("calibration_cost_per_1k").asDouble()).isPositive();
    if (p.get("reached_on_calibration").asBoolean()) {
      assertThat(p.get("calibration_quality").asDouble())
          .isGreaterThanOrEqualTo(
              0.95 * p.get("calibration_best_single_quality").asDouble() - 1e-9);
    }
    assertThat(j.get("cost_share_of_best").asDouble())
        .isCloseTo(
            j.get("cost_per_1k").asDouble() / j.get("best_single_cost_per_1k").asDouble(),
            within(1e-3));
    assertThat(r.err()).contains("calibration (24 held-out training rows)");

    Cli capped =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--max-cost",
                "0"));
    assertThat(capped.code()).as(capped.err()).isZero();
    assertThat(capped.json().get("policy").get("max_cost").asDouble()).isZero();
    Cli both =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--max-cost",
                "1",
                "--target-quality",
                "0.9"));
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("not both");
    Cli bandit =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--target-quality",
                "0.9",
                "--learner",
                "ucb1"));
    assertThat(bandit.err()).contains("use --learner gate");
  }

  @Test
  void banditLearnersRunAndLinUcbRefusesWideEncoders() {
    Cli r =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--learner",
                "ucb1",
                "--cost-weight",
                "0,5"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.json().get("n_test").asInt()).isEqualTo(40);
    assertThat(r.err()).contains("bandit ucb1, cost weight 5.0: trained online on 120 queries");
    Cli wide =
        Cli.run(
            args(
                resource("outcomes/train.jsonl"),
                resource("outcomes/test.jsonl"),
                "--learner",
                "linucb"));
    assertThat(wide.code()).isEqualTo(2);
    assertThat(wide.err()).contains("gives 4480 dimensions, at most 512");
    assertThat(
            Cli.run(
                    args(
                        resource("outcomes/train.jsonl"),
                        resource("outcomes/test.jsonl"),
                        "--learner",
                        "oracle"))
                .err())
        .contains("--learner: unknown kind 'oracle'");
  }

  @Test
  void nonNumericScoresAndUnpricedModelsAreRefused() throws IOException {
    Path bad =
        Files.writeString(
            dir.resolve("bad.jsonl"),
            "{\"query\":\"2+2?\",\"scores\":{\"gemma-2-9b-it\":1.0}}\n"
                + "{\"query\":\"3+3?\",\"scores\":{\"gemma-2-9b-it\":\"yes\"}}\n");
    Path report = dir.resolve("out");
    Cli r = Cli.run(args(bad.toString(), bad.toString(), "--report", report.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("bad.jsonl, line 2, field 'scores.gemma-2-9b-it'");
    assertThat(report).doesNotExist();

    Path unpriced =
        Files.writeString(
            dir.resolve("u.jsonl"), "{\"query\":\"2+2?\",\"scores\":{\"gpt-9\":1.0}}\n");
    Cli u = Cli.run(args(unpriced.toString(), unpriced.toString()));
    assertThat(u.code()).isEqualTo(2);
    assertThat(u.err()).contains("no price for model 'gpt-9'");

    Path other =
        Files.writeString(
            dir.resolve("o.jsonl"), "{\"query\":\"2+2?\",\"scores\":{\"gemma-2-9b-it\":1.0}}\n");
    Cli m = Cli.run(args(resource("outcomes/train.jsonl"), other.toString()));
    assertThat(m.code()).isEqualTo(2);
    assertThat(m.err()).contains("o.jsonl, line 1, field 'scores'");

    assertThat(Cli.run(args(other.toString(), other.toString(), "--cost-weight", "-1")).err())
        .contains("--cost-weight must be >= 0");
  }
}
