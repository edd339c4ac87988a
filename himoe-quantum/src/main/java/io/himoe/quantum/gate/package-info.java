/**
 * Gates that route an input to one of a growing set of branches: {@link
 * io.himoe.quantum.gate.QuantumGate} (branches are basis states of a simulated register, the gate a
 * parameterised circuit, selection a measurement) and {@link io.himoe.quantum.gate.ClassicalGate}
 * (the classical context gate of {@code himoe-branches}, written out in plain Java for the
 * comparison), both behind {@link io.himoe.quantum.gate.TrainableGate}.
 */
@NullMarked
package io.himoe.quantum.gate;

import org.jspecify.annotations.NullMarked;
