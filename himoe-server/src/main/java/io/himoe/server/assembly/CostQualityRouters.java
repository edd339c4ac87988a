package io.himoe.server.assembly;

import io.himoe.eval.data.DataError;
import io.himoe.eval.data.Outcome;
import io.himoe.experts.ExpertRegistry;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.learning.costquality.CostQualityPolicy;
import io.himoe.learning.costquality.CostQualityRouter;
import io.himoe.learning.costquality.CostTarget;
import io.himoe.learning.fit.OutcomeExample;
import io.himoe.router.RouterConfig;
import io.himoe.server.config.ConfigException;
import io.himoe.server.config.ExpertSpec;
import io.himoe.server.config.HimoeConfig;
import io.himoe.shared.InputData;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@code cost-quality} router: the outcome file's rows fit the quality predictors and
 * calibrate the cost weight; each expert's expected cost per request comes from its configured
 * prices ({@code cost_per_call}, plus {@code cost_per_1k_tokens} times the request's tokens and
 * {@code output_tokens}).
 */
final class CostQualityRouters {

  private static final Logger LOG = LoggerFactory.getLogger(CostQualityRouters.class);

  private CostQualityRouters() {}

  /**
   * @param index the router's position in the configuration
   * @param rc its configuration
   * @param reg its experts
   * @param names their names
   * @param cfg top-k, policy, aggregator, encoder
   * @param spec an expert's spec by name
   * @return the fitted, calibrated router
   * @throws ConfigException naming the field when the outcome file is unusable
   */
  static CostQualityRouter build(
      int index,
      HimoeConfig.Router rc,
      ExpertRegistry reg,
      List<String> names,
      RouterConfig cfg,
      Function<String, ExpertSpec> spec) {
    HimoeConfig.CostQuality cq = rc.costQuality();
    String field = "routers[" + index + "].cost_quality";
    List<Outcome> rows;
    try {
      rows = Outcome.read(Path.of(cq.outcomes()));
    } catch (DataError e) {
      throw new ConfigException("for this build", List.of(field + ".outcomes: " + e.getMessage()));
    }
    List<String> missing =
        names.stream().filter(n -> !rows.getFirst().scores().containsKey(n)).toList();
    if (!missing.isEmpty()) {
      throw new ConfigException(
          "for this build",
          List.of(
              field
                  + ".outcomes: "
                  + cq.outcomes()
                  + " scores "
                  + rows.getFirst().scores().keySet()
                  + " but not the router's experts "
                  + missing));
    }
    // The record sets target_quality whenever max_cost is absent (the loader refuses both).
    CostTarget target =
        cq.maxCost() != null
            ? new CostTarget.MaxCost(cq.maxCost())
            : new CostTarget.Quality(
                Objects.requireNonNull(cq.targetQuality(), "cost_quality.target_quality"));
    CostQualityRouter.Builder b =
        CostQualityRouter.builder(rc.id(), reg, cfg)
            .target(target)
            .learning(cq.learningRate(), cq.recalibrateEvery())
            .outcomes(rows.stream().map(o -> new OutcomeExample(o.query(), o.scores())).toList());
    for (String n : names) {
      b.cost(n, expectedCost(spec.apply(n).common().cost(), cq.outputTokens()));
    }
    CostQualityRouter router;
    try {
      router = b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException("for this build", List.of(field + ": " + e.getMessage()));
    }
    CostQualityPolicy p = router.policy();
    LOG.info(
        "router '{}': cost weight {} calibrated on {} held-out rows of {}: quality {} ({}% of {}'s"
            + " {}), mean cost {} per request{}",
        rc.id(),
        String.format(java.util.Locale.ROOT, "%.4g", p.costWeight()),
        rows.size() / 5,
        cq.outcomes(),
        String.format(java.util.Locale.ROOT, "%.4f", p.quality()),
        String.format(java.util.Locale.ROOT, "%.1f", 100 * p.quality() / p.referenceQuality()),
        p.referenceModel(),
        String.format(java.util.Locale.ROOT, "%.4f", p.referenceQuality()),
        String.format(java.util.Locale.ROOT, "%.4g", p.cost()),
        p.reached() ? "" : " (target not reached on those rows: the closest policy is used)");
    return router;
  }

  /**
   * An expert's expected cost of one request in cost units: {@code cost_per_call}, plus {@code
   * cost_per_1k_tokens} times the request's prompt tokens (jtokkit) and {@code outputTokens}.
   */
  static ToDoubleFunction<InputData> expectedCost(ExpertSpec.Cost cost, int outputTokens) {
    double perCall = cost.perCall();
    double per1k = cost.per1kTokens();
    if (per1k == 0) {
      return input -> perCall;
    }
    TokenCounter tokens = TokenCounter.defaults();
    return input -> perCall + per1k * (tokens.prompt(input) + outputTokens) / 1000.0;
  }
}
