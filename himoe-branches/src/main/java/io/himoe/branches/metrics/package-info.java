/**
 * Continual-learning metrics: the accuracy matrix of a run and the GEM / Chaudhry metrics derived
 * from it (average accuracy, backward and forward transfer, forgetting, intransigence).
 */
@NullMarked
package io.himoe.branches.metrics;

import org.jspecify.annotations.NullMarked;
