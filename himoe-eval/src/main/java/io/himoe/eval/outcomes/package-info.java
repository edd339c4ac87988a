/**
 * {@code eval outcomes}: learns from per-model outcome data which model to send each query to,
 * trading predicted quality for estimated cost, and scores the choice against the best single model
 * and the oracle ({@link io.himoe.eval.outcomes.OutcomeEvaluation}).
 */
@NullMarked
package io.himoe.eval.outcomes;

import org.jspecify.annotations.NullMarked;
