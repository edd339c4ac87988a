package io.himoe.quantum.circuit;

import io.himoe.quantum.sim.Axis;

/**
 * One parameterised gate of a {@link Circuit}. Every gate is {@code exp(-iθG/2)} for a generator
 * {@code G} with eigenvalues ±1, so the two-term parameter-shift rule gives its exact derivative.
 */
public sealed interface Op {

  /**
   * @return the index of the angle's parameter slot in the circuit
   */
  int slot();

  /**
   * A single-qubit Pauli rotation {@code R_axis(θ)}.
   *
   * @param axis the axis
   * @param qubit the qubit
   * @param slot the angle's slot
   */
  record Rotation(Axis axis, int qubit, int slot) implements Op {}

  /**
   * A two-qubit {@code R_ZZ(θ)} (entangling; the identity at θ = 0).
   *
   * @param a one qubit
   * @param b the other qubit
   * @param slot the angle's slot
   */
  record ZzRotation(int a, int b, int slot) implements Op {}
}
