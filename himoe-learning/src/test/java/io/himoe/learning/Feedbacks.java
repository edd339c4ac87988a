package io.himoe.learning;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.router.RouteResult;
import io.himoe.router.RouterFeedback;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** Builds router feedback from a real routing result, as the engine does. */
public final class Feedbacks {
  private Feedbacks() {}

  public static RouterFeedback of(RouteResult r, OptionalDouble reward, Optional<ExpertId> target) {
    return new RouterFeedback(
        "t",
        r.input(),
        r.weights(),
        r.picked().stream().map(ExpertRef::id).toList(),
        reward,
        target,
        1 - reward.orElse(0),
        Map.of());
  }

  /** The name of the (single) expert that answered. */
  public static String answeredBy(RouteResult r) {
    return r.picked().getFirst().name();
  }
}
