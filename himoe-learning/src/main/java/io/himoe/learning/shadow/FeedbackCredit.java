package io.himoe.learning.shadow;

import io.himoe.experts.ExpertId;
import io.himoe.experts.ExpertRef;
import io.himoe.router.GateScores;
import io.himoe.router.Router;
import io.himoe.router.RouterFeedback;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import io.himoe.shared.RouterInput;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Scores a shadow router against the primary from the caller's feedback on the primary's answer:
 * the decision's stored input is replayed through the shadow's gate (encode, gate, policy, top-k;
 * no expert is called), and both decisions are scored:
 *
 * <ul>
 *   <li>the caller named the right expert: each scores 1 if it picks that expert, else 0 (exact);
 *   <li>the caller gave a reward and the shadow picks the experts the primary called: a tie, both
 *       score the reward;
 *   <li>the caller gave a reward and the shadow picks other experts: the shadow scores their mean
 *       reward so far (a direct-method estimate: it assumes an expert's quality does not depend on
 *       the request, so labelled feedback is the better evidence), once each has at least {@code
 *       minSamples} rewards, and wins or loses only beyond {@code margin}.
 * </ul>
 *
 * The shadow learns from the same feedback where it applies to its own decision (the right expert;
 * the reward when it picks what the primary called), so a shadow is a competitor that keeps up, not
 * a frozen one. Thread-safe.
 */
public final class FeedbackCredit {

  private final ExpertRewards rewards = new ExpertRewards();
  private final double margin;
  private final int minSamples;

  private FeedbackCredit(double margin, int minSamples) {
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("shadow credit margin must be in [0, 1), got " + margin);
    }
    if (minSamples < 1) {
      throw new IllegalArgumentException(
          "shadow credit min samples must be >= 1, got " + minSamples);
    }
    this.margin = margin;
    this.minSamples = minSamples;
  }

  /**
   * @param margin how much an estimated score must differ from the reward to count as a win, in [0,
   *     1)
   * @param minSamples rewards an expert needs before its mean stands for it, &gt;= 1
   * @return the scorer
   */
  public static FeedbackCredit of(double margin, int minSamples) {
    return new FeedbackCredit(margin, minSamples);
  }

  /**
   * @return margin 0.1, 5 samples
   */
  public static FeedbackCredit ofDefaults() {
    return of(0.1, 5);
  }

  /**
   * Replays the primary's decision through a shadow and scores both; trains the shadow where the
   * feedback applies to its decision.
   *
   * @param primaryId the primary router's id
   * @param feedback the feedback the primary was trained with (its input, choice, reward, target)
   * @param shadow the shadow router
   * @param ctx the context of the replay (its deadline bounds the encode and the gate)
   * @return the comparison, or empty when the feedback cannot score the shadow (no reward and no
   *     right expert, the shadow picks experts with too few rewards, it scores no expert)
   */
  public Optional<ShadowComparison> compare(
      String primaryId, RouterFeedback feedback, Router shadow, Context ctx) {
    InputData source = feedback.input().source();
    RouterInput ri =
        shadow.config().encoder().isPresent()
            ? RouterInput.encode(source, shadow.config().encoder().get())
            : RouterInput.raw(source);
    GateScores weights;
    List<ExpertRef> picks;
    try {
      ctx.checkAlive("shadow credit");
      GateScores raw = shadow.gate(ri, ctx);
      if (raw == null || raw.size() == 0) {
        return Optional.empty();
      }
      weights = shadow.config().policy().apply(raw);
      picks = shadow.pickTopK(weights, shadow.config().topK());
    } catch (MoeError.NoExpertSelected none) {
      return Optional.empty();
    }
    Set<ExpertId> shadowIds = new HashSet<>();
    picks.forEach(r -> shadowIds.add(r.id()));
    Set<ExpertId> primaryIds = new HashSet<>(feedback.chosen());
    List<String> names = picks.stream().map(ExpertRef::name).toList();
    List<ExpertId> pickIds = picks.stream().map(ExpertRef::id).toList();
    if (feedback.target().isPresent()) {
      ExpertId t = feedback.target().get();
      double ps = primaryIds.contains(t) ? 1 : 0;
      double ss = shadowIds.contains(t) ? 1 : 0;
      train(
          shadow,
          new RouterFeedback(
              feedback.traceId(),
              ri,
              weights,
              pickIds,
              OptionalDouble.empty(),
              Optional.of(t),
              0,
              Map.of()));
      return Optional.of(comparison(feedback, primaryId, shadow, "best_expert", ps, ss, names, 0));
    }
    if (feedback.reward().isEmpty()) {
      return Optional.empty();
    }
    double r = feedback.reward().getAsDouble();
    if (shadowIds.equals(primaryIds)) {
      train(
          shadow,
          new RouterFeedback(
              feedback.traceId(),
              ri,
              weights,
              pickIds,
              feedback.reward(),
              Optional.empty(),
              1 - r,
              Map.of()));
      return Optional.of(comparison(feedback, primaryId, shadow, "same_experts", r, r, names, 0));
    }
    OptionalDouble estimate = rewards.mean(shadowIds, minSamples);
    if (estimate.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        comparison(
            feedback, primaryId, shadow, "estimated", r, estimate.getAsDouble(), names, margin));
  }

  /**
   * Adds the primary's feedback to the experts' reward means (call it after comparing the shadows
   * of that feedback, so a comparison never uses its own outcome): the reward for each called
   * expert; with a named right expert, 1 for it and 0 for the called others.
   *
   * @param feedback the primary's feedback
   */
  public void observe(RouterFeedback feedback) {
    if (feedback.target().isPresent()) {
      ExpertId t = feedback.target().get();
      rewards.add(t, 1);
      for (ExpertId e : feedback.chosen()) {
        if (!e.equals(t)) {
          rewards.add(e, 0);
        }
      }
    } else if (feedback.reward().isPresent()) {
      for (ExpertId e : feedback.chosen()) {
        rewards.add(e, feedback.reward().getAsDouble());
      }
    }
  }

  private static void train(Router shadow, RouterFeedback f) {
    try {
      shadow.trainSignal(f);
    } catch (MoeError | IllegalArgumentException cannotLearnThis) {
      // A shadow without that expert learns nothing from it; the comparison still counts.
    }
  }

  private static ShadowComparison comparison(
      RouterFeedback f,
      String primaryId,
      Router shadow,
      String basis,
      double ps,
      double ss,
      List<String> picks,
      double margin) {
    ShadowOutcome o =
        ss > ps + margin
            ? ShadowOutcome.SHADOW_BETTER
            : ss < ps - margin ? ShadowOutcome.PRIMARY_BETTER : ShadowOutcome.TIE;
    return new ShadowComparison(f.traceId(), primaryId, shadow.id(), o, basis, ps, ss, picks);
  }
}
