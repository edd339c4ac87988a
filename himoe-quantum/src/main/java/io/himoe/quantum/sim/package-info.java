/**
 * A small statevector simulator: the state of n qubits as 2^n complex amplitudes in double
 * precision, single-qubit Pauli rotations, CZ and CNOT, exact Born probabilities and sampled
 * measurements. Qubit q is bit q of a basis index (little-endian), so adding a qubit as the new
 * highest bit leaves every existing basis index, hence every existing branch, where it was.
 *
 * <p>It is a classical simulation: memory and time grow as 2^n, which limits it to a few tens of
 * qubits at most (this project uses 2 to 5).
 */
@NullMarked
package io.himoe.quantum.sim;

import org.jspecify.annotations.NullMarked;
