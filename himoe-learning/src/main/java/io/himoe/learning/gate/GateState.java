package io.himoe.learning.gate;

import io.himoe.learning.nn.Adam;
import java.util.Objects;

/**
 * Everything a {@link NeuralGate} has learned, for snapshots: its configuration and shape, weights,
 * optimiser moments, balancing biases, reward baseline and update count, and per output the
 * feedback it received and whether it was added after the gate was built (an output added at run
 * time explores until it has enough feedback).
 *
 * @param config how it learns
 * @param inputs input dimension
 * @param experts number of experts (outputs)
 * @param params flat network parameters
 * @param optimiser Adam's state
 * @param bias per-expert selection bias (DeepSeek-V3 balancing; zeros otherwise)
 * @param baseline the policy-gradient reward baseline (NaN before the first reward)
 * @param updates online updates applied
 * @param feedbacks per output, the feedbacks that involved it (as target or as a chosen expert)
 * @param added per output, whether it was added after the gate was created
 */
public record GateState(
    GateConfig config,
    int inputs,
    int experts,
    double[] params,
    Adam.State optimiser,
    double[] bias,
    double baseline,
    long updates,
    long[] feedbacks,
    boolean[] added) {

  /**
   * A state without per-output feedback counts (as saved by version-1 snapshots): every output
   * counts as built with the gate, with no feedback yet.
   *
   * @param config how it learns
   * @param inputs input dimension
   * @param experts outputs
   * @param params parameters
   * @param optimiser Adam's state
   * @param bias selection biases
   * @param baseline reward baseline
   * @param updates updates applied
   */
  public GateState(
      GateConfig config,
      int inputs,
      int experts,
      double[] params,
      Adam.State optimiser,
      double[] bias,
      double baseline,
      long updates) {
    this(
        config,
        inputs,
        experts,
        params,
        optimiser,
        bias,
        baseline,
        updates,
        new long[experts],
        new boolean[experts]);
  }

  /** Validates and copies. */
  public GateState {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(optimiser, "optimiser");
    params = params.clone();
    bias = bias.clone();
    feedbacks = feedbacks.clone();
    added = added.clone();
    if (bias.length != experts || feedbacks.length != experts || added.length != experts) {
      throw new IllegalArgumentException(
          "gate state: "
              + bias.length
              + " biases, "
              + feedbacks.length
              + " feedback counts, "
              + added.length
              + " flags for "
              + experts
              + " experts");
    }
  }

  /**
   * @return a copy of the per-output feedback counts
   */
  @Override
  public long[] feedbacks() {
    return feedbacks.clone();
  }

  /**
   * @return a copy of the per-output added-at-run-time flags
   */
  @Override
  public boolean[] added() {
    return added.clone();
  }

  /**
   * @return a copy of the parameters
   */
  @Override
  public double[] params() {
    return params.clone();
  }

  /**
   * @return a copy of the biases
   */
  @Override
  public double[] bias() {
    return bias.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GateState s
        && s.config.equals(config)
        && s.inputs == inputs
        && s.experts == experts
        && java.util.Arrays.equals(s.params, params)
        && s.optimiser.step() == optimiser.step()
        && java.util.Arrays.equals(s.optimiser.m(), optimiser.m())
        && java.util.Arrays.equals(s.optimiser.v(), optimiser.v())
        && java.util.Arrays.equals(s.bias, bias)
        && Double.compare(s.baseline, baseline) == 0
        && s.updates == updates
        && java.util.Arrays.equals(s.feedbacks, feedbacks)
        && java.util.Arrays.equals(s.added, added);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(params) * 31 + Long.hashCode(updates);
  }

  @Override
  public String toString() {
    return "GateState[" + inputs + "->" + experts + ", updates=" + updates + "]";
  }
}
