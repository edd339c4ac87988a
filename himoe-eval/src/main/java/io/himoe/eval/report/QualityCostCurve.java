package io.himoe.eval.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.DoubleStream;

/**
 * The quality a learned model choice reaches at each cost weight, next to every single model and
 * the oracle, as CSV and PNG.
 *
 * @param routed one point per cost weight
 * @param singles one point per model, always sending every query to it
 * @param oracleQuality the mean best score over queries
 */
public record QualityCostCurve(List<Routed> routed, List<Single> singles, double oracleQuality) {

  /**
   * The learned choice at one cost weight.
   *
   * @param costWeight quality given up per dollar per 1,000 queries
   * @param quality mean score of the chosen models
   * @param costPer1k estimated dollars per 1,000 queries
   * @param gapClosed share of the gap from the best single model to the oracle, if defined
   */
  public record Routed(
      double costWeight, double quality, double costPer1k, OptionalDouble gapClosed) {}

  /**
   * One model used for every query.
   *
   * @param model the model
   * @param quality its mean score
   * @param costPer1k its estimated dollars per 1,000 queries
   */
  public record Single(String model, double quality, double costPer1k) {}

  /** Copies the lists. */
  public QualityCostCurve {
    routed = List.copyOf(routed);
    singles = List.copyOf(singles);
  }

  /**
   * Writes {@code kind,name,cost_weight,quality,cost_per_1k,gap_closed} rows (kind {@code routed},
   * {@code single} or {@code oracle}; empty cells where a value does not apply).
   *
   * @param csv the file to write
   * @throws IOException if it cannot be written
   */
  public void writeCsv(Path csv) throws IOException {
    StringBuilder b = new StringBuilder("kind,name,cost_weight,quality,cost_per_1k,gap_closed\n");
    for (Routed r : routed) {
      b.append(
          String.format(
              Locale.ROOT,
              "routed,learned,%s,%.6f,%.6f,%s%n",
              r.costWeight(),
              r.quality(),
              r.costPer1k(),
              r.gapClosed().isPresent()
                  ? String.format(Locale.ROOT, "%.6f", r.gapClosed().getAsDouble())
                  : ""));
    }
    for (Single s : singles) {
      b.append(
          String.format(
              Locale.ROOT,
              "single,%s,,%.6f,%.6f,%n",
              csvCell(s.model()),
              s.quality(),
              s.costPer1k()));
    }
    b.append(String.format(Locale.ROOT, "oracle,oracle,,%.6f,,%n", oracleQuality));
    Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
  }

  static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? '"' + s.replace("\"", "\"\"") + '"'
        : s;
  }

  /**
   * Draws quality against cost: the learned choice as a line over cost weights, single models as
   * points, the oracle as a dashed level.
   *
   * @param png the file to write
   * @throws IOException if it cannot be written
   */
  public void writePng(Path png) throws IOException {
    List<Routed> byCost =
        routed.stream().sorted(Comparator.comparingDouble(Routed::costPer1k)).toList();
    double[] costs =
        DoubleStream.concat(
                byCost.stream().mapToDouble(Routed::costPer1k),
                singles.stream().mapToDouble(Single::costPer1k))
            .toArray();
    double[] qualities =
        DoubleStream.concat(
                DoubleStream.concat(
                    byCost.stream().mapToDouble(Routed::quality),
                    singles.stream().mapToDouble(Single::quality)),
                DoubleStream.of(oracleQuality))
            .toArray();
    double xMax = DoubleStream.of(costs).max().orElse(1) * 1.05;
    double yMin = Math.max(0, DoubleStream.of(qualities).min().orElse(0) - 0.05);
    double yMax = Math.min(1.0, DoubleStream.of(qualities).max().orElse(1) + 0.05);
    Plot plot =
        new Plot(
            "Quality vs cost",
            "estimated dollars per 1,000 queries",
            "mean quality",
            new double[] {0, xMax},
            new double[] {yMin, Math.max(yMax, yMin + 0.1)});
    plot.series(
        "learned choice (one point per cost weight)",
        new Color(70, 130, 180),
        byCost.stream().mapToDouble(Routed::costPer1k).toArray(),
        byCost.stream().mapToDouble(Routed::quality).toArray(),
        Plot.Style.LINE);
    plot.series(
        "single models",
        new Color(220, 90, 40),
        singles.stream().mapToDouble(Single::costPer1k).toArray(),
        singles.stream().mapToDouble(Single::quality).toArray(),
        Plot.Style.POINTS);
    plot.series(
        String.format(Locale.ROOT, "oracle (%.3f)", oracleQuality),
        Color.GRAY,
        new double[] {0, xMax},
        new double[] {oracleQuality, oracleQuality},
        Plot.Style.DASHED);
    plot.write(png);
  }
}
