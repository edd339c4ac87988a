package io.himoe.server.store;

import io.himoe.engine.Answer;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.shared.InputData;

/**
 * Records each answered decision in the shared table (router, input text, experts called), so that
 * its feedback may be sent to any replica. The engine's own decision store stays local: it holds
 * what exact training needs (encoded input, per-stage weights, the routers themselves), too large
 * to write to the database on every request; other replicas train on the shared decision by
 * replaying it.
 */
final class DecisionSharing implements EngineListener {

  private final PostgresDecisions decisions;

  DecisionSharing(PostgresDecisions decisions) {
    this.decisions = decisions;
  }

  @Override
  public void on(EngineEvent event) {
    if (event instanceof EngineEvent.Answered(InputData input, Answer answer)
        && !answer.trace().stages().isEmpty()) {
      decisions.put(
          answer.traceId(),
          new Decision(
              answer.trace().routerId(),
              input.asText().orElse(input.toText()),
              answer.trace().stages().getFirst().experts().stream()
                  .filter(x -> x.status() != ExpertStatus.NOT_PICKED)
                  .map(ExpertTrace::name)
                  .toList()));
    }
  }
}
