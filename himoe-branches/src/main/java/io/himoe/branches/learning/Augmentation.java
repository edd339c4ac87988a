package io.himoe.branches.learning;

import java.util.Objects;
import java.util.Random;

/**
 * How the learner varies remembered episodes when it trains the gate on them. The memory holds a
 * few hundred inputs per task; the gate sees them for many passes, and without variation it learns
 * those inputs rather than the task (on split MNIST its task-id accuracy stalled near 94 %).
 */
public sealed interface Augmentation {

  /**
   * @param x an input (not modified)
   * @param random the randomness source
   * @return a varied copy of the input, or the input itself
   */
  float[] apply(float[] x, Random random);

  /**
   * @return no variation
   */
  static Augmentation none() {
    return new None();
  }

  /**
   * @param width image width
   * @param height image height
   * @param max largest shift in pixels along each axis
   * @return random translations of a row-major grey image, vacated pixels set to 0
   */
  static Augmentation shift(int width, int height, int max) {
    return new Shift(width, height, max);
  }

  /**
   * Elastic distortion (Simard et al. 2003, the augmentation that took a plain MLP from 1.6 % to
   * 0.7 % test error on MNIST): every pixel moves along a smooth random displacement field. The
   * field is interpolated bilinearly from a {@code grid x grid} lattice of control points, each
   * displaced uniformly by up to {@code magnitude} pixels along each axis; the image is resampled
   * bilinearly, pixels from outside set to 0. A coarse lattice gives the smoothness of Simard's
   * Gaussian-filtered field at a few operations per pixel.
   *
   * @param width image width
   * @param height image height
   * @param grid control points along each axis, at least 2
   * @param magnitude largest displacement of a control point, pixels, at least 0
   * @return random smooth deformations of a row-major grey image
   */
  static Augmentation elastic(int width, int height, int grid, double magnitude) {
    return new Elastic(width, height, grid, magnitude);
  }

  /**
   * @param next the variation applied to this one's output
   * @return this variation followed by {@code next} ({@code none()} on either side adds nothing)
   */
  default Augmentation andThen(Augmentation next) {
    if (next instanceof None) {
      return this;
    }
    if (this instanceof None) {
      return next;
    }
    return new Chain(this, next);
  }

  /**
   * @param x a row-major grey image (not modified)
   * @param width image width
   * @param height image height
   * @param dx pixels to the right (negative: left)
   * @param dy pixels down (negative: up)
   * @return the image moved by (dx, dy), vacated pixels set to 0
   */
  static float[] translate(float[] x, int width, int height, int dx, int dy) {
    float[] out = new float[x.length];
    for (int r = 0; r < height; r++) {
      int sr = r - dy;
      if (sr < 0 || sr >= height) {
        continue;
      }
      for (int c = 0; c < width; c++) {
        int sc = c - dx;
        if (sc >= 0 && sc < width) {
          out[r * width + c] = x[sr * width + sc];
        }
      }
    }
    return out;
  }

  /** No variation. */
  record None() implements Augmentation {
    @Override
    public float[] apply(float[] x, Random random) {
      return x;
    }
  }

  /**
   * Random translation of an image by up to {@code max} pixels in each direction.
   *
   * @param width image width
   * @param height image height
   * @param max largest shift in pixels
   */
  record Shift(int width, int height, int max) implements Augmentation {

    /** Validates. */
    public Shift {
      if (width <= 0 || height <= 0 || max < 0) {
        throw new IllegalArgumentException(
            "shift needs width, height > 0 and max >= 0, got "
                + width
                + ", "
                + height
                + ", "
                + max);
      }
    }

    @Override
    public float[] apply(float[] x, Random random) {
      if (x.length != width * height) {
        throw new IllegalArgumentException(
            "shift of a " + width + "x" + height + " image got " + x.length + " values");
      }
      int dx = random.nextInt(2 * max + 1) - max;
      int dy = random.nextInt(2 * max + 1) - max;
      return translate(x, width, height, dx, dy);
    }
  }

  /**
   * Smooth random deformation of an image (see {@link Augmentation#elastic}).
   *
   * @param width image width
   * @param height image height
   * @param grid control points along each axis
   * @param magnitude largest control-point displacement, pixels
   */
  record Elastic(int width, int height, int grid, double magnitude) implements Augmentation {

    /** Validates. */
    public Elastic {
      if (width <= 1 || height <= 1) {
        throw new IllegalArgumentException(
            "elastic distortion needs width, height > 1, got " + width + ", " + height);
      }
      if (grid < 2) {
        throw new IllegalArgumentException(
            "elastic distortion needs a grid of at least 2 control points, got " + grid);
      }
      if (!(magnitude >= 0) || Double.isInfinite(magnitude)) {
        throw new IllegalArgumentException(
            "elastic distortion needs a finite magnitude >= 0, got " + magnitude);
      }
    }

    @Override
    public float[] apply(float[] x, Random random) {
      if (x.length != width * height) {
        throw new IllegalArgumentException(
            "elastic distortion of a "
                + width
                + "x"
                + height
                + " image got "
                + x.length
                + " values");
      }
      double[] cx = new double[grid * grid];
      double[] cy = new double[grid * grid];
      for (int i = 0; i < cx.length; i++) {
        cx[i] = (2 * random.nextDouble() - 1) * magnitude;
        cy[i] = (2 * random.nextDouble() - 1) * magnitude;
      }
      float[] out = new float[x.length];
      double sx = (grid - 1) / (double) (width - 1);
      double sy = (grid - 1) / (double) (height - 1);
      for (int r = 0; r < height; r++) {
        double gy = r * sy;
        int y0 = Math.min((int) gy, grid - 2);
        double fy = gy - y0;
        for (int c = 0; c < width; c++) {
          double gx = c * sx;
          int x0 = Math.min((int) gx, grid - 2);
          double fx = gx - x0;
          double dx = lerp2(cx, grid, x0, y0, fx, fy);
          double dy = lerp2(cy, grid, x0, y0, fx, fy);
          out[r * width + c] = sample(x, c + dx, r + dy);
        }
      }
      return out;
    }

    /** Bilinear interpolation on a grid of values, 0 outside the image. */
    private float sample(float[] x, double px, double py) {
      int c0 = (int) Math.floor(px);
      int r0 = (int) Math.floor(py);
      double fx = px - c0;
      double fy = py - r0;
      return (float)
          ((1 - fy) * ((1 - fx) * pixel(x, r0, c0) + fx * pixel(x, r0, c0 + 1))
              + fy * ((1 - fx) * pixel(x, r0 + 1, c0) + fx * pixel(x, r0 + 1, c0 + 1)));
    }

    private float pixel(float[] x, int r, int c) {
      return r < 0 || r >= height || c < 0 || c >= width ? 0f : x[r * width + c];
    }

    private static double lerp2(double[] v, int n, int x0, int y0, double fx, double fy) {
      double top = (1 - fx) * v[y0 * n + x0] + fx * v[y0 * n + x0 + 1];
      double bottom = (1 - fx) * v[(y0 + 1) * n + x0] + fx * v[(y0 + 1) * n + x0 + 1];
      return (1 - fy) * top + fy * bottom;
    }
  }

  /**
   * One variation, then another.
   *
   * @param first applied first
   * @param second applied to the first's output
   */
  record Chain(Augmentation first, Augmentation second) implements Augmentation {

    /** Validates. */
    public Chain {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(second, "second");
    }

    @Override
    public float[] apply(float[] x, Random random) {
      return second.apply(first.apply(x, random), random);
    }
  }
}
