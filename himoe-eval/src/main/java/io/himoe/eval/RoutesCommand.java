package io.himoe.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.eval.metrics.RoutingMetrics;
import io.himoe.eval.report.ConfusionSummary;
import io.himoe.eval.report.LabelTables;
import io.himoe.eval.report.ReliabilityDiagram;
import io.himoe.eval.report.ReportDir;
import io.himoe.eval.routes.RouteEvaluation;
import io.himoe.eval.routes.RouterKind;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code himoe eval routes}: fit a router on labelled rows and score it on test rows. */
@Command(
    name = "routes",
    mixinStandardHelpOptions = true,
    description = {
      "Fit a router on --train (calibrating the out-of-scope threshold on --val when"
          + " given), route every --test row on one thread, and print one JSON line: n_train,"
          + " n_test, accuracy, in_scope_accuracy, oos_recall (null without --oos-label),"
          + " macro_f1, ece, train_seconds, p50_ms, p99_ms (one thread, after warm-up),"
          + " repeat_p50_us and repeat_p99_us (each timed query routed again at once: the"
          + " encoder's cache), and val_in_scope_accuracy and"
          + " val_oos_recall on --val (where the threshold was calibrated: compare settings"
          + " there, never on --test).",
      "Files are JSONL (.jsonl/.ndjson) or CSV with a header (.csv)."
    })
final class RoutesCommand implements Callable<Integer> {

  private final PrintStream out;
  private final PrintStream err;
  private final LongSupplier ticker;

  RoutesCommand(PrintStream out, PrintStream err, LongSupplier ticker) {
    this.out = out;
    this.err = err;
    this.ticker = ticker;
  }

  @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training rows.")
  Path train;

  @Option(names = "--test", required = true, paramLabel = "FILE", description = "Test rows.")
  Path test;

  @Option(
      names = "--val",
      paramLabel = "FILE",
      description = "Validation rows that calibrate the out-of-scope threshold.")
  Path val;

  @Option(
      names = "--text-field",
      required = true,
      paramLabel = "NAME",
      description = "Name of the text field.")
  String textField;

  @Option(
      names = "--label-field",
      required = true,
      paramLabel = "NAME",
      description = "Name of the label field.")
  String labelField;

  @Option(
      names = "--oos-label",
      paramLabel = "LABEL",
      description = "Label of out-of-scope rows (not a route: the router should reject them).")
  String oosLabel;

  @Option(
      names = "--router",
      defaultValue = "gate",
      paramLabel = "KIND",
      description =
          "Router to evaluate: gate (the neural gate of himoe-learning's RouteFitter; --hidden 0"
              + " is linear) or centroid (nearest centroid by cosine similarity, semantic-router"
              + " style). Default: ${DEFAULT-VALUE}.")
  String router;

  @Option(
      names = "--ece-bins",
      defaultValue = "15",
      paramLabel = "N",
      description = "Equal-width confidence bins for ECE. Default: ${DEFAULT-VALUE}.")
  int eceBins;

  @Option(
      names = "--warmup",
      defaultValue = "200",
      paramLabel = "N",
      description =
          "Test rows routed before latency is measured (at most half). Default: ${DEFAULT-VALUE}.")
  int warmup;

  @Option(
      names = "--report",
      paramLabel = "DIR",
      description =
          "Also write confusion.txt, reliability.png, reliability.csv, per_label.csv and"
              + " metrics.json here (all or nothing).")
  Path report;

  @Option(
      names = "--dropout",
      defaultValue = "0",
      paramLabel = "P",
      description =
          "Dropout of the gate's hidden units while training, in [0, 1) (needs --hidden)."
              + " Default: ${DEFAULT-VALUE}.")
  double dropout;

  @Option(
      names = "--label-smoothing",
      defaultValue = "0",
      paramLabel = "E",
      description =
          "Share of each training target spread over all routes, in [0, 1). Default:"
              + " ${DEFAULT-VALUE}.")
  double labelSmoothing;

  @Option(
      names = "--temperature",
      description =
          "Fit a softmax temperature on --val (by likelihood) before calibrating the"
              + " out-of-scope threshold.")
  boolean temperature;

  @Option(
      names = "--vector-cache",
      paramLabel = "DIR",
      description =
          "Keep the training and validation rows' vectors in DIR between runs (test rows are"
              + " always encoded for real).")
  Path vectorCache;

  @Mixin FitFlags fit;

  @Override
  public Integer call() throws Exception {
    RouteEvaluation.Options options =
        new RouteEvaluation.Options(
            train,
            test,
            Optional.ofNullable(val),
            textField,
            labelField,
            Optional.ofNullable(oosLabel).map(String::strip),
            RouterKind.parse(router),
            fit.fitOptions()
                .withDropout(dropout)
                .withLabelSmoothing(labelSmoothing)
                .withTemperature(temperature),
            eceBins,
            warmup,
            Optional.ofNullable(vectorCache));
    var encoder = fit.encoder();
    // Staged first, so that an unusable --report fails before minutes of training.
    try (ReportDir dir = report == null ? null : ReportDir.stage(report)) {
      RouteEvaluation.Result r = RouteEvaluation.run(options, encoder, err, ticker);
      ObjectNode json = json(r);
      if (dir != null) {
        ConfusionSummary.write(r.metrics(), 30, dir.file("confusion.txt"));
        ReliabilityDiagram.write(r.calibration(), dir.file("reliability.png"));
        LabelTables.writeReliability(r.calibration(), dir.file("reliability.csv"));
        LabelTables.writePerLabel(r.metrics(), dir.file("per_label.csv"));
        ObjectNode full = json.deepCopy();
        full.put("router", router);
        full.put("encoder", encoder.id());
        full.put("threshold", Json.round(r.threshold()));
        Files.writeString(dir.file("metrics.json"), Json.pretty(full));
        dir.commit().forEach(p -> err.println("report: " + p));
      }
      out.println(Json.line(json));
    }
    return EvalMain.OK;
  }

  static ObjectNode json(RouteEvaluation.Result r) {
    ObjectNode o = Json.object();
    o.put("n_train", r.nTrain());
    o.put("n_test", r.nTest());
    Json.put(o, "accuracy", r.metrics().accuracy());
    Json.put(o, "in_scope_accuracy", r.metrics().inScopeAccuracy());
    Json.put(o, "oos_recall", r.metrics().oosRecall());
    Json.put(o, "macro_f1", r.metrics().macroF1());
    Json.put(o, "ece", r.calibration().ece());
    Json.put(o, "train_seconds", r.trainSeconds());
    Json.put(o, "p50_ms", r.p50Ms());
    Json.put(o, "p99_ms", r.p99Ms());
    Json.put(o, "repeat_p50_us", r.repeatP50Us());
    Json.put(o, "repeat_p99_us", r.repeatP99Us());
    Optional<RoutingMetrics> v = r.validation();
    Json.put(
        o,
        "val_in_scope_accuracy",
        v.isPresent() ? OptionalDouble.of(v.get().inScopeAccuracy()) : OptionalDouble.empty());
    Json.put(o, "val_oos_recall", v.isPresent() ? v.get().oosRecall() : OptionalDouble.empty());
    return o;
  }
}
