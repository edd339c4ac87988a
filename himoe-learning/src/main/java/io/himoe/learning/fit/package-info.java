/**
 * Fitting gates from examples: {@link io.himoe.learning.fit.RouteFitter} (routes defined by example
 * utterances, with a calibrated out-of-scope threshold) and {@link
 * io.himoe.learning.fit.OutcomeFitter} (quality per model from observed outcomes).
 */
@NullMarked
package io.himoe.learning.fit;

import org.jspecify.annotations.NullMarked;
