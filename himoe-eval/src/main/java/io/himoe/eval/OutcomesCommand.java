package io.himoe.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.eval.metrics.OutcomeMetrics;
import io.himoe.eval.outcomes.Learner;
import io.himoe.eval.outcomes.OutcomeEvaluation;
import io.himoe.eval.report.ReportDir;
import io.himoe.learning.costquality.CostQualityPolicy;
import io.himoe.learning.costquality.CostTarget;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code himoe eval outcomes}: learn which model to send each query to and score the choice. */
@Command(
    name = "outcomes",
    mixinStandardHelpOptions = true,
    description = {
      "Learn on --train (JSONL rows {\"query\": ..., \"scores\": {model: quality in [0, 1]}})"
          + " which model to send a query to, trading quality for cost (see --learner), send each"
          + " --test query to the chosen model, and print one JSON line: n_test, quality,"
          + " cost_per_1k, best_single_model, best_single_quality, best_single_cost_per_1k,"
          + " oracle_quality, gap_closed (for the first --cost-weight).",
      "Tokens are estimated from the query text (4 characters per token) and priced with --prices"
          + " (models.json form: dollars per million tokens)."
    })
final class OutcomesCommand implements Callable<Integer> {

  private final PrintStream out;
  private final PrintStream err;
  private final LongSupplier ticker;

  OutcomesCommand(PrintStream out, PrintStream err, LongSupplier ticker) {
    this.out = out;
    this.err = err;
    this.ticker = ticker;
  }

  @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training rows.")
  Path train;

  @Option(names = "--test", required = true, paramLabel = "FILE", description = "Test rows.")
  Path test;

  @Option(
      names = "--prices",
      required = true,
      paramLabel = "FILE",
      description = "Model prices (JSON: {model: {input_price_per_mtok, output_price_per_mtok}}).")
  Path prices;

  @Option(
      names = "--cost-weight",
      paramLabel = "W",
      split = ",",
      description =
          "Quality given up per dollar per 1,000 queries; repeat (or comma-separate) for a"
              + " quality-cost curve. The first is the headline result. Default: 0.")
  List<Double> costWeights;

  @Option(
      names = "--output-tokens",
      paramLabel = "N",
      defaultValue = "0",
      description = "Output tokens assumed per answer when pricing. Default: ${DEFAULT-VALUE}.")
  long outputTokens;

  @Option(
      names = "--learner",
      defaultValue = "gate",
      paramLabel = "KIND",
      description =
          "gate (per-model quality predictor trained on every model's score), or a bandit trained"
              + " online with only the chosen model's reward: linucb (contextual, needs <= 512"
              + " dimensions: --encoder minilm), ucb1 or thompson (context-free). Default:"
              + " ${DEFAULT-VALUE}.")
  String learner;

  @Option(
      names = "--exploration",
      paramLabel = "X",
      defaultValue = "0.5",
      description =
          "Bandit exploration weight (UCB1 c, LinUCB alpha, Thompson prior scale). Default:"
              + " ${DEFAULT-VALUE}.")
  double exploration;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description = "Also write curve.csv, curve.png and metrics.json here (all or nothing).")
  Path report;

  @Option(
      names = "--target-quality",
      paramLabel = "SHARE",
      description =
          "Calibrate the choice: the cheapest policy reaching SHARE (e.g. 0.95) of the best single"
              + " model's quality, chosen on every fifth training row (the predictor learns on the"
              + " rest); the headline result is then that policy's on --test.")
  Double targetQuality;

  @Option(
      names = "--max-cost",
      paramLabel = "DOLLARS",
      description =
          "Calibrate the choice: the best quality at most DOLLARS per 1,000 queries (chosen as"
              + " for --target-quality).")
  Double maxCost;

  @Mixin FitFlags fit;

  @Override
  public Integer call() throws Exception {
    OutcomeEvaluation.Options options =
        new OutcomeEvaluation.Options(
            train,
            test,
            prices,
            costWeights == null ? List.of(0.0) : costWeights,
            fit.fitOptions(),
            outputTokens,
            Learner.parse(learner),
            exploration,
            target());
    var encoder = fit.encoder();
    // Staged first, so that an unusable --report fails before training.
    try (ReportDir dir = report == null ? null : ReportDir.stage(report)) {
      OutcomeEvaluation.Result r = OutcomeEvaluation.run(options, encoder, err, ticker);
      ObjectNode json =
          r.calibrated().isPresent()
              ? calibrated(r.calibrated().get())
              : json(r.perWeight().getFirst());
      if (dir != null) {
        r.curve().writeCsv(dir.file("curve.csv"));
        r.curve().writePng(dir.file("curve.png"));
        ObjectNode full = json.deepCopy();
        full.put("learner", learner);
        full.put("encoder", encoder.id());
        Json.put(full, "train_seconds", r.trainSeconds());
        var curve = full.putArray("curve");
        for (int i = 0; i < r.perWeight().size(); i++) {
          ObjectNode p = json(r.perWeight().get(i));
          p.put("cost_weight", options.costWeights().get(i));
          curve.add(p);
        }
        Files.writeString(dir.file("metrics.json"), Json.pretty(full));
        dir.commit().forEach(p -> err.println("report: " + p));
      }
      out.println(Json.line(json));
    }
    return EvalMain.OK;
  }

  private Optional<CostTarget> target() {
    if (targetQuality != null && maxCost != null) {
      throw new IllegalArgumentException("give --target-quality or --max-cost, not both");
    }
    try {
      if (targetQuality != null) {
        return Optional.of(new CostTarget.Quality(targetQuality));
      }
      return maxCost == null ? Optional.empty() : Optional.of(new CostTarget.MaxCost(maxCost));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          (targetQuality != null ? "--target-quality: " : "--max-cost: ") + e.getMessage(), e);
    }
  }

  static ObjectNode calibrated(OutcomeEvaluation.Calibrated c) {
    ObjectNode o = json(c.test());
    OutcomeMetrics m = c.test();
    Json.put(o, "quality_share_of_best", m.quality() / m.bestSingleQuality());
    Json.put(o, "cost_share_of_best", m.costPer1k() / m.bestSingleCostPer1k());
    ObjectNode p = o.putObject("policy");
    CostQualityPolicy policy = c.policy();
    switch (policy.target()) {
      case CostTarget.Quality q -> Json.put(p, "target_quality", q.share());
      case CostTarget.MaxCost mc -> Json.put(p, "max_cost", mc.cost());
    }
    p.put("cost_weight", policy.costWeight());
    p.put("reached_on_calibration", policy.reached());
    Json.put(p, "calibration_quality", policy.quality());
    Json.put(p, "calibration_cost_per_1k", policy.cost());
    p.put("calibration_best_single_model", policy.referenceModel());
    Json.put(p, "calibration_best_single_quality", policy.referenceQuality());
    return o;
  }

  static ObjectNode json(OutcomeMetrics m) {
    ObjectNode o = Json.object();
    o.put("n_test", m.nTest());
    Json.put(o, "quality", m.quality());
    Json.put(o, "cost_per_1k", m.costPer1k());
    o.put("best_single_model", m.bestSingleModel());
    Json.put(o, "best_single_quality", m.bestSingleQuality());
    Json.put(o, "best_single_cost_per_1k", m.bestSingleCostPer1k());
    Json.put(o, "oracle_quality", m.oracleQuality());
    Json.put(o, "gap_closed", m.gapClosed());
    return o;
  }
}
