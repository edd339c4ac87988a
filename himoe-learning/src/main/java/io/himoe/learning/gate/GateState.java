package io.himoe.learning.gate;

import io.himoe.learning.nn.Adam;
import java.util.Objects;

/**
 * Everything a {@link NeuralGate} has learned, for snapshots: its configuration and shape, weights,
 * optimiser moments, balancing biases, reward baseline and update count.
 *
 * @param config how it learns
 * @param inputs input dimension
 * @param experts number of experts (outputs)
 * @param params flat network parameters
 * @param optimiser Adam's state
 * @param bias per-expert selection bias (DeepSeek-V3 balancing; zeros otherwise)
 * @param baseline the policy-gradient reward baseline (NaN before the first reward)
 * @param updates online updates applied
 */
public record GateState(
    GateConfig config,
    int inputs,
    int experts,
    double[] params,
    Adam.State optimiser,
    double[] bias,
    double baseline,
    long updates) {

  /** Validates and copies. */
  public GateState {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(optimiser, "optimiser");
    params = params.clone();
    bias = bias.clone();
    if (bias.length != experts) {
      throw new IllegalArgumentException(
          "gate state: " + bias.length + " biases for " + experts + " experts");
    }
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
        && s.updates == updates;
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
