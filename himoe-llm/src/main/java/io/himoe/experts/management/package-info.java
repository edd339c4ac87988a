/**
 * Expert management (seed 002 §4): run-time registration and removal, per-expert health (success
 * rate, latency percentiles, load), a configurable ranking score, scaling of experts with several
 * instances, flagging or removal of under-performers, and ordered fallback chains.
 */
@NullMarked
package io.himoe.experts.management;

import org.jspecify.annotations.NullMarked;
