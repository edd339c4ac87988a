package io.himoe.eval.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A minimal headless x/y plot written as PNG: axes with ticks, labelled series drawn as lines,
 * points or bars, and a legend. Just enough for the evaluation charts, with no charting library.
 */
final class Plot {

  /** How a series is drawn. */
  enum Style {
    LINE,
    POINTS,
    BARS,
    DASHED
  }

  private record Series(String name, Color color, double[] xs, double[] ys, Style style) {}

  static final int WIDTH = 800;
  static final int HEIGHT = 600;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 85;

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final double xMin;
  private final double xMax;
  private final double yMin;
  private final double yMax;
  private final List<Series> series = new ArrayList<>();
  private double barWidth;

  Plot(String title, String xLabel, String yLabel, double[] xRange, double[] yRange) {
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
    // A flat range would divide by zero; widen it a little.
    double xPad = xRange[1] > xRange[0] ? 0 : Math.max(Math.abs(xRange[0]) * 0.1, 1e-9);
    double yPad = yRange[1] > yRange[0] ? 0 : Math.max(Math.abs(yRange[0]) * 0.1, 1e-9);
    this.xMin = xRange[0] - xPad;
    this.xMax = xRange[1] + xPad;
    this.yMin = yRange[0] - yPad;
    this.yMax = yRange[1] + yPad;
  }

  Plot series(String name, Color color, double[] xs, double[] ys, Style style) {
    series.add(new Series(name, color, xs.clone(), ys.clone(), style));
    return this;
  }

  /** Sets the width of bars, in x units. */
  Plot barWidth(double w) {
    this.barWidth = w;
    return this;
  }

  void write(Path png) throws IOException {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      axes(g);
      for (Series s : series) {
        draw(g, s);
      }
      legend(g);
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(img, "png", png.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  private double px(double x) {
    return LEFT + (x - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
  }

  private double py(double y) {
    return HEIGHT - BOTTOM - (y - yMin) / (yMax - yMin) * (HEIGHT - TOP - BOTTOM);
  }

  private void axes(Graphics2D g) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.setColor(Color.BLACK);
    g.drawRect(LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    double xStep = niceStep(xMax - xMin);
    for (double x = Math.ceil(xMin / xStep) * xStep; x <= xMax + xStep * 1e-9; x += xStep) {
      g.setColor(new Color(230, 230, 230));
      g.draw(new Line2D.Double(px(x), TOP, px(x), HEIGHT - BOTTOM));
      g.setColor(Color.BLACK);
      String xs = tick(x, xStep);
      g.drawString(
          xs, (float) px(x) - g.getFontMetrics().stringWidth(xs) / 2f, HEIGHT - BOTTOM + 18);
    }
    double yStep = niceStep(yMax - yMin);
    for (double y = Math.ceil(yMin / yStep) * yStep; y <= yMax + yStep * 1e-9; y += yStep) {
      g.setColor(new Color(230, 230, 230));
      g.draw(new Line2D.Double(LEFT, py(y), WIDTH - RIGHT, py(y)));
      g.setColor(Color.BLACK);
      String ys = tick(y, yStep);
      g.drawString(ys, LEFT - 8 - g.getFontMetrics().stringWidth(ys), (float) py(y) + 4);
    }
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.drawString(title, (WIDTH - g.getFontMetrics().stringWidth(title)) / 2f, TOP - 18);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    g.drawString(xLabel, (WIDTH - g.getFontMetrics().stringWidth(xLabel)) / 2f, HEIGHT - 40);
    Graphics2D r = (Graphics2D) g.create();
    r.rotate(-Math.PI / 2);
    r.drawString(yLabel, -(HEIGHT + r.getFontMetrics().stringWidth(yLabel)) / 2f, 22);
    r.dispose();
  }

  /** A step of 1, 2 or 5 times a power of ten that cuts the range into about five parts. */
  static double niceStep(double range) {
    double raw = range / 5;
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / power;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
  }

  /** Enough decimals to tell ticks one step apart. */
  static String tick(double v, double step) {
    int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step / 2 ? 0 : v);
  }

  private void draw(Graphics2D g, Series s) {
    g.setColor(s.color());
    switch (s.style()) {
      case LINE, DASHED -> {
        g.setStroke(
            s.style() == Style.LINE
                ? new BasicStroke(2f)
                : new BasicStroke(
                    1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f}, 0f));
        for (int i = 1; i < s.xs().length; i++) {
          g.draw(
              new Line2D.Double(
                  px(s.xs()[i - 1]), py(s.ys()[i - 1]), px(s.xs()[i]), py(s.ys()[i])));
        }
        if (s.style() == Style.LINE) {
          marks(g, s);
        }
        g.setStroke(new BasicStroke(1f));
      }
      case POINTS -> marks(g, s);
      case BARS -> {
        for (int i = 0; i < s.xs().length; i++) {
          double x0 = px(s.xs()[i] - barWidth / 2);
          double x1 = px(s.xs()[i] + barWidth / 2);
          double y = py(s.ys()[i]);
          double base = py(Math.max(yMin, 0));
          g.fill(new Rectangle2D.Double(x0, Math.min(y, base), x1 - x0, Math.abs(base - y)));
        }
      }
    }
  }

  private void marks(Graphics2D g, Series s) {
    for (int i = 0; i < s.xs().length; i++) {
      g.fill(new java.awt.geom.Ellipse2D.Double(px(s.xs()[i]) - 4, py(s.ys()[i]) - 4, 8, 8));
    }
  }

  /** One row under the x-axis label, outside the plot area, so it never hides data. */
  private void legend(Graphics2D g) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    int total = 0;
    for (Series s : series) {
      total += g.getFontMetrics().stringWidth(s.name()) + 40;
    }
    int x = Math.max(8, (WIDTH - total) / 2);
    int y = HEIGHT - 12;
    for (Series s : series) {
      g.setColor(s.color());
      g.fillRect(x, y - 10, 14, 10);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), x + 20, y);
      x += g.getFontMetrics().stringWidth(s.name()) + 40;
    }
  }
}
