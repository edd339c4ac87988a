package io.himoe.quantum.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generated route tasks: task t owns {@code clusters} Gaussian clusters (centres drawn with spread
 * {@code separation}, noise σ 0.5 per feature) and all its inputs go to route t. The same seed
 * gives the same tasks.
 *
 * @param tasks number of tasks (one new route each)
 * @param clusters clusters per task
 * @param width features
 * @param separation spread of the centres
 * @param seed the seed of the centres and examples
 */
public record SyntheticRoutes(int tasks, int clusters, int width, double separation, long seed) {

  /** Validates. */
  public SyntheticRoutes {
    if (tasks < 1 || clusters < 1 || width < 1) {
      throw new IllegalArgumentException(
          "tasks " + tasks + ", clusters " + clusters + ", width " + width + ": need >= 1 each");
    }
  }

  /**
   * @return the bench's synthetic protocol: 4 tasks of 2 clusters in 8 features, separation 4
   */
  public static SyntheticRoutes ofDefaults() {
    return new SyntheticRoutes(4, 2, 8, 4.0, 1);
  }

  private float[][][] centres() {
    Random r = new Random(seed);
    float[][][] c = new float[tasks][clusters][width];
    for (float[][] task : c) {
      for (float[] centre : task) {
        for (int j = 0; j < width; j++) {
          centre[j] = (float) (r.nextGaussian() * separation / Math.sqrt(width));
        }
      }
    }
    return c;
  }

  /**
   * @param perTask training examples per task (as many for testing)
   * @return the tasks, in order
   */
  public List<RouteTask> generate(int perTask) {
    float[][][] centres = centres();
    Random r = new Random(seed ^ 0x9E3779B97F4A7C15L);
    List<RouteTask> out = new ArrayList<>();
    for (int t = 0; t < tasks; t++) {
      out.add(
          new RouteTask(
              "blobs " + t,
              draw(centres[t], perTask, r),
              routes(perTask, t),
              draw(centres[t], perTask, r),
              routes(perTask, t)));
    }
    return out;
  }

  /**
   * A later visit of an earlier task: fresh examples from the same clusters, same route (a repeated
   * task should fine-tune, not extend).
   *
   * @param task which task
   * @param perTask examples (as many for testing)
   * @return new examples of that task
   */
  public RouteTask revisit(int task, int perTask) {
    float[][] c = centres()[task];
    Random r = new Random(seed * 1_000_003L + task + 1);
    return new RouteTask(
        "blobs " + task + " (again)",
        draw(c, perTask, r),
        routes(perTask, task),
        draw(c, perTask, r),
        routes(perTask, task));
  }

  private static float[][] draw(float[][] centres, int n, Random r) {
    int width = centres[0].length;
    float[][] x = new float[n][width];
    for (int i = 0; i < n; i++) {
      float[] c = centres[i % centres.length];
      for (int j = 0; j < width; j++) {
        x[i][j] = c[j] + (float) (r.nextGaussian() * 0.5);
      }
    }
    return x;
  }

  private static int[] routes(int n, int route) {
    int[] y = new int[n];
    Arrays.fill(y, route);
    return y;
  }
}
