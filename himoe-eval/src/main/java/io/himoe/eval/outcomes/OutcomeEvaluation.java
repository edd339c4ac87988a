package io.himoe.eval.outcomes;

import io.himoe.eval.data.DataError;
import io.himoe.eval.data.Outcome;
import io.himoe.eval.data.Prices;
import io.himoe.eval.metrics.OutcomeMetrics;
import io.himoe.eval.report.QualityCostCurve;
import io.himoe.learning.costquality.CostQualityPolicy;
import io.himoe.learning.costquality.CostTarget;
import io.himoe.learning.costquality.ModelChoice;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FittedOutcomes;
import io.himoe.learning.fit.OutcomeExample;
import io.himoe.learning.fit.OutcomeFitter;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Evaluates a learned model choice on outcome data: learns on the training rows, with a per-model
 * quality predictor ({@link OutcomeFitter}, then {@link ModelChoice}) or a bandit trained online
 * ({@link Learner}), then for each cost weight sends every test query to the chosen model and
 * scores the choice with {@link OutcomeMetrics}.
 */
public final class OutcomeEvaluation {

  /**
   * What to evaluate.
   *
   * @param train the training file (JSONL {@code {"query", "scores"}})
   * @param test the test file, scoring the same models
   * @param prices the prices file ({@code models.json} form)
   * @param costWeights cost weights to evaluate, in quality per dollar per 1,000 queries, not
   *     empty; the first is the headline result
   * @param fit the predictor's training options ({@link Learner#GATE})
   * @param outputTokens output tokens assumed per answer when pricing, at least 0
   * @param learner how the choice is learned
   * @param exploration the bandits' exploration weight, at least 0 (ignored by the gate)
   * @param target a cost-quality target: the predictor then learns on four fifths of the training
   *     rows and the policy's cost weight is calibrated on the other fifth (every fifth row)
   */
  public record Options(
      Path train,
      Path test,
      Path prices,
      List<Double> costWeights,
      FitOptions fit,
      long outputTokens,
      Learner learner,
      double exploration,
      Optional<CostTarget> target) {

    /** Validates and copies. */
    public Options {
      Objects.requireNonNull(train, "train");
      Objects.requireNonNull(test, "test");
      Objects.requireNonNull(prices, "prices");
      Objects.requireNonNull(fit, "fit");
      costWeights = List.copyOf(costWeights);
      if (costWeights.isEmpty()) {
        throw new IllegalArgumentException("need at least one --cost-weight");
      }
      for (double w : costWeights) {
        if (!(w >= 0) || Double.isInfinite(w)) {
          throw new IllegalArgumentException("--cost-weight must be >= 0 and finite, got " + w);
        }
      }
      if (outputTokens < 0) {
        throw new IllegalArgumentException("--output-tokens must be >= 0, got " + outputTokens);
      }
      Objects.requireNonNull(learner, "learner");
      if (!(exploration >= 0) || Double.isInfinite(exploration)) {
        throw new IllegalArgumentException(
            "--exploration must be >= 0 and finite, got " + exploration);
      }
      Objects.requireNonNull(target, "target");
      if (target.isPresent() && learner != Learner.GATE) {
        throw new IllegalArgumentException(
            "--target-quality and --max-cost calibrate the gate's choice: use --learner gate");
      }
    }
  }

  /**
   * A calibrated policy and what it did on the test rows.
   *
   * @param policy the policy, calibrated on the held-out fifth of the training rows
   * @param test its metrics on the test rows
   */
  public record Calibrated(CostQualityPolicy policy, OutcomeMetrics test) {}

  /**
   * The outcome of an evaluation.
   *
   * @param perWeight the metrics at each cost weight, in the order given
   * @param curve the quality-cost curve with every single model and the oracle
   * @param trainSeconds wall-clock seconds of learning and of choosing for the test queries (all
   *     cost weights)
   * @param calibrated the calibrated policy, when a target was given
   */
  public record Result(
      List<OutcomeMetrics> perWeight,
      QualityCostCurve curve,
      double trainSeconds,
      Optional<Calibrated> calibrated) {
    /** Copies the list. */
    public Result {
      perWeight = List.copyOf(perWeight);
    }
  }

  private OutcomeEvaluation() {}

  /**
   * @param options what to evaluate
   * @param encoder the encoder the predictor reads
   * @param progress where progress lines go (stderr)
   * @param ticker a nanosecond clock
   * @return the result
   * @throws DataError if a file is bad, a model has no price, or the files score different models
   */
  public static Result run(
      Options options, Encoder encoder, PrintStream progress, LongSupplier ticker) {
    List<Outcome> train = Outcome.read(options.train());
    List<Outcome> test = Outcome.read(options.test());
    Prices prices = Prices.read(options.prices());
    var models = train.getFirst().scores().keySet();
    Outcome firstTest = test.getFirst();
    if (!firstTest.scores().keySet().equals(models)) {
      throw new DataError(
          firstTest.file(),
          firstTest.line(),
          "scores",
          "scores models "
              + firstTest.scores().keySet()
              + " but the training file "
              + options.train()
              + " scores "
              + models);
    }
    prices.requireAll(models, options.train(), options.prices());
    progress.printf(
        Locale.ROOT,
        "eval outcomes: %d training queries, %d test queries, %d models, encoder %s%n",
        train.size(),
        test.size(),
        models.size(),
        encoder.id());

    List<String> modelList = List.copyOf(new TreeSet<>(models));
    List<Map<String, Double>> costs = costs(test, modelList, prices, options);
    long t0 = ticker.getAsLong();
    List<String> policyChoice = new ArrayList<>();
    List<CostQualityPolicy> policy = new ArrayList<>();
    List<List<String>> choices =
        options.learner() == Learner.GATE
            ? gate(
                options,
                encoder,
                train,
                test,
                costs,
                modelList,
                prices,
                progress,
                policy,
                policyChoice)
            : bandit(options, encoder, train, test, modelList, costs, prices, progress);
    double trainSeconds = (ticker.getAsLong() - t0) / 1e9;
    progress.printf(Locale.ROOT, "learn: %.1f s%n", trainSeconds);

    List<OutcomeMetrics> perWeight = new ArrayList<>();
    List<QualityCostCurve.Routed> points = new ArrayList<>();
    for (int k = 0; k < options.costWeights().size(); k++) {
      double w = options.costWeights().get(k);
      OutcomeMetrics m = OutcomeMetrics.of(test, choices.get(k), prices, options.outputTokens());
      perWeight.add(m);
      points.add(new QualityCostCurve.Routed(w, m.quality(), m.costPer1k(), m.gapClosed()));
      progress.printf(
          Locale.ROOT,
          "cost weight %s: quality %.4f, $%.4f per 1k queries, gap closed %s%n",
          w,
          m.quality(),
          m.costPer1k(),
          m.gapClosed().isPresent()
              ? String.format(Locale.ROOT, "%.4f", m.gapClosed().getAsDouble())
              : "n/a");
    }
    Optional<Calibrated> calibrated = Optional.empty();
    if (!policy.isEmpty()) {
      OutcomeMetrics m = OutcomeMetrics.of(test, policyChoice, prices, options.outputTokens());
      calibrated = Optional.of(new Calibrated(policy.getFirst(), m));
      progress.printf(
          Locale.ROOT,
          "calibrated policy (cost weight %s): test quality %.4f (%.1f%% of the best single"
              + " model's), $%.4f per 1k queries (%.1f%% of its cost)%n",
          policy.getFirst().costWeight(),
          m.quality(),
          100 * m.quality() / m.bestSingleQuality(),
          m.costPer1k(),
          100 * m.costPer1k() / m.bestSingleCostPer1k());
    }
    return new Result(
        perWeight, curve(test, models, prices, options, points), trainSeconds, calibrated);
  }

  private static List<Map<String, Double>> costs(
      List<Outcome> rows, List<String> models, Prices prices, Options options) {
    List<Map<String, Double>> costs = new ArrayList<>(rows.size());
    for (Outcome o : rows) {
      Map<String, Double> c = new LinkedHashMap<>();
      for (String m : models) {
        c.put(m, 1000 * OutcomeMetrics.costOf(o, m, prices, options.outputTokens()));
      }
      costs.add(c);
    }
    return costs;
  }

  /**
   * Fits the quality predictor once; each cost weight then only changes the choice rule. With a
   * target, the predictor learns on four fifths of the training rows and the policy is calibrated
   * on the rest (added to {@code policy}, its test choices to {@code policyChoice}).
   */
  private static List<List<String>> gate(
      Options options,
      Encoder encoder,
      List<Outcome> train,
      List<Outcome> test,
      List<Map<String, Double>> costs,
      List<String> models,
      Prices prices,
      PrintStream progress,
      List<CostQualityPolicy> policy,
      List<String> policyChoice) {
    List<Outcome> fitRows = train;
    List<Outcome> calRows = List.of();
    if (options.target().isPresent()) {
      fitRows = new ArrayList<>();
      calRows = new ArrayList<>();
      for (int i = 0; i < train.size(); i++) {
        (i % 5 == 4 ? calRows : fitRows).add(train.get(i));
      }
      if (calRows.isEmpty()) {
        throw new IllegalArgumentException(
            "--target-quality/--max-cost: the training file needs at least 5 rows");
      }
    }
    FittedOutcomes predictor =
        OutcomeFitter.of(encoder, options.fit())
            .fit(
                fitRows.stream().map(o -> new OutcomeExample(o.query(), o.scores())).toList(),
                (epoch, epochs, loss) ->
                    progress.printf(
                        Locale.ROOT, "fit: epoch %d/%d, loss %.4f%n", epoch, epochs, loss));
    List<Map<String, Double>> predicted = new ArrayList<>(test.size());
    for (Outcome o : test) {
      predicted.add(predictor.predictQuality(o.query()));
    }
    List<List<String>> choices = new ArrayList<>();
    for (double w : options.costWeights()) {
      List<String> chosen = new ArrayList<>(test.size());
      for (int i = 0; i < test.size(); i++) {
        chosen.add(ModelChoice.choose(predicted.get(i), costs.get(i), w));
      }
      choices.add(chosen);
    }
    if (options.target().isPresent()) {
      List<Map<String, Double>> calPredicted = new ArrayList<>();
      for (Outcome o : calRows) {
        calPredicted.add(predictor.predictQuality(o.query()));
      }
      CostQualityPolicy p =
          CostQualityPolicy.calibrate(
              calPredicted,
              calRows.stream().map(Outcome::scores).toList(),
              costs(calRows, models, prices, options),
              options.target().get());
      progress.printf(
          Locale.ROOT,
          "calibration (%d held-out training rows): cost weight %s, quality %.4f against %s's"
              + " %.4f, $%.4f per 1k queries%s%n",
          calRows.size(),
          p.costWeight(),
          p.quality(),
          p.referenceModel(),
          p.referenceQuality(),
          p.cost(),
          p.reached() ? "" : " (target not reachable on these rows: closest policy taken)");
      policy.add(p);
      for (int i = 0; i < test.size(); i++) {
        policyChoice.add(p.choose(predicted.get(i), costs.get(i)));
      }
    }
    return choices;
  }

  /** Trains one bandit per cost weight, since the weight is part of its reward. */
  private static List<List<String>> bandit(
      Options options,
      Encoder encoder,
      List<Outcome> train,
      List<Outcome> test,
      List<String> models,
      List<Map<String, Double>> testCosts,
      Prices prices,
      PrintStream progress) {
    List<Map<String, Double>> trainCosts = costs(train, models, prices, options);
    float[][] trainX = null;
    float[][] testX = null;
    if (options.learner() == Learner.LINUCB) {
      // Check the dimension on one query before encoding thousands.
      int dim = encoder.encode(InputData.text(train.getFirst().query())).dimension();
      if (dim > BanditChoice.MAX_LINUCB_DIM) {
        throw new IllegalArgumentException(
            "--learner linucb: encoder "
                + encoder.id()
                + " gives "
                + dim
                + " dimensions, at most "
                + BanditChoice.MAX_LINUCB_DIM
                + " fit (try --encoder minilm)");
      }
      trainX = encode(encoder, train, progress);
      testX = encode(encoder, test, progress);
    }
    List<List<String>> choices = new ArrayList<>();
    for (double w : options.costWeights()) {
      choices.add(
          BanditChoice.choose(
              options.learner(),
              models,
              w,
              options.exploration(),
              options.fit().seed(),
              train,
              trainCosts,
              trainX,
              testCosts,
              testX));
      progress.printf(
          Locale.ROOT,
          "bandit %s, cost weight %s: trained online on %d queries%n",
          options.learner().name().toLowerCase(Locale.ROOT),
          w,
          train.size());
    }
    return choices;
  }

  private static float[][] encode(Encoder encoder, List<Outcome> rows, PrintStream progress) {
    float[][] x = new float[rows.size()][];
    Progress bar = Progress.start(progress, "encode", "queries", rows.size());
    int batch = 256; // small enough for the progress to move
    for (int from = 0; from < x.length; from += batch) {
      int to = Math.min(x.length, from + batch);
      List<Encoded> encoded =
          encoder.encodeAll(
              rows.subList(from, to).stream().map(o -> InputData.text(o.query())).toList());
      for (int i = from; i < to; i++) {
        x[i] = encoded.get(i - from).vector();
      }
      bar.advance(to - from);
    }
    bar.finish();
    return x;
  }

  private static QualityCostCurve curve(
      List<Outcome> test,
      Set<String> models,
      Prices prices,
      Options options,
      List<QualityCostCurve.Routed> points) {
    List<QualityCostCurve.Single> singles = new ArrayList<>();
    for (String m : models) {
      OutcomeMetrics all =
          OutcomeMetrics.of(
              test, Collections.nCopies(test.size(), m), prices, options.outputTokens());
      singles.add(new QualityCostCurve.Single(m, all.quality(), all.costPer1k()));
    }
    double oracle = test.stream().mapToDouble(Outcome::oracle).average().orElseThrow();
    return new QualityCostCurve(points, singles, oracle);
  }
}
