package io.himoe.eval.routes;

import io.himoe.eval.data.DataError;
import io.himoe.eval.data.Labelled;
import io.himoe.eval.metrics.Calibration;
import io.himoe.eval.metrics.Percentiles;
import io.himoe.eval.metrics.Routed;
import io.himoe.eval.metrics.RoutingMetrics;
import io.himoe.experts.encoders.ConcatEncoder;
import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.fit.RouteFitter;
import io.himoe.learning.fit.RouteGuess;
import io.himoe.shared.Encoder;
import io.himoe.shared.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Evaluates a router fitted from labelled rows: trains the gate on the training rows, calibrates
 * the out-of-scope threshold on the validation rows when there are any, routes every test row once
 * on one thread, and scores the result. Latency is measured per query after the first {@link
 * Options#warmup()} test rows, which warm the JIT (each row is still routed only once, so encoder
 * caches never see a test text twice).
 */
public final class RouteEvaluation {

  /**
   * What to evaluate.
   *
   * @param train the training file
   * @param test the test file
   * @param val the validation file, if any
   * @param textField the name of the text field
   * @param labelField the name of the label field
   * @param oosLabel the label of out-of-scope rows, if the data has one
   * @param router the kind of router to fit
   * @param fit the gate's training options (ignored by {@link RouterKind#CENTROID})
   * @param eceBins the number of calibration bins, at least 1
   * @param warmup test rows routed before latency is measured (at most half of the test rows)
   * @param vectorCache a directory where the training and validation rows' vectors are kept between
   *     runs (test rows are always encoded for real), if any
   * @param threshold how the out-of-scope threshold is calibrated on the validation rows
   * @param refitWithVal whether the gate that routes the test rows is fitted again on the training
   *     and validation rows together (same settings), keeping the threshold calibrated on the
   *     validation rows by the first gate, fitted on the training rows alone
   */
  public record Options(
      Path train,
      Path test,
      Optional<Path> val,
      String textField,
      String labelField,
      Optional<String> oosLabel,
      RouterKind router,
      FitOptions fit,
      int eceBins,
      int warmup,
      Optional<Path> vectorCache,
      ThresholdRule threshold,
      boolean refitWithVal) {

    /** Validates. */
    public Options {
      Objects.requireNonNull(train, "train");
      Objects.requireNonNull(test, "test");
      Objects.requireNonNull(val, "val");
      Objects.requireNonNull(oosLabel, "oosLabel");
      Objects.requireNonNull(router, "router");
      Objects.requireNonNull(fit, "fit");
      Objects.requireNonNull(vectorCache, "vectorCache");
      Objects.requireNonNull(threshold, "threshold");
      if (refitWithVal && (val.isEmpty() || router != RouterKind.GATE || fit.temperature())) {
        throw new IllegalArgumentException(
            "--refit-with-val needs --val and the gate router, without --temperature (the"
                + " threshold and temperature are calibrated on --val by a gate that has not seen"
                + " it)");
      }
      if (eceBins < 1) {
        throw new IllegalArgumentException("--ece-bins must be at least 1, got " + eceBins);
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup);
      }
    }
  }

  /**
   * The outcome of an evaluation.
   *
   * @param nTrain rows the routing gate was fitted on (out-of-scope rows included; the validation
   *     rows too with {@link Options#refitWithVal()})
   * @param nTest test rows
   * @param metrics routing quality
   * @param calibration calibration of the top label's probability
   * @param trainSeconds wall-clock seconds to fit the gate and calibrate its threshold
   * @param p50Ms median per-query routing latency after warm-up, in milliseconds
   * @param p99Ms 99th percentile of the same, in milliseconds
   * @param repeatP50Us median latency of routing the same query again right after (what a repeated
   *     query costs with the encoder's cache), in microseconds
   * @param repeatP99Us 99th percentile of the same, in microseconds
   * @param threshold the calibrated rejection threshold (0 without validation rows)
   * @param validation the same metrics on the validation rows (where the threshold and temperature
   *     were calibrated, so optimistic; the place to compare settings), if there are any
   */
  public record Result(
      int nTrain,
      int nTest,
      RoutingMetrics metrics,
      Calibration calibration,
      double trainSeconds,
      double p50Ms,
      double p99Ms,
      double repeatP50Us,
      double repeatP99Us,
      double threshold,
      Optional<RoutingMetrics> validation) {}

  private RouteEvaluation() {}

  /**
   * @param options what to evaluate
   * @param encoder the encoder the gate reads
   * @param progress where progress lines go (stderr)
   * @param ticker a nanosecond clock (injected so tests do not depend on time)
   * @return the result
   * @throws DataError if a file is bad or a test or validation label never occurs in training
   */
  public static Result run(
      Options options, Encoder encoder, PrintStream progress, LongSupplier ticker) {
    List<Labelled> train =
        Labelled.read(options.train(), options.textField(), options.labelField());
    List<Labelled> test = Labelled.read(options.test(), options.textField(), options.labelField());
    List<Labelled> val =
        options.val().isPresent()
            ? Labelled.read(options.val().get(), options.textField(), options.labelField())
            : List.of();
    Set<String> known = labels(train, options.oosLabel());
    if (known.isEmpty()) {
      throw new DataError(
          options.train(),
          0,
          options.labelField(),
          "every row is out of scope ('" + options.oosLabel().orElse("") + "'); nothing to learn");
    }
    requireKnown(test, known, options, "training");
    requireKnown(val, known, options, "training");
    if (options.threshold() instanceof ThresholdRule.OosRecall
        && val.stream().noneMatch(r -> options.oosLabel().filter(r.label()::equals).isPresent())) {
      throw new IllegalArgumentException(
          "--threshold-rule "
              + options.threshold()
              + " needs --oos-label and out-of-scope rows in --val; there are none");
    }
    progress.printf(
        Locale.ROOT,
        "eval routes: %d training rows (%d labels), %d validation rows, %d test rows, encoder %s%n",
        train.size(),
        known.size(),
        val.size(),
        test.size(),
        encoder.id());

    List<StoredVectors> stored = new ArrayList<>();
    Encoder fitEncoder = encoder;
    if (options.vectorCache().isPresent()) {
      List<String> texts =
          java.util.stream.Stream.concat(train.stream(), val.stream()).map(Labelled::text).toList();
      // Each part of a concatenation is kept on its own, so other combinations reuse it.
      List<Encoder> parts = encoder instanceof ConcatEncoder c ? c.parts() : List.of(encoder);
      for (Encoder part : parts) {
        stored.add(StoredVectors.of(part, texts, options.vectorCache().get(), progress));
      }
      fitEncoder =
          stored.size() == 1 ? stored.getFirst() : ConcatEncoder.of(List.<Encoder>copyOf(stored));
    }
    long t0 = ticker.getAsLong();
    FittedRoutes routes =
        switch (options.router()) {
          case GATE ->
              RouteFitter.of(fitEncoder, options.fit())
                  .fit(
                      texts(train),
                      texts(val),
                      options.oosLabel(),
                      (epoch, epochs, loss) ->
                          progress.printf(
                              Locale.ROOT, "fit: epoch %d/%d, loss %.4f%n", epoch, epochs, loss));
          case CENTROID -> CentroidRoutes.fit(fitEncoder, train, val, options.oosLabel());
        };
    if (!val.isEmpty()) {
      routes = options.threshold().apply(routes, val, options.oosLabel());
    }
    double trainSeconds = (ticker.getAsLong() - t0) / 1e9;
    progress.printf(
        Locale.ROOT,
        "fit: %.1f s, out-of-scope threshold %.4f%n",
        trainSeconds,
        routes.threshold());
    Optional<RoutingMetrics> onVal = Optional.empty();
    if (!val.isEmpty()) {
      List<Routed> routedVal = new ArrayList<>(val.size());
      for (Labelled row : val) {
        RouteGuess g = routes.classify(row.text());
        routedVal.add(
            new Routed(row.label(), g.label(), g.topLabel(), Math.clamp(g.confidence(), 0.0, 1.0)));
      }
      RoutingMetrics m = RoutingMetrics.of(routedVal, options.oosLabel());
      progress.printf(
          Locale.ROOT,
          "validation rows: in-scope accuracy %.4f, out-of-scope recall %s%n",
          m.inScopeAccuracy(),
          m.oosRecall().isPresent()
              ? String.format(Locale.ROOT, "%.4f", m.oosRecall().getAsDouble())
              : "-");
      onVal = Optional.of(m);
    }
    int nTrain = train.size();
    if (options.refitWithVal()) {
      List<Labelled> all = new ArrayList<>(train);
      all.addAll(val);
      progress.printf(
          Locale.ROOT,
          "refit: %d training + %d validation rows, keeping the threshold %.4f%n",
          train.size(),
          val.size(),
          routes.threshold());
      long t1 = ticker.getAsLong();
      FittedRoutes again =
          RouteFitter.of(fitEncoder, options.fit())
              .fit(
                  texts(all),
                  List.of(),
                  options.oosLabel(),
                  (epoch, epochs, loss) ->
                      progress.printf(
                          Locale.ROOT, "refit: epoch %d/%d, loss %.4f%n", epoch, epochs, loss));
      routes = new Thresholded(again, routes.threshold());
      trainSeconds += (ticker.getAsLong() - t1) / 1e9;
      nTrain = all.size();
    }
    stored.forEach(StoredVectors::stopServing);
    return route(options, routes, nTrain, test, trainSeconds, onVal, progress, ticker);
  }

  private static Result route(
      Options options,
      FittedRoutes routes,
      int nTrain,
      List<Labelled> test,
      double trainSeconds,
      Optional<RoutingMetrics> onVal,
      PrintStream progress,
      LongSupplier ticker) {
    int warm = Math.min(options.warmup(), test.size() / 2);
    List<Routed> routed = new ArrayList<>(test.size());
    long[] nanos = new long[test.size() - warm];
    long[] repeatNanos = new long[test.size() - warm];
    double[] conf = new double[test.size()];
    boolean[] right = new boolean[test.size()];
    Progress bar = Progress.start(progress, "route", "queries", test.size());
    for (int i = 0; i < test.size(); i++) {
      Labelled row = test.get(i);
      long start = ticker.getAsLong();
      RouteGuess g = routes.classify(row.text());
      long took = ticker.getAsLong() - start;
      if (i >= warm) {
        nanos[i - warm] = took;
        // The same query again: a user repeating a question, served from the encoder's cache.
        long again = ticker.getAsLong();
        routes.classify(row.text());
        repeatNanos[i - warm] = ticker.getAsLong() - again;
      }
      // Softmax rounding can land a hair outside [0, 1].
      double c = Math.clamp(g.confidence(), 0.0, 1.0);
      routed.add(new Routed(row.label(), g.label(), g.topLabel(), c));
      conf[i] = c;
      right[i] = g.topLabel().equals(row.label());
      bar.advance(1);
    }
    bar.finish();
    return new Result(
        nTrain,
        test.size(),
        RoutingMetrics.of(routed, options.oosLabel()),
        Calibration.of(conf, right, options.eceBins()),
        trainSeconds,
        Percentiles.millis(Percentiles.valueAt(nanos, 50)),
        Percentiles.millis(Percentiles.valueAt(nanos, 99)),
        Percentiles.valueAt(repeatNanos, 50) / 1e3,
        Percentiles.valueAt(repeatNanos, 99) / 1e3,
        routes.threshold(),
        onVal);
  }

  private static Set<String> labels(List<Labelled> rows, Optional<String> oosLabel) {
    Set<String> s = new HashSet<>();
    for (Labelled r : rows) {
      if (oosLabel.isEmpty() || !oosLabel.get().equals(r.label())) {
        s.add(r.label());
      }
    }
    return s;
  }

  private static void requireKnown(
      List<Labelled> rows, Set<String> known, Options options, String where) {
    for (Labelled r : rows) {
      boolean oos = options.oosLabel().isPresent() && options.oosLabel().get().equals(r.label());
      if (!oos && !known.contains(r.label())) {
        throw new DataError(
            r.file(),
            r.line(),
            options.labelField(),
            "label '"
                + r.label()
                + "' never occurs in the "
                + where
                + " file "
                + options.train()
                + (options.oosLabel().isEmpty()
                    ? " (for out-of-scope rows pass --oos-label)"
                    : ""));
      }
    }
  }

  private static List<LabelledText> texts(List<Labelled> rows) {
    return rows.stream().map(r -> new LabelledText(r.text(), r.label())).toList();
  }
}
