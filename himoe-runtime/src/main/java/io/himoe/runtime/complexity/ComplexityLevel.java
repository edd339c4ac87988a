package io.himoe.runtime.complexity;

/** How demanding a request is, from a {@link Complexity} score. */
public enum ComplexityLevel {
  /** Short, simple requests (definitions, lists). */
  LOW,
  /** Explanations, summaries, translations. */
  MEDIUM,
  /** Debugging, optimisation, proofs, multi-step reasoning. */
  HIGH
}
