package io.himoe.quantum.sim;

/** The Pauli axis of a single-qubit rotation {@code R_P(θ) = exp(-iθP/2)}. */
public enum Axis {
  /** Rotation about X. */
  X,
  /** Rotation about Y (real amplitudes stay real). */
  Y,
  /** Rotation about Z (a relative phase). */
  Z
}
