package io.himoe.runtime.integration;

import io.himoe.experts.Expert;
import io.himoe.experts.ExpertOut;
import io.himoe.runtime.mode.ModelTier;
import io.himoe.runtime.mode.PerformanceProfile;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One expert name over several model sizes: each call goes to the model of the mode's {@link
 * ModelTier} (e.g. a small and a large LLM endpoint of the same provider). When the tier asked for
 * has no model, the nearest smaller one answers, else the nearest larger one. Wrap it in a {@link
 * RuntimeExpert} so that the tier comes from the request's mode.
 */
public final class TieredExpert implements ModeAwareExpert {

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
    return new TieredExpert(name, byTier);
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
