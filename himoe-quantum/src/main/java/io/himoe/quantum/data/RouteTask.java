package io.himoe.quantum.data;

/**
 * One task of a route-learning protocol: inputs and the branch (route) each should go to.
 *
 * @param name a short name (e.g. "digits 0/1")
 * @param trainX training inputs
 * @param trainRoutes their routes
 * @param testX test inputs
 * @param testRoutes their routes
 */
public record RouteTask(
    String name, float[][] trainX, int[] trainRoutes, float[][] testX, int[] testRoutes) {

  /** Validates. */
  public RouteTask {
    if (trainX.length != trainRoutes.length || testX.length != testRoutes.length) {
      throw new IllegalArgumentException(
          name
              + ": inputs and routes differ in number (train "
              + trainX.length
              + "/"
              + trainRoutes.length
              + ", test "
              + testX.length
              + "/"
              + testRoutes.length
              + ")");
    }
  }
}
