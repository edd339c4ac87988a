package io.himoe.learning.fit;

import java.util.List;

/**
 * A gate fitted from labelled utterances, with its out-of-scope rejection threshold. Thread-safe.
 */
public interface FittedRoutes {

  /**
   * @return the routes, in the order of {@link RouteGuess#probabilities()}
   */
  List<String> labels();

  /**
   * @return the calibrated rejection threshold: a top probability below it is out of scope
   */
  double threshold();

  /**
   * @param text a text
   * @return the guessed route, or a rejection
   */
  RouteGuess classify(String text);
}
