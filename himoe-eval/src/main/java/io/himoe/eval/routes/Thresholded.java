package io.himoe.eval.routes;

import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.RouteGuess;
import java.util.List;
import java.util.Optional;

/** Fitted routes with another rejection threshold (a {@link ThresholdRule}'s). */
record Thresholded(FittedRoutes inner, double threshold) implements FittedRoutes {

  @Override
  public List<String> labels() {
    return inner.labels();
  }

  @Override
  public RouteGuess classify(String text) {
    RouteGuess g = inner.classify(text);
    return new RouteGuess(
        g.confidence() >= threshold ? Optional.of(g.topLabel()) : Optional.empty(),
        g.confidence(),
        g.topLabel(),
        g.probabilities());
  }
}
