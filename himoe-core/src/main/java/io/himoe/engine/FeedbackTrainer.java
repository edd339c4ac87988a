package io.himoe.engine;

import io.himoe.experts.ExpertFeedback;
import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.experts.LearningExpert;
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
 * that took part (the best expert, when named, only trains the primary), an {@link ExpertFeedback}
 * for every called expert that learns ({@link LearningExpert}, reached through its wrappers), with
 * its share of the answer, and an {@link OrchestrationFeedback} for the orchestrator.
 */
final class FeedbackTrainer {

  private final Orchestrator orchestrator;
  private final Listeners listeners;
  private final RateLimitedLog log;

  FeedbackTrainer(Orchestrator orchestrator, Listeners listeners, RateLimitedLog log) {
    this.orchestrator = orchestrator;
    this.listeners = listeners;
    this.log = log;
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
      // An answer stated without a judgement (only `expected`) says nothing about the routing.
      if (reward.isPresent() || rf.target().isPresent()) {
        router.trainSignal(rf);
        listeners.emit(new EngineEvent.FeedbackApplied(router.id(), rf));
      }
      teachExperts(feedback, router.id(), stage, i == 0);
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

  /** Hands every called expert that learns its share: its weight in the stage's answer. */
  private void teachExperts(Feedback f, String routerId, Decision.Stage stage, boolean primary) {
    for (ExpertRef ref : stage.picked()) {
      Optional<LearningExpert> learner = ref.expert().asLearning();
      if (learner.isEmpty()) {
        continue;
      }
      double share = Math.clamp(stage.utilByName().getOrDefault(ref.name(), 0.0), 0.0, 1.0);
      ExpertFeedback ef =
          new ExpertFeedback(
              f.traceId(),
              routerId,
              stage.source(),
              share,
              f.reward(),
              primary ? f.bestExpert() : Optional.empty(),
              primary ? f.expected() : Optional.empty());
      try {
        learner.get().learn(ef);
      } catch (RuntimeException e) {
        // One expert failing to learn must not lose the feedback for the others.
        log.warn(
            "expert-learn:" + ref.name(),
            () -> "expert '" + ref.name() + "' failed to learn from feedback: " + e,
            e);
      }
    }
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
