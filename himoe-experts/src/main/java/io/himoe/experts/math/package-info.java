/**
 * The {@code math} expert: exact arithmetic found in free text (English or French), evaluated by a
 * recursive-descent parser over {@link java.math.BigDecimal} ({@link
 * io.himoe.experts.math.MathEvaluator}).
 */
@NullMarked
package io.himoe.experts.math;

import org.jspecify.annotations.NullMarked;
