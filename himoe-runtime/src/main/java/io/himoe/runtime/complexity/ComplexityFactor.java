package io.himoe.runtime.complexity;

/** The factors of the seed's multi-factor assessment; each scores a prompt in [0, 1]. */
public enum ComplexityFactor {
  /** Word count: &lt; 20 words 0.2, &lt; 50 0.5, &lt; 100 0.7, else 1.0. */
  LENGTH,
  /** The kind of task asked (debug 0.9 ... define 0.1; 0.5 when no cue matches). */
  TASK_TYPE,
  /** Numbers, code, acronyms and obligations in the prompt. */
  SPECIFICITY,
  /** Cues that ask for reasoning ("why", "step by step", "pourquoi", ...), 0.3 each. */
  REASONING,
  /** Cues that constrain the answer ("without using", "sécurisé", ...), 0.3 each. */
  CONSTRAINTS
}
