/**
 * The {@code quantum} command: the simulated quantum gate against the classical gate on the same
 * route-learning protocol (accuracy, forgetting, decisions per second, shots, circuit runs).
 */
@NullMarked
package io.himoe.quantum.bench;

import org.jspecify.annotations.NullMarked;
