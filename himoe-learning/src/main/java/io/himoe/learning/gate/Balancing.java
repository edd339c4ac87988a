package io.himoe.learning.gate;

/** How a neural gate keeps its experts' load balanced. */
public enum Balancing {
  /** The Switch-Transformer auxiliary loss {@code λ·N·Σ f_i·P_i}, backpropagated into the gate. */
  AUX_LOSS,
  /**
   * DeepSeek-V3's auxiliary-loss-free balancing: a per-expert bias added to the scores used to
   * select experts (not to the probabilities the gate learns from), nudged after every decision
   * against over- or under-load.
   */
  BIAS_ONLY,
  /** No balancing. */
  NONE
}
