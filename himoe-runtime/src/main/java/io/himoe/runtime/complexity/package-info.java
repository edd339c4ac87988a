/**
 * Complexity assessment of a request (seed 003 §2): five factors (length, task type, specificity,
 * reasoning, constraints) with English and French cues, weighted into a score in [0, 1] and a
 * {@link io.himoe.runtime.complexity.ComplexityLevel}; and a learned variant fitted from feedback.
 */
@NullMarked
package io.himoe.runtime.complexity;

import org.jspecify.annotations.NullMarked;
