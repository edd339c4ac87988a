package io.himoe.learning.metrics;

import java.util.List;
import java.util.Map;

/**
 * The guardrail metrics of seed 000, at one moment.
 *
 * @param requests requests observed
 * @param ece expected calibration error of answer confidence against feedback (0 before feedback)
 * @param reliability the reliability bins behind the ECE
 * @param calibrated observations behind the ECE
 * @param utilisation expert name to its share of routing over the whole run
 * @param loadCv coefficient of variation of that utilisation over the known experts
 * @param driftPsi PSI between the gate distributions of the last two complete windows (0 before two
 *     windows)
 * @param driftKl KL divergence between the same windows
 * @param driftAlert whether the PSI is over the alert threshold
 * @param contradictionRate share of requests whose answering experts disagreed (disagreement over
 *     the configured threshold)
 */
public record GuardrailReport(
    long requests,
    double ece,
    List<ReliabilityBin> reliability,
    long calibrated,
    Map<String, Double> utilisation,
    double loadCv,
    double driftPsi,
    double driftKl,
    boolean driftAlert,
    double contradictionRate) {

  /** Copies. */
  public GuardrailReport {
    reliability = List.copyOf(reliability);
    utilisation = Map.copyOf(utilisation);
  }
}
