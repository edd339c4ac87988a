package io.himoe.learning.orchestrator;

/**
 * One credit, refused credit or promotion event of a {@link LearningOrchestrator}, for telemetry.
 *
 * @param traceId the request whose comparison triggered it
 * @param primary the primary router
 * @param shadow the shadow that won
 * @param winRate the shadow's win rate over the window when it happened
 * @param kind {@code credit} (the primary's gate was trained on the shadow's decision), {@code
 *     no-credit} (the shadow chose an expert the primary does not have, so nothing was trained) or
 *     {@code promotion} (the shadow became a primary candidate and the primary a shadow)
 * @param expert the expert the shadow chose (credit, no-credit), or empty (promotion)
 */
public record ShadowCredit(
    String traceId, String primary, String shadow, double winRate, String kind, String expert) {}
