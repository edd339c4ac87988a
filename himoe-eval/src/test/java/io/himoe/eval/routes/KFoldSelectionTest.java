package io.himoe.eval.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.eval.data.Labelled;
import io.himoe.learning.fit.FitOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KFoldSelectionTest {

  @TempDir Path dir;

  private static List<Labelled> rows(int... perLabel) {
    List<Labelled> rows = new ArrayList<>();
    for (int l = 0; l < perLabel.length; l++) {
      for (int i = 0; i < perLabel[l]; i++) {
        rows.add(new Labelled("text " + l + " " + i, "label" + l, Path.of("t.jsonl"), 1));
      }
    }
    return rows;
  }

  @Test
  void foldsAreStratifiedBalancedAndSeeded() {
    List<Labelled> rows = rows(10, 7, 3, 1);
    int[] fold = KFoldSelection.folds(rows, 5, 42);
    int[] size = new int[5];
    for (int f : fold) {
      size[f]++;
    }
    // 21 rows dealt in turn across the labels: fold sizes differ by at most one
    assertThat(size).containsExactlyInAnyOrder(5, 4, 4, 4, 4);
    // each label's rows spread over the folds: label0's 10 rows are two per fold
    int[] label0 = new int[5];
    for (int i = 0; i < 10; i++) {
      label0[fold[i]]++;
    }
    assertThat(label0).containsOnly(2);
    assertThat(KFoldSelection.folds(rows, 5, 42)).isEqualTo(fold);
    assertThat(KFoldSelection.folds(rows, 5, 7)).isNotEqualTo(fold);
  }

  private static CandidateScore score(String line, boolean tuned, int right, int rejected) {
    Candidate c =
        new Candidate(
            line, "hashing", FitOptions.ofDefaults(), new ThresholdRule.MaxAccuracy(), tuned);
    return new CandidateScore(c, right, 1000, rejected, 100, 0, 0, 0, 0, 1.0);
  }

  @Test
  void choosesTheMostAccurateUntunedCandidateReachingTheRecall() {
    List<CandidateScore> scores =
        List.of(
            score("a", false, 960, 70),
            // most accurate, but under the recall minimum
            score("b", false, 975, 50),
            // more accurate still, but its encoder was tuned on these rows
            score("c", true, 990, 90),
            score("d", false, 970, 60));
    KFoldSelection.Selection s = KFoldSelection.choose(scores, 0.6);
    assertThat(s.chosen()).isEqualTo(3);
    assertThat(s.candidate().line()).isEqualTo("d");
    assertThat(s.minimumMet()).isTrue();
    // nobody reaches 0.95: the most accurate untuned one, flagged
    KFoldSelection.Selection none = KFoldSelection.choose(scores, 0.95);
    assertThat(none.candidate().line()).isEqualTo("b");
    assertThat(none.minimumMet()).isFalse();
  }

  @Test
  void anOnnxModelWithATuneJsonBesideItOrOneUpIsTuned() throws IOException {
    Path run = Files.createDirectories(dir.resolve("tuned/run"));
    Files.createDirectories(run.resolve("epoch-1"));
    Files.writeString(run.resolve("tune.json"), "{}");
    Path plain = Files.createDirectories(dir.resolve("plain"));
    assertThat(Candidate.tunedEncoder("onnx:" + run.resolve("model.onnx") + ",pooling=cls"))
        .isTrue();
    assertThat(
            Candidate.tunedEncoder(
                "hashing-16384+onnx:" + run.resolve("epoch-1/model.onnx") + ",pooling=cls"))
        .isTrue();
    assertThat(Candidate.tunedEncoder("onnx:" + plain.resolve("model.onnx"))).isFalse();
    assertThat(Candidate.tunedEncoder("minilm+hashing")).isFalse();
  }

  @Test
  void optionsNameTheFlagTheyRefuse() {
    assertThatThrownBy(() -> new KFoldSelection.Options(1, 42, 0.6, 1, java.util.Optional.empty()))
        .hasMessageContaining("kfold:K needs K >= 2, got 1");
    assertThatThrownBy(() -> new KFoldSelection.Options(5, 42, 1.5, 1, java.util.Optional.empty()))
        .hasMessageContaining("--min-oos-recall must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> new KFoldSelection.Options(5, 42, 0.6, 0, java.util.Optional.empty()))
        .hasMessageContaining("--threads must be at least 1, got 0");
    assertThatThrownBy(() -> ThresholdRule.parse("oos-recall:1.5"))
        .hasMessageContaining("needs R in (0, 1], got 1.5");
    assertThatThrownBy(() -> ThresholdRule.parse("recall"))
        .hasMessageContaining("must be 'accuracy' or 'oos-recall:R'");
    assertThat(ThresholdRule.parse("oos-recall:0.65")).isEqualTo(new ThresholdRule.OosRecall(0.65));
  }
}
