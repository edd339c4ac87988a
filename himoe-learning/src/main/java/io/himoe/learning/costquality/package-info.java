/**
 * Cost-quality routing, as RouteLLM calibrates it: a per-expert quality predictor, the choice rule
 * {@code predicted quality − w · cost} ({@link io.himoe.learning.costquality.ModelChoice}), the one
 * weight {@code w} calibrated on held-out outcomes to reach a target ({@link
 * io.himoe.learning.costquality.CostQualityPolicy}, {@link
 * io.himoe.learning.costquality.CostTarget}), and the router that applies it to live traffic and
 * keeps learning from feedback ({@link io.himoe.learning.costquality.CostQualityRouter}).
 */
@NullMarked
package io.himoe.learning.costquality;

import org.jspecify.annotations.NullMarked;
