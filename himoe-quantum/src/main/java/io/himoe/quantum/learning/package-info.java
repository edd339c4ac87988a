/**
 * Continual learning of routes for any {@link io.himoe.quantum.gate.TrainableGate}: new routes add
 * branches, a gradient-conflict test decides whether to fine-tune what is there or to freeze it and
 * add new parameters, and a small episodic memory replays old routes.
 */
@NullMarked
package io.himoe.quantum.learning;

import org.jspecify.annotations.NullMarked;
