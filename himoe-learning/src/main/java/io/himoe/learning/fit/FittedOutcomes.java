package io.himoe.learning.fit;

import java.util.List;
import java.util.Map;

/** Predicts, from a query's text, the quality each model would reach on it. Thread-safe. */
public interface FittedOutcomes {

  /**
   * @return the models, in a stable order
   */
  List<String> models();

  /**
   * @param text a query
   * @return model to predicted quality in [0, 1]
   */
  Map<String, Double> predictQuality(String text);
}
