package io.himoe.learning.router;

import io.himoe.experts.ExpertId;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.RouterInput;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Retrains a router offline from stored feedback (for example after a restart, or to build a new
 * gate from an existing log): every event becomes a {@link RouterFeedback} on the router's own view
 * of the input, in order, for a number of passes.
 */
public final class FeedbackReplay {

  private FeedbackReplay() {}

  /**
   * @param router the router to train (neural, bandit, hybrid, or any that learns)
   * @param events the stored events, oldest first
   * @param passes passes over the events, &gt;= 1
   * @return the number of feedbacks given
   */
  public static long replay(Router router, List<ReplayEvent> events, int passes) {
    return replay(router, events, passes, n -> {});
  }

  /**
   * Like {@link #replay(Router, List, int)}, telling {@code progress} after each event.
   *
   * @param router the router to train
   * @param events the stored events, oldest first
   * @param passes passes over the events, &gt;= 1
   * @param progress receives 1 after each feedback given (for a progress bar)
   * @return the number of feedbacks given
   */
  public static long replay(
      Router router, List<ReplayEvent> events, int passes, LongConsumer progress) {
    if (passes < 1) {
      throw new IllegalArgumentException("replay passes must be >= 1, got " + passes);
    }
    long n = 0;
    for (int p = 0; p < passes; p++) {
      for (ReplayEvent e : events) {
        router.trainSignal(feedback(router, e));
        n++;
        progress.accept(1);
      }
    }
    return n;
  }

  private static RouterFeedback feedback(Router router, ReplayEvent e) {
    InputData input = InputData.text(e.text());
    RouterInput ri =
        router.config().encoder().isPresent()
            ? RouterInput.encode(input, router.config().encoder().get())
            : RouterInput.raw(input);
    GateScores weights =
        router
            .config()
            .policy()
            .apply(router.gate(ri, Context.builder().budget(Duration.ofSeconds(5)).build()));
    List<ExpertId> chosen = e.chosen().stream().map(ExpertId::of).toList();
    return new RouterFeedback(
        "replay",
        ri,
        weights,
        chosen,
        e.reward(),
        e.bestExpert().map(ExpertId::of),
        1 - e.reward().orElse(1),
        Map.of());
  }
}
