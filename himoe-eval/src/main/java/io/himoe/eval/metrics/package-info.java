/**
 * The metrics' arithmetic, separate from any router so that it can be checked by hand: routing
 * accuracy, in-scope accuracy, out-of-scope recall, macro-F1 and confusions ({@link
 * io.himoe.eval.metrics.RoutingMetrics}), expected calibration error ({@link
 * io.himoe.eval.metrics.Calibration}), latency percentiles ({@link
 * io.himoe.eval.metrics.Percentiles}), and quality, cost and gap closed for model choice ({@link
 * io.himoe.eval.metrics.OutcomeMetrics}).
 */
@NullMarked
package io.himoe.eval.metrics;

import org.jspecify.annotations.NullMarked;
