package io.himoe.branches.vision;

import io.himoe.shared.ContentPart;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns an image of one handwritten digit into MNIST's input: 784 intensities in [0, 1], light ink
 * on black, the digit scaled (area-averaged, aspect kept) to fit a 20×20 box and placed so that its
 * centre of mass sits at the centre of the 28×28 field — the preparation LeCun et al. applied to
 * MNIST, so a learner trained on MNIST sees a photo or a drawing the way it saw its training
 * digits.
 *
 * <p>Reads {@link InputData.Bytes} holding a PNG, JPEG, GIF or BMP (decoded by the JDK's ImageIO;
 * transparent pixels count as white paper), the last inline image of the last user turn of an
 * {@link InputData.Conversation} (a chat message's {@code image_url} part with a {@code data:}
 * URL), and passes {@link InputData.Features} of 784 values through. Dark ink on light paper is
 * inverted (decided by the border's mean). Images wider or taller than {@link #MAX_SIDE} pixels are
 * refused before they are decoded.
 */
public final class DigitImageEncoder implements Encoder {

  /** Side of MNIST's field, pixels. */
  public static final int SIDE = 28;

  /** Largest accepted width or height, pixels (a 4096² RGBA image decodes to 64 MiB). */
  public static final int MAX_SIDE = 4096;

  private static final int BOX = 20;
  private static final float INK = 0.1f;

  /**
   * @return the encoder
   */
  public static DigitImageEncoder mnist() {
    return new DigitImageEncoder();
  }

  private DigitImageEncoder() {}

  @Override
  public Encoded encode(InputData input) {
    return switch (input) {
      case InputData.Features f when f.values().length == SIDE * SIDE -> new Encoded(f.values());
      case InputData.Features f ->
          throw new MoeError.EncodeError(
              "expected an image or "
                  + SIDE * SIDE
                  + " pixel values, got "
                  + f.values().length
                  + " features",
              null);
      case InputData.Bytes b -> new Encoded(normalise(gray(decode(b.bytes()))));
      case InputData.Conversation c -> new Encoded(normalise(gray(decode(lastImage(c)))));
      default ->
          throw new MoeError.EncodeError(
              "expected an image (PNG, JPEG, GIF or BMP bytes), got " + kindOf(input), null);
    };
  }

  @Override
  public String id() {
    return "digit-image-28";
  }

  /** The last inline image of the last user turn (a chat {@code image_url} data: URL). */
  private static byte[] lastImage(InputData.Conversation c) {
    byte[] found = null;
    for (ContentPart part : c.lastUser().content()) {
      if (part instanceof ContentPart.Image i) {
        found = i.bytes();
      } else if (found == null && part instanceof ContentPart.ImageUrl u) {
        throw new MoeError.EncodeError(
            "the image at "
                + u.url()
                + " is not fetched by this expert: send it inline as a data: URL",
            null);
      }
    }
    if (found == null) {
      throw new MoeError.EncodeError(
          "expected an image in the last user message (an image_url part with a data: URL)", null);
    }
    return found;
  }

  private static String kindOf(InputData input) {
    return input instanceof InputData.Text ? "text" : input.getClass().getSimpleName();
  }

  static BufferedImage decode(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new MoeError.EncodeError(
            "not an image this server can read (PNG, JPEG, GIF or BMP expected)", null);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int w = reader.getWidth(0);
        int h = reader.getHeight(0);
        if (w > MAX_SIDE || h > MAX_SIDE) {
          throw new MoeError.EncodeError(
              "image is " + w + "x" + h + " pixels, at most " + MAX_SIDE + " per side accepted",
              null);
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new MoeError.EncodeError("image could not be decoded: " + e.getMessage(), e);
    }
  }

  /** Luminance in [0, 1], alpha composited over white. */
  static float[][] gray(BufferedImage img) {
    int w = img.getWidth();
    int h = img.getHeight();
    float[][] g = new float[h][w];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = img.getRGB(x, y);
        float a = ((argb >>> 24) & 0xff) / 255f;
        float lum =
            (0.299f * ((argb >> 16) & 0xff)
                    + 0.587f * ((argb >> 8) & 0xff)
                    + 0.114f * (argb & 0xff))
                / 255f;
        g[y][x] = a * lum + (1 - a);
      }
    }
    return g;
  }

  /**
   * @param g luminance rows in [0, 1]
   * @return the MNIST field, row-major
   */
  static float[] normalise(float[][] g) {
    int h = g.length;
    int w = g[0].length;
    float[][] ink = new float[h][w];
    boolean invert = borderMean(g) > 0.5;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        ink[y][x] = invert ? 1 - g[y][x] : g[y][x];
      }
    }
    int top = h;
    int bottom = -1;
    int left = w;
    int right = -1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (ink[y][x] > INK) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
    }
    if (bottom < 0) {
      throw new MoeError.EncodeError("image is blank: no ink found", null);
    }
    int bw = right - left + 1;
    int bh = bottom - top + 1;
    double scale = (double) BOX / Math.max(bw, bh);
    int sw = Math.max(1, (int) Math.round(bw * scale));
    int sh = Math.max(1, (int) Math.round(bh * scale));
    float[][] small = areaResample(ink, left, top, bw, bh, sw, sh);
    // centre of mass of the scaled digit
    double mass = 0;
    double cx = 0;
    double cy = 0;
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < sw; x++) {
        mass += small[y][x];
        cx += x * small[y][x];
        cy += y * small[y][x];
      }
    }
    cx = mass > 0 ? cx / mass : (sw - 1) / 2.0;
    cy = mass > 0 ? cy / mass : (sh - 1) / 2.0;
    int ox = clamp((int) Math.round((SIDE - 1) / 2.0 - cx), 0, SIDE - sw);
    int oy = clamp((int) Math.round((SIDE - 1) / 2.0 - cy), 0, SIDE - sh);
    float[] out = new float[SIDE * SIDE];
    for (int y = 0; y < sh; y++) {
      for (int x = 0; x < sw; x++) {
        out[(oy + y) * SIDE + ox + x] = Math.min(1f, Math.max(0f, small[y][x]));
      }
    }
    return out;
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }

  private static double borderMean(float[][] g) {
    int h = g.length;
    int w = g[0].length;
    double s = 0;
    int n = 0;
    for (int x = 0; x < w; x++) {
      s += g[0][x] + g[h - 1][x];
      n += 2;
    }
    for (int y = 1; y < h - 1; y++) {
      s += g[y][0] + g[y][w - 1];
      n += 2;
    }
    return s / n;
  }

  /** Area-averaging resample of the box (left, top, bw, bh) to sw × sh. */
  private static float[][] areaResample(
      float[][] src, int left, int top, int bw, int bh, int sw, int sh) {
    float[][] out = new float[sh][sw];
    double fx = (double) bw / sw;
    double fy = (double) bh / sh;
    for (int y = 0; y < sh; y++) {
      double y0 = y * fy;
      double y1 = y0 + fy;
      for (int x = 0; x < sw; x++) {
        double x0 = x * fx;
        double x1 = x0 + fx;
        double sum = 0;
        for (int sy = (int) Math.floor(y0); sy < Math.ceil(y1) && sy < bh; sy++) {
          double wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
          for (int sx = (int) Math.floor(x0); sx < Math.ceil(x1) && sx < bw; sx++) {
            double wx = Math.min(x1, sx + 1) - Math.max(x0, sx);
            sum += wx * wy * src[top + sy][left + sx];
          }
        }
        out[y][x] = (float) (sum / (fx * fy));
      }
    }
    return out;
  }
}
