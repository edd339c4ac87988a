package io.himoe.runtime.integration;

import io.himoe.engine.Answer;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.router.RouterFeedback;
import io.himoe.runtime.complexity.ComplexityExample;
import io.himoe.runtime.complexity.ComplexityLevel;
import io.himoe.runtime.complexity.LearnedComplexityAssessor;
import io.himoe.shared.InputData;
import io.himoe.shared.TtlLruCache;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds the engine's feedback to a {@link LearnedComplexityAssessor}: the level a request was given
 * is remembered under its trace id when it is answered; when feedback arrives, a poor reward (below
 * {@code lowBelow}) says the request needed one level more, a good one (at least {@code
 * goodAtLeast}) says its level was enough, and the assessor takes an online step on that example.
 * Rewards in between teach nothing. Register with {@code Engine.Builder.listener}.
 */
public final class ComplexityFeedbackListener implements EngineListener {

  private record Pending(String prompt, ComplexityLevel level) {}

  private final LearnedComplexityAssessor learned;
  private final double lowBelow;
  private final double goodAtLeast;
  private final TtlLruCache<String, Pending> pending;
  private final AtomicLong fed = new AtomicLong();

  private ComplexityFeedbackListener(
      LearnedComplexityAssessor learned, double lowBelow, double goodAtLeast, InstantSource clock) {
    this.learned = Objects.requireNonNull(learned, "learned");
    if (!(lowBelow >= 0 && lowBelow <= goodAtLeast && goodAtLeast <= 1)) {
      throw new IllegalArgumentException(
          "reward thresholds need 0 <= lowBelow <= goodAtLeast <= 1, got lowBelow="
              + lowBelow
              + " goodAtLeast="
              + goodAtLeast);
    }
    this.lowBelow = lowBelow;
    this.goodAtLeast = goodAtLeast;
    this.pending = new TtlLruCache<>(10_000, Duration.ofHours(1), clock);
  }

  /**
   * @param learned the assessor to train (the one the runtime decides with)
   * @return a listener: poor below 0.5, good from 0.8, 10,000 answers remembered for an hour
   */
  public static ComplexityFeedbackListener of(LearnedComplexityAssessor learned) {
    return of(learned, 0.5, 0.8, InstantSource.system());
  }

  /**
   * @param learned the assessor to train
   * @param lowBelow a reward below this means the level was too low
   * @param goodAtLeast a reward of at least this means the level was enough
   * @param clock expires remembered answers
   * @return the listener
   */
  public static ComplexityFeedbackListener of(
      LearnedComplexityAssessor learned, double lowBelow, double goodAtLeast, InstantSource clock) {
    return new ComplexityFeedbackListener(learned, lowBelow, goodAtLeast, clock);
  }

  @Override
  public void on(EngineEvent event) {
    switch (event) {
      case EngineEvent.Answered a -> answered(a.input(), a.answer());
      case EngineEvent.FeedbackApplied f -> feedback(f.feedback());
      case EngineEvent.Failed f -> {}
      case EngineEvent.ShadowRan s -> {}
      case EngineEvent.ShadowsSkipped s -> {}
    }
  }

  private void answered(InputData input, Answer answer) {
    String prompt = input.toText();
    if (!prompt.isBlank()) {
      pending.put(answer.traceId(), new Pending(prompt, learned.assess(prompt).level()));
    }
  }

  private void feedback(RouterFeedback feedback) {
    if (feedback.reward().isEmpty()) {
      return;
    }
    // Several routers of one request get the same feedback: learn from it once.
    Pending p = pending.remove(feedback.traceId()).orElse(null);
    if (p == null) {
      return;
    }
    double r = feedback.reward().getAsDouble();
    ComplexityLevel needed;
    if (r < lowBelow) {
      needed = ComplexityLevel.values()[Math.min(p.level().ordinal() + 1, 2)];
    } else if (r >= goodAtLeast) {
      needed = p.level();
    } else {
      return;
    }
    learned.update(new ComplexityExample(p.prompt(), needed));
    fed.incrementAndGet();
  }

  /**
   * @return examples given to the assessor so far
   */
  public long examplesFed() {
    return fed.get();
  }
}
