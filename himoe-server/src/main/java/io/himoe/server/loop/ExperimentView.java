package io.himoe.server.loop;

import io.himoe.learning.stats.ConfidenceInterval;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An experiment as {@code /v1/experiments} shows it.
 *
 * @param name its name
 * @param unit what is assigned to an arm: {@code session}, {@code user} or {@code request}
 * @param state {@code running}, {@code stopped} (requests go where the orchestrator sends them) or
 *     {@code promoted} (requests of every arm go to the winner)
 * @param winner the promoted router, or null
 * @param alpha significance level of the sequential test
 * @param minFeedback rewards each of two arms needs before a decision is suggested
 * @param arms the arms, the control first
 * @param decision what the stopping rule says now
 * @param stoppingRule the rule, in words
 */
public record ExperimentView(
    String name,
    String unit,
    String state,
    @Nullable String winner,
    double alpha,
    int minFeedback,
    List<Arm> arms,
    String decision,
    String stoppingRule) {

  /**
   * One arm.
   *
   * @param router its router
   * @param weight its configured share of the units
   * @param assigned requests assigned to it
   * @param answered requests it answered
   * @param feedbacks rewards received
   * @param meanReward their mean (null before any)
   * @param reward95 normal 95% interval of the mean reward (null before two)
   * @param costPerRequest mean cost of an answer, in cost units (null before any)
   * @param meanLatencyMs mean latency of an answer, in ms (null before any)
   * @param pValue always-valid p-value of "same mean reward as the control" (null for the control)
   * @param probabilityBest posterior probability (normal approximation) that it has the highest
   *     mean reward (null until every arm has two rewards)
   */
  public record Arm(
      String router,
      double weight,
      long assigned,
      long answered,
      long feedbacks,
      @Nullable Double meanReward,
      @Nullable ConfidenceInterval reward95,
      @Nullable Double costPerRequest,
      @Nullable Double meanLatencyMs,
      @Nullable Double pValue,
      @Nullable Double probabilityBest) {}
}
