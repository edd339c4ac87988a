package io.himoe.eval.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Routing quality on a labelled test set. A rejected row counts as predicting the out-of-scope
 * label when there is one, and as wrong otherwise.
 *
 * @param n the number of rows
 * @param accuracy fraction of rows whose prediction equals the gold label, in [0, 1]
 * @param inScopeAccuracy the same over rows whose gold label is not out-of-scope (equals {@code
 *     accuracy} without an out-of-scope label; 0 when there is no in-scope row)
 * @param oosRecall fraction of out-of-scope rows that were rejected; empty without an out-of-scope
 *     label or without out-of-scope rows
 * @param macroF1 the unweighted mean of per-label F1 over every label that is gold or predicted
 *     (the out-of-scope label included), in [0, 1]
 * @param confusions (gold, predicted) pairs that differ, most frequent first
 * @param labels per-label scores, by label name
 */
public record RoutingMetrics(
    int n,
    double accuracy,
    double inScopeAccuracy,
    OptionalDouble oosRecall,
    double macroF1,
    List<Confusion> confusions,
    List<LabelScore> labels) {

  /**
   * A gold label and a wrong prediction, with how often it happened.
   *
   * @param gold the gold label
   * @param predicted the predicted label ({@code <rejected>} when rejected without an out-of-scope
   *     label)
   * @param count how many rows
   */
  public record Confusion(String gold, String predicted, int count) {}

  /**
   * Precision, recall and F1 of one label.
   *
   * @param label the label
   * @param support test rows whose gold label it is
   * @param precision right predictions of it over all predictions of it (0 when never predicted)
   * @param recall right predictions of it over its support (0 when no support)
   * @param f1 their harmonic mean (0 when both are 0)
   */
  public record LabelScore(String label, int support, double precision, double recall, double f1) {}

  /** The prediction recorded for a rejection when no out-of-scope label is configured. */
  public static final String REJECTED = "<rejected>";

  /** Copies the list. */
  public RoutingMetrics {
    confusions = List.copyOf(confusions);
    labels = List.copyOf(labels);
  }

  /**
   * @param rows the routed test rows, not empty
   * @param oosLabel the out-of-scope label, if the data has one
   * @return the metrics
   */
  public static RoutingMetrics of(List<Routed> rows, Optional<String> oosLabel) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no rows to score");
    }
    String rejected = oosLabel.orElse(REJECTED);
    int correct = 0;
    int inScope = 0;
    int inScopeCorrect = 0;
    int oos = 0;
    int oosCaught = 0;
    Map<String, int[]> perLabel = new HashMap<>(); // tp, fp, fn
    Map<List<String>, Integer> confused = new HashMap<>();
    for (Routed r : rows) {
      String p = r.predicted().orElse(rejected);
      boolean ok = p.equals(r.gold());
      boolean isOos = oosLabel.isPresent() && r.gold().equals(oosLabel.get());
      correct += ok ? 1 : 0;
      if (isOos) {
        oos++;
        oosCaught += ok ? 1 : 0;
      } else {
        inScope++;
        inScopeCorrect += ok ? 1 : 0;
      }
      if (ok) {
        perLabel.computeIfAbsent(p, k -> new int[3])[0]++;
      } else {
        perLabel.computeIfAbsent(r.gold(), k -> new int[3])[2]++;
        if (!p.equals(REJECTED)) {
          perLabel.computeIfAbsent(p, k -> new int[3])[1]++;
        }
        confused.merge(List.of(r.gold(), p), 1, Integer::sum);
      }
    }
    double f1Sum = 0;
    List<LabelScore> labels = new ArrayList<>();
    for (var e : new TreeMap<>(perLabel).entrySet()) {
      int[] c = e.getValue();
      int denominator = 2 * c[0] + c[1] + c[2];
      double f1 = denominator == 0 ? 0 : 2.0 * c[0] / denominator;
      f1Sum += f1;
      labels.add(
          new LabelScore(
              e.getKey(),
              c[0] + c[2],
              c[0] + c[1] == 0 ? 0 : (double) c[0] / (c[0] + c[1]),
              c[0] + c[2] == 0 ? 0 : (double) c[0] / (c[0] + c[2]),
              f1));
    }
    List<Confusion> confusions = new ArrayList<>();
    confused.forEach((k, v) -> confusions.add(new Confusion(k.get(0), k.get(1), v)));
    confusions.sort(
        Comparator.comparingInt(Confusion::count)
            .reversed()
            .thenComparing(Confusion::gold)
            .thenComparing(Confusion::predicted));
    return new RoutingMetrics(
        rows.size(),
        (double) correct / rows.size(),
        inScope == 0 ? 0 : (double) inScopeCorrect / inScope,
        oos == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) oosCaught / oos),
        f1Sum / perLabel.size(),
        confusions,
        labels);
  }
}
