package io.himoe.branches.bench;

import io.himoe.branches.learning.BranchEvent;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Writes a run's tables and plots: Markdown, an accuracy-matrix heat map and per-task curves. */
public final class Report {

  private Report() {}

  /**
   * Writes {@code report.md}, {@code accuracy-matrix.png} and {@code accuracy-over-time.png}.
   *
   * @param dir the directory (created if missing)
   * @param r the run
   * @param command the command line that produced it
   * @throws IOException if a file cannot be written
   */
  public static void write(Path dir, RunResult r, String command) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    ImageIO.write(heatMap(r), "png", dir.resolve("accuracy-matrix.png").toFile());
    ImageIO.write(curves(r), "png", dir.resolve("accuracy-over-time.png").toFile());
    Files.writeString(dir.resolve("report.md"), markdown(r, command));
  }

  static String markdown(RunResult r, String command) {
    StringBuilder b = new StringBuilder();
    b.append("# ")
        .append(r.protocol())
        .append(" / ")
        .append(r.scenario().name().toLowerCase(Locale.ROOT))
        .append(" / ")
        .append(r.method().name().toLowerCase(Locale.ROOT))
        .append("\n\n");
    b.append("Command: `").append(command).append("`\n\n");
    b.append(String.format(Locale.ROOT, "| metric | value |%n|---|---|%n"));
    b.append(row("average accuracy (%)", 100 * r.metrics().averageAccuracy()));
    b.append(row("backward transfer (points)", 100 * r.metrics().backwardTransfer()));
    b.append(row("forward transfer (points)", 100 * r.metrics().forwardTransfer()));
    b.append(row("forgetting (points)", 100 * r.metrics().forgetting()));
    b.append(row("intransigence (points, vs joint)", 100 * r.metrics().intransigence()));
    b.append(row("floats kept (weights + protection) / one network", r.paramsRatio()));
    b.append(row("weights / one network", r.weightsRatio()));
    b.append(row("branch forward passes / input", r.computeRatio()));
    b.append(
        String.format(
            Locale.ROOT,
            "| spawns / merges / collections | %d / %d / %d |%n",
            r.spawns(),
            r.merges(),
            r.collections()));
    b.append(row("seconds", r.seconds()));
    b.append("\n## Accuracy matrix R (%, row = after task i, column = task j)\n\n|   |");
    int t = r.matrix().tasks();
    for (int j = 0; j < t; j++) {
      b.append(" t").append(j).append(" |");
    }
    b.append("\n|---|").append("---|".repeat(t)).append('\n');
    for (int i = 0; i < t; i++) {
      b.append("| after t").append(i).append(" |");
      for (int j = 0; j < t; j++) {
        b.append(String.format(Locale.ROOT, " %.1f |", 100 * r.matrix().at(i, j)));
      }
      b.append('\n');
    }
    b.append(
        "\n![accuracy matrix](accuracy-matrix.png) ![accuracy over time](accuracy-over-time.png)\n");
    b.append("\n## Branch usage per task at the end (share of test inputs)\n\n");
    for (int j = 0; j < r.usage().length; j++) {
      b.append("- t").append(j).append(':');
      for (int s = 0; s < r.usage()[j].length; s++) {
        if (r.usage()[j][s] > 0) {
          b.append(String.format(Locale.ROOT, " branch %d %.0f%%", s, 100 * r.usage()[j][s]));
        }
      }
      b.append('\n');
    }
    b.append("\n## Events\n\n");
    for (BranchEvent e : r.events()) {
      b.append("- ")
          .append(e.getClass().getSimpleName())
          .append(": ")
          .append(e.reason())
          .append('\n');
    }
    return b.toString();
  }

  private static String row(String k, double v) {
    if (Double.isNaN(v)) {
      return String.format(Locale.ROOT, "| %s | n/a |%n", k);
    }
    return String.format(Locale.ROOT, "| %s | %.3f |%n", k, v);
  }

  private static BufferedImage heatMap(RunResult r) {
    int t = r.matrix().tasks();
    int cell = 60;
    int margin = 70;
    BufferedImage img =
        new BufferedImage(
            margin + t * cell + 20, margin + t * cell + 20, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.drawString("R[i][j] (%): rows = after task i, columns = task j", 10, 20);
    for (int i = 0; i < t; i++) {
      g.setColor(Color.BLACK);
      g.drawString("after t" + i, 5, margin + i * cell + cell / 2);
      g.drawString("t" + i, margin + i * cell + cell / 2 - 6, margin - 8);
      for (int j = 0; j < t; j++) {
        double a = r.matrix().at(i, j);
        g.setColor(new Color((float) (1 - a), (float) (0.3 + 0.6 * a), (float) (0.3 + 0.2 * a)));
        g.fillRect(margin + j * cell, margin + i * cell, cell - 2, cell - 2);
        g.setColor(Color.BLACK);
        g.drawString(
            String.format(Locale.ROOT, "%.1f", 100 * a),
            margin + j * cell + 12,
            margin + i * cell + cell / 2 + 4);
      }
    }
    g.dispose();
    return img;
  }

  private static BufferedImage curves(RunResult r) {
    int t = r.matrix().tasks();
    int w = 640;
    int h = 400;
    int left = 50;
    int bottom = 40;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    g.drawString("accuracy (%) of each task after each training stage", 10, 20);
    g.drawLine(left, h - bottom, w - 20, h - bottom);
    g.drawLine(left, 30, left, h - bottom);
    for (int v = 0; v <= 100; v += 25) {
      int y = h - bottom - (h - bottom - 30) * v / 100;
      g.drawString(String.valueOf(v), 15, y + 4);
    }
    double dx = t > 1 ? (w - 20 - left - 20) / (double) (t - 1) : 0;
    g.setStroke(new BasicStroke(2));
    for (int j = 0; j < t; j++) {
      g.setColor(Color.getHSBColor(j / (float) Math.max(1, t), 0.8f, 0.8f));
      int px = -1;
      int py = -1;
      for (int i = j; i < t; i++) {
        int x = (int) (left + 10 + i * dx);
        int y = (int) (h - bottom - (h - bottom - 30) * r.matrix().at(i, j));
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        g.fillOval(x - 3, y - 3, 6, 6);
        px = x;
        py = y;
      }
      g.drawString("t" + j, w - 60, 40 + 14 * j);
    }
    g.dispose();
    return img;
  }

  private static Graphics2D canvas(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }
}
