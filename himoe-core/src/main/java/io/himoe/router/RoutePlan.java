package io.himoe.router;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import java.util.List;
import java.util.Map;

/**
 * What a router would do for an input ({@link Router#preview}), without calling experts or
 * reserving budget.
 *
 * @param scores raw gate scores
 * @param weights weights after the policy
 * @param picked experts it would call
 * @param dropped experts of the top k it would drop, with the reason
 * @param shrink why top-k would shrink, or empty
 */
public record RoutePlan(
    GateScores scores,
    GateScores weights,
    List<ExpertRef> picked,
    Map<ExpertId, String> dropped,
    String shrink) {}
