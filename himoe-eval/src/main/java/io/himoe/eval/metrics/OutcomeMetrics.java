package io.himoe.eval.metrics;

import io.himoe.eval.data.Outcome;
import io.himoe.eval.data.Prices;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Quality and cost of a per-query model choice on outcome data, against the best single model and
 * the oracle. Cost per query is the chosen model's price for the query's estimated input tokens
 * ({@link Tokens}) plus a fixed number of output tokens.
 *
 * @param nTest the number of test queries
 * @param quality mean score of the chosen models
 * @param costPer1k estimated dollars per 1,000 queries of the choice
 * @param bestSingleModel the model with the highest mean score on the test set (ties: cheaper, then
 *     first in file order)
 * @param bestSingleQuality its mean score
 * @param bestSingleCostPer1k its estimated dollars per 1,000 queries
 * @param oracleQuality mean over queries of the best score any model achieved
 * @param gapClosed {@code (quality − bestSingle) / (oracle − bestSingle)}; empty when the oracle is
 *     no better than the best single model
 */
public record OutcomeMetrics(
    int nTest,
    double quality,
    double costPer1k,
    String bestSingleModel,
    double bestSingleQuality,
    double bestSingleCostPer1k,
    double oracleQuality,
    OptionalDouble gapClosed) {

  /**
   * @param test the test queries, not empty
   * @param chosen the model chosen for each test query, in the same order
   * @param prices the price of every scored model
   * @param outputTokens output tokens assumed per answer (the data does not record them)
   * @return the metrics
   */
  public static OutcomeMetrics of(
      List<Outcome> test, List<String> chosen, Prices prices, long outputTokens) {
    if (test.isEmpty() || test.size() != chosen.size()) {
      throw new IllegalArgumentException(
          "need one choice per test query (" + test.size() + " queries, " + chosen.size() + ")");
    }
    int n = test.size();
    double quality = 0;
    double cost = 0;
    double oracle = 0;
    for (int i = 0; i < n; i++) {
      Outcome o = test.get(i);
      quality += score(o, chosen.get(i));
      cost += costOf(o, chosen.get(i), prices, outputTokens);
      oracle += o.oracle();
    }
    String best = null;
    double bestQ = Double.NEGATIVE_INFINITY;
    double bestC = 0;
    for (String m : test.getFirst().scores().keySet()) {
      double q = 0;
      double c = 0;
      for (Outcome o : test) {
        q += score(o, m);
        c += costOf(o, m, prices, outputTokens);
      }
      if (q > bestQ || (q == bestQ && c < bestC)) {
        best = m;
        bestQ = q;
        bestC = c;
      }
    }
    double span = oracle - bestQ;
    return new OutcomeMetrics(
        n,
        quality / n,
        cost / n * 1000,
        Objects.requireNonNull(best, "an outcome scores at least one model"),
        bestQ / n,
        bestC / n * 1000,
        oracle / n,
        span <= 0 ? OptionalDouble.empty() : OptionalDouble.of((quality - bestQ) / span));
  }

  /**
   * @param o a query
   * @param model a model
   * @param prices the prices
   * @param outputTokens output tokens assumed per answer
   * @return the estimated dollars of sending this query to this model
   */
  public static double costOf(Outcome o, String model, Prices prices, long outputTokens) {
    return prices.of(model).dollars(Tokens.estimate(o.query()), outputTokens);
  }

  private static double score(Outcome o, String model) {
    Double s = o.scores().get(model);
    if (s == null) {
      throw new IllegalArgumentException(
          o.file() + ", line " + o.line() + ": no score for model '" + model + "'");
    }
    return s;
  }
}
