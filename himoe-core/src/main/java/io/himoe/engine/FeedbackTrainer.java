package io.himoe.engine;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.orchestrator.OrchestrationFeedback;
import io.himoe.orchestrator.Orchestrator;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.MoeError;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns a caller's feedback on a stored decision into a {@link RouterFeedback} for every router
 * that took part (the best expert, when named, only trains the primary) and an {@link
 * OrchestrationFeedback} for the orchestrator.
 */
final class FeedbackTrainer {

  private final Orchestrator orchestrator;
  private final Listeners listeners;

  FeedbackTrainer(Orchestrator orchestrator, Listeners listeners) {
    this.orchestrator = orchestrator;
    this.listeners = listeners;
  }

  void train(Feedback feedback, Decision d) {
    Optional<ExpertId> target = feedback.bestExpert().map(name -> expertOfPrimary(d, name));
    OptionalDouble reward = feedback.reward();
    double taskLoss = reward.isPresent() ? 1 - reward.getAsDouble() : 0;
    for (int i = 0; i < d.stages().size(); i++) {
      Decision.Stage stage = d.stages().get(i);
      Router router = d.routers().get(i);
      Map<ExpertId, Double> util = new HashMap<>();
      for (ExpertRef ref : stage.picked()) {
        util.put(ref.id(), stage.utilByName().getOrDefault(ref.name(), 0.0));
      }
      RouterFeedback rf =
          new RouterFeedback(
              feedback.traceId(),
              stage.input(),
              stage.weights(),
              stage.picked().stream().map(ExpertRef::id).toList(),
              reward,
              i == 0 ? target : Optional.empty(),
              taskLoss,
              util);
      router.trainSignal(rf);
      listeners.emit(new EngineEvent.FeedbackApplied(router.id(), rf));
    }
    orchestrator.feedback(
        new OrchestrationFeedback(
            feedback.traceId(),
            d.primaryRouter(),
            List.of(),
            Optional.empty(),
            reward,
            feedback.notes()));
  }

  private static ExpertId expertOfPrimary(Decision d, String name) {
    return d.routers()
        .getFirst()
        .experts()
        .byName(name)
        .map(ExpertRef::id)
        .orElseThrow(
            () ->
                new MoeError.InvalidInput(
                    "best_expert '"
                        + name
                        + "' is not an expert of router '"
                        + d.primaryRouter()
                        + "'"));
  }
}
