/**
 * Guardrail metrics (seed 000): calibration (ECE, reliability bins), load-balance coefficient of
 * variation, gating drift (PSI, KL) and inter-expert contradiction rate, fed by the engine's
 * telemetry through {@link io.himoe.learning.metrics.GuardrailMonitor}.
 */
@NullMarked
package io.himoe.learning.metrics;

import org.jspecify.annotations.NullMarked;
