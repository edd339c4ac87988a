package io.himoe.runtime.integration;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.experts.StreamingExpert;
import io.himoe.runtime.RuntimeDecision;
import io.himoe.runtime.mode.ModelTier;
import io.himoe.runtime.mode.PerformanceMode;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.TokenListener;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One expert name over several model sizes: each call goes to the model of the mode's {@link
 * ModelTier} (e.g. a small and a large LLM endpoint of the same provider). When the tier asked for
 * has no model, the nearest smaller one answers, else the nearest larger one. Wrap it in a {@link
 * RuntimeExpert} so that the tier comes from the request's mode.
 *
 * <p>When every tier's model streams (LLM experts do), the tiered expert is a {@link
 * StreamingExpert} too: a streamed call goes to the model of the tier of the request's decision
 * (stored in the context by {@link ModeCappedRouter} or {@link RuntimeExpert}; BALANCED's without
 * one), and its tokens pass through as they come.
 */
public sealed class TieredExpert implements ModeAwareExpert permits TieredExpert.Streaming {

  private final String name;
  private final EnumMap<ModelTier, Expert> byTier;

  private TieredExpert(String name, Map<ModelTier, ? extends Expert> byTier) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("expert name is empty");
    }
    Objects.requireNonNull(byTier, "byTier");
    if (byTier.isEmpty()) {
      throw new IllegalArgumentException("tiered expert '" + name + "' has no model");
    }
    this.name = name;
    this.byTier = new EnumMap<>(byTier);
  }

  /**
   * @param name the expert's name (the tiers' own names are not used)
   * @param byTier the model of each tier, at least one
   * @return the expert
   */
  public static TieredExpert of(String name, Map<ModelTier, ? extends Expert> byTier) {
    boolean allStream =
        !byTier.isEmpty() && byTier.values().stream().allMatch(e -> e instanceof StreamingExpert);
    return allStream ? new Streaming(name, byTier) : new TieredExpert(name, byTier);
  }

  /** The form whose tiers all stream. */
  static final class Streaming extends TieredExpert implements StreamingExpert {

    private Streaming(String name, Map<ModelTier, ? extends Expert> byTier) {
      super(name, byTier);
    }

    @Override
    public ExpertOut stream(InputData input, Context ctx, TokenListener listener) throws Exception {
      PerformanceProfile profile =
          RuntimeDecision.of(ctx)
              .map(RuntimeDecision::profile)
              .orElseGet(() -> PerformanceProfile.ofDefaults(PerformanceMode.BALANCED));
      return ((StreamingExpert) modelFor(profile.tier())).stream(input, ctx, listener);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public double canHandle(String task) {
    double best = 0;
    for (Expert e : byTier.values()) {
      best = Math.max(best, e.canHandle(task));
    }
    return best;
  }

  /**
   * @param tier the tier asked for
   * @return the model that answers for it
   */
  public Expert modelFor(ModelTier tier) {
    ModelTier[] tiers = ModelTier.values();
    for (int i = tier.ordinal(); i >= 0; i--) {
      Expert e = byTier.get(tiers[i]);
      if (e != null) {
        return e;
      }
    }
    for (int i = tier.ordinal() + 1; i < tiers.length; i++) {
      Expert e = byTier.get(tiers[i]);
      if (e != null) {
        return e;
      }
    }
    throw new IllegalStateException("tiered expert '" + name + "' has no model");
  }

  @Override
  public ExpertOut infer(InputData input, Context ctx, PerformanceProfile profile)
      throws Exception {
    Expert e = modelFor(profile.tier());
    return e instanceof ModeAwareExpert m ? m.infer(input, ctx, profile) : e.infer(input, ctx);
  }
}
