package io.himoe.engine;

import java.util.Optional;

/**
 * What one shadow router did for a request, reported after the answer was returned.
 *
 * @param traceId the request
 * @param primaryRouter the router that answered
 * @param shadowRouter the shadow
 * @param shadowAnswer the shadow's answer, rendered, when it answered
 * @param error why the shadow produced no answer, when it did not
 * @param shadowBetter whether the judge preferred the shadow
 * @param latencyMs the shadow's wall time
 */
public record ShadowReport(
    String traceId,
    String primaryRouter,
    String shadowRouter,
    Optional<String> shadowAnswer,
    Optional<String> error,
    boolean shadowBetter,
    long latencyMs) {}
