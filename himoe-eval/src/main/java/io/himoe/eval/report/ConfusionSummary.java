package io.himoe.eval.report;

import io.himoe.eval.metrics.RoutingMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;

/**
 * A plain-text summary of routing quality, the most confused (gold, predicted) pairs and the labels
 * of lowest F1.
 */
public final class ConfusionSummary {

  private ConfusionSummary() {}

  /**
   * @param metrics the routing metrics
   * @param top how many confused pairs, and lowest-F1 labels, to list, at least 1
   * @return the summary text
   */
  public static String render(RoutingMetrics metrics, int top) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "rows %d, accuracy %.4f, in-scope accuracy %.4f, out-of-scope recall %s, macro-F1"
                + " %.4f%n%n",
            metrics.n(),
            metrics.accuracy(),
            metrics.inScopeAccuracy(),
            metrics.oosRecall().isPresent()
                ? String.format(Locale.ROOT, "%.4f", metrics.oosRecall().getAsDouble())
                : "n/a",
            metrics.macroF1()));
    int errors = metrics.confusions().stream().mapToInt(RoutingMetrics.Confusion::count).sum();
    b.append(
        String.format(
            Locale.ROOT,
            "most confused pairs (%d errors in %d distinct pairs)%n",
            errors,
            metrics.confusions().size()));
    b.append(String.format(Locale.ROOT, "%6s  %-30s -> %s%n", "count", "gold", "predicted"));
    metrics.confusions().stream()
        .limit(top)
        .forEach(
            c ->
                b.append(
                    String.format(
                        Locale.ROOT, "%6d  %-30s -> %s%n", c.count(), c.gold(), c.predicted())));
    b.append(String.format(Locale.ROOT, "%nlowest F1 labels%n"));
    b.append(
        String.format(
            Locale.ROOT,
            "%6s  %-30s %9s %9s %7s%n",
            "F1",
            "label",
            "precision",
            "recall",
            "support"));
    metrics.labels().stream()
        .sorted(
            Comparator.comparingDouble(RoutingMetrics.LabelScore::f1)
                .thenComparing(RoutingMetrics.LabelScore::label))
        .limit(top)
        .forEach(
            l ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        "%6.3f  %-30s %9.3f %9.3f %7d%n",
                        l.f1(),
                        l.label(),
                        l.precision(),
                        l.recall(),
                        l.support())));
    return b.toString();
  }

  /**
   * @param metrics the routing metrics
   * @param top how many pairs to list
   * @param file the text file to write
   * @throws IOException if it cannot be written
   */
  public static void write(RoutingMetrics metrics, int top, Path file) throws IOException {
    Files.writeString(file, render(metrics, top), StandardCharsets.UTF_8);
  }
}
