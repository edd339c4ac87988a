package io.himoe.eval.report;

import io.himoe.eval.metrics.Calibration;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A reliability diagram: for each confidence bin, the accuracy of its rows as a bar, against the
 * diagonal of perfect calibration. Empty bins are not drawn.
 */
public final class ReliabilityDiagram {

  private ReliabilityDiagram() {}

  /**
   * @param calibration the binned calibration
   * @param png the file to write
   * @throws IOException if the file cannot be written
   */
  public static void write(Calibration calibration, Path png) throws IOException {
    List<Calibration.Bin> full = calibration.bins().stream().filter(b -> b.count() > 0).toList();
    double[] mid = full.stream().mapToDouble(b -> (b.lower() + b.upper()) / 2).toArray();
    double[] acc = full.stream().mapToDouble(Calibration.Bin::accuracy).toArray();
    double[] conf = full.stream().mapToDouble(Calibration.Bin::meanConfidence).toArray();
    double width = calibration.bins().getFirst().upper() - calibration.bins().getFirst().lower();
    new Plot(
            String.format(Locale.ROOT, "Reliability diagram (ECE %.4f)", calibration.ece()),
            "confidence (top probability)",
            "accuracy of the top label",
            new double[] {0, 1},
            new double[] {0, 1})
        .barWidth(width * 0.9)
        .series("accuracy per bin", new Color(70, 130, 180), mid, acc, Plot.Style.BARS)
        .series("mean confidence per bin", new Color(220, 90, 40), mid, conf, Plot.Style.POINTS)
        .series(
            "perfect calibration",
            Color.GRAY,
            new double[] {0, 1},
            new double[] {0, 1},
            Plot.Style.DASHED)
        .write(png);
  }
}
