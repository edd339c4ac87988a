package io.himoe.eval.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A query and the quality each model achieved on it (for instance 1.0 correct, 0.0 wrong).
 *
 * @param query the query text, not blank
 * @param scores quality per model name, in [0, 1], in file order
 * @param file the source file
 * @param line the 1-based source line
 */
public record Outcome(String query, Map<String, Double> scores, Path file, int line) {

  /** Copies the scores. */
  public Outcome {
    scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
  }

  /**
   * @return the best quality any model achieved on this query
   */
  public double oracle() {
    return scores.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  /**
   * Reads {@code {"query": ..., "scores": {model: quality}}} rows from a JSONL file. Every row must
   * score the same models as the first.
   *
   * @param file the file
   * @return the rows, in file order, never empty
   * @throws DataError naming the file, line and field of the first bad row
   */
  public static List<Outcome> read(Path file) {
    List<Outcome> out = new ArrayList<>();
    Set<String> models = null;
    for (DataRow r : DataFiles.read(file)) {
      String query = r.text("query");
      ObjectNode s = r.object("scores");
      Map<String, Double> scores = new LinkedHashMap<>();
      for (var e : s.properties()) {
        scores.put(e.getKey(), score(r, e.getKey(), e.getValue()));
      }
      if (scores.isEmpty()) {
        throw r.error("scores", "has no models");
      }
      if (models == null) {
        models = scores.keySet();
      } else if (!models.equals(scores.keySet())) {
        throw r.error(
            "scores", "scores models " + scores.keySet() + " but the first row scores " + models);
      }
      out.add(new Outcome(query, scores, file, r.line()));
    }
    return out;
  }

  private static double score(DataRow r, String model, JsonNode v) {
    String field = "scores." + model;
    if (!v.isNumber()) {
      throw r.error(field, "expected a number, found " + DataRow.describe(v));
    }
    double d = v.asDouble();
    if (!(d >= 0 && d <= 1)) {
      throw r.error(field, "expected a quality in [0, 1], found " + d);
    }
    return d;
  }
}
