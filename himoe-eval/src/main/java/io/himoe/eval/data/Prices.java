package io.himoe.eval.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Model prices, read from a JSON object {@code {model: {"input_price_per_mtok": dollars,
 * "output_price_per_mtok": dollars, ...}}} (other keys, such as {@code size}, are ignored).
 *
 * @param byModel price per model name
 */
public record Prices(Map<String, Price> byModel) {

  /**
   * The price of one model, in dollars per million tokens.
   *
   * @param inputPerMTok dollars per million input tokens, at least 0
   * @param outputPerMTok dollars per million output tokens, at least 0
   */
  public record Price(double inputPerMTok, double outputPerMTok) {

    /**
     * @param inputTokens input tokens of one query
     * @param outputTokens output tokens of one answer
     * @return the dollars one call costs
     */
    public double dollars(long inputTokens, long outputTokens) {
      return (inputPerMTok * inputTokens + outputPerMTok * outputTokens) / 1_000_000.0;
    }
  }

  /** Copies the map. */
  public Prices {
    byModel = Collections.unmodifiableMap(new LinkedHashMap<>(byModel));
  }

  /**
   * @param model a model name
   * @return its price
   * @throws IllegalArgumentException if the model has no price
   */
  public Price of(String model) {
    Price p = byModel.get(model);
    if (p == null) {
      throw new IllegalArgumentException("no price for model '" + model + "'");
    }
    return p;
  }

  /**
   * Checks that every model has a price.
   *
   * @param models the models to check
   * @param source the data file the models come from, for the message
   * @param pricesFile the prices file, for the message
   * @throws DataError naming the first model without a price
   */
  public void requireAll(Collection<String> models, Path source, Path pricesFile) {
    for (String m : models) {
      if (!byModel.containsKey(m)) {
        throw new DataError(
            pricesFile, 0, m, "no price for model '" + m + "' (scored in " + source + ")");
      }
    }
  }

  /**
   * @param file the prices file
   * @return the prices
   * @throws DataError naming the file and field of the first problem
   */
  public static Prices read(Path file) {
    JsonNode root;
    try {
      root = JsonLines.JSON.readTree(DataFiles.load(file));
    } catch (JsonProcessingException e) {
      throw new DataError(
          file,
          e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          null,
          "not valid JSON: " + e.getOriginalMessage());
    }
    if (!(root instanceof ObjectNode models) || models.isEmpty()) {
      throw new DataError(file, 0, null, "expected a JSON object of models, found none");
    }
    Map<String, Price> out = new LinkedHashMap<>();
    for (var e : models.properties()) {
      out.put(
          e.getKey(),
          new Price(
              price(file, e.getKey(), e.getValue(), "input_price_per_mtok"),
              price(file, e.getKey(), e.getValue(), "output_price_per_mtok")));
    }
    return new Prices(out);
  }

  private static double price(Path file, String model, JsonNode node, String key) {
    String field = model + "." + key;
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new DataError(file, 0, field, "is missing");
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
      throw new DataError(file, 0, field, "expected a number of dollars >= 0, found " + v);
    }
    return v.asDouble();
  }
}
