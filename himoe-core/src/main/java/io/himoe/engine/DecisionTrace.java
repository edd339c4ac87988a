package io.himoe.engine;

import java.time.Instant;
import java.util.List;

/**
 * Everything about one request's decision: which router, what each stage's gate said, whom it
 * called, what each expert did, cost, latency, drops and which shadows were scheduled. Serialises
 * to JSON with Jackson as is.
 *
 * @param traceId the request's trace id
 * @param routerId the primary router
 * @param startedAt when the request started (engine clock)
 * @param latencyMs wall time until the answer
 * @param costUnits cost spent by every stage's experts
 * @param stages each stage, in order
 * @param shadows the shadow routers handed to the executor to run after the answer; empty when none
 *     is configured or they were skipped (sampled out, too little budget left, over their CPU
 *     share, no permit, executor refused: see {@link EngineEvent.ShadowsSkipped})
 */
public record DecisionTrace(
    String traceId,
    String routerId,
    Instant startedAt,
    long latencyMs,
    double costUnits,
    List<StageTrace> stages,
    List<String> shadows) {

  /** How many not-picked candidates a stage trace lists, best-weighted first. */
  public static final int MAX_UNPICKED = 8;

  /** Copies. */
  public DecisionTrace {
    stages = List.copyOf(stages);
    shadows = List.copyOf(shadows);
  }

  /**
   * @return the total number of dropped experts over all stages
   */
  public int dropCount() {
    int d = 0;
    for (StageTrace s : stages) {
      d += s.mix().dropCount();
    }
    return d;
  }
}
