package io.himoe.branches.vision;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Drawn test "digits" as image files: class 0 is a ring, class 1 a vertical stroke, class 2 a
 * horizontal bar, each at a random place, size and thickness, in dark ink on white paper.
 */
public final class DigitImages {

  private DigitImages() {}

  /**
   * @param digit 0 (ring), 1 (stroke) or 2 (bar)
   * @param random position, size and thickness
   * @param format "png", "jpg", "gif" or "bmp"
   * @return the encoded image file
   */
  public static byte[] draw(int digit, Random random, String format) {
    int w = 60 + random.nextInt(40);
    int h = 70 + random.nextInt(40);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(4 + random.nextInt(5)));
    int size = 30 + random.nextInt(20);
    int x = 8 + random.nextInt(Math.max(1, w - size - 16));
    int y = 8 + random.nextInt(Math.max(1, h - size - 16));
    switch (digit) {
      case 0 -> g.drawOval(x, y, size * 2 / 3, size);
      case 1 -> g.drawLine(x + size / 3, y, x + size / 3 + random.nextInt(7) - 3, y + size);
      case 2 -> g.drawLine(x, y + size / 2, x + size, y + size / 2 + random.nextInt(7) - 3);
      default -> throw new IllegalArgumentException("digit " + digit);
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, format, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
