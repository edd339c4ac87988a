package io.himoe.eval.report;

import io.himoe.eval.metrics.Calibration;
import io.himoe.eval.metrics.RoutingMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** CSV tables behind the routing report: per-label scores and the reliability bins. */
public final class LabelTables {

  private LabelTables() {}

  /**
   * Writes {@code label,support,precision,recall,f1}, one row per label, by name.
   *
   * @param metrics the routing metrics
   * @param csv the file to write
   * @throws IOException if it cannot be written
   */
  public static void writePerLabel(RoutingMetrics metrics, Path csv) throws IOException {
    StringBuilder b = new StringBuilder("label,support,precision,recall,f1\n");
    for (RoutingMetrics.LabelScore l : metrics.labels()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%.6f,%.6f,%.6f%n",
              QualityCostCurve.csvCell(l.label()),
              l.support(),
              l.precision(),
              l.recall(),
              l.f1()));
    }
    Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Writes {@code lower,upper,count,mean_confidence,accuracy}, one row per bin.
   *
   * @param calibration the binned calibration
   * @param csv the file to write
   * @throws IOException if it cannot be written
   */
  public static void writeReliability(Calibration calibration, Path csv) throws IOException {
    StringBuilder b = new StringBuilder("lower,upper,count,mean_confidence,accuracy\n");
    for (Calibration.Bin bin : calibration.bins()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%.6f,%.6f,%d,%.6f,%.6f%n",
              bin.lower(),
              bin.upper(),
              bin.count(),
              bin.meanConfidence(),
              bin.accuracy()));
    }
    Files.writeString(csv, b.toString(), StandardCharsets.UTF_8);
  }
}
