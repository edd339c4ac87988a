package io.himoe.learning.gate;

/**
 * The terms of one online update, for telemetry and learning curves.
 *
 * @param task the task loss (cross-entropy, or the policy-gradient surrogate)
 * @param loadBalance the load-balance term {@code N·Σ f_i·p_i} (1 when balanced), before λ
 * @param entropy the gate's entropy for the request (nats), before μ
 * @param total {@code task + λ·loadBalance + μ·entropy}
 */
public record GateLoss(double task, double loadBalance, double entropy, double total) {}
