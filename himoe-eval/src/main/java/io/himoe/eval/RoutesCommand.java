package io.himoe.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.eval.data.Labelled;
import io.himoe.eval.metrics.RoutingMetrics;
import io.himoe.eval.report.ConfusionSummary;
import io.himoe.eval.report.LabelTables;
import io.himoe.eval.report.ReliabilityDiagram;
import io.himoe.eval.report.ReportDir;
import io.himoe.eval.routes.Candidate;
import io.himoe.eval.routes.CandidateScore;
import io.himoe.eval.routes.KFoldSelection;
import io.himoe.eval.routes.RouteEvaluation;
import io.himoe.eval.routes.RouterKind;
import io.himoe.eval.routes.ThresholdRule;
import io.himoe.experts.encoders.Encoders;
import io.himoe.learning.fit.FitOptions;
import io.himoe.shared.Encoder;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
      names = "--vector-cache",
      paramLabel = "DIR",
      description =
          "Keep the training and validation rows' vectors in DIR between runs (test rows are"
              + " always encoded for real).")
  Path vectorCache;

  @Option(
      names = "--select",
      paramLabel = "kfold:K",
      description =
          "Choose the setting among --candidates by stratified K-fold cross-validation on"
              + " --train (each fold's gate calibrated on --val by the candidate's"
              + " --threshold-rule), then fit the chosen one and report --test once. The"
              + " choice: the highest cross-validated in-scope accuracy among candidates whose"
              + " cross-validated out-of-scope recall reaches --min-oos-recall and whose encoder"
              + " was not fine-tuned (a tune.json beside an onnx: model). --seed is then the"
              + " seed of the folds.")
  String select;

  @Option(
      names = "--candidates",
      paramLabel = "FILE",
      description =
          "With --select: one setting per line, as this command's flags (--encoder, --hidden,"
              + " --epochs, --learning-rate, --seed, --dropout, --label-smoothing, --temperature,"
              + " --threshold-rule), space-separated; blank lines and # comments skipped.")
  Path candidates;

  @Option(
      names = "--min-oos-recall",
      defaultValue = "0.6",
      paramLabel = "R",
      description =
          "With --select: the cross-validated out-of-scope recall a candidate must reach to"
              + " be chosen. Default: ${DEFAULT-VALUE}.")
  double minOosRecall;

  @Option(
      names = "--threads",
      defaultValue = "1",
      paramLabel = "N",
      description = "With --select: folds fitted at once. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--refit-with-val",
      description =
          "Route --test with a gate fitted again on --train and --val together (same"
              + " settings), keeping the threshold the gate fitted on --train alone calibrated on"
              + " --val; val_* keys are that first gate's. With --select, for the chosen setting.")
  boolean refitWithVal;

  @Mixin FitFlags fit;

  @Mixin HeadFlags head;

  @Spec CommandSpec spec;

  /** Flags that a candidate line gives instead, refused beside --select. */
  private static final List<String> PER_CANDIDATE =
      List.of(
          "--encoder",
          "--hidden",
          "--epochs",
          "--learning-rate",
          "--dropout",
          "--label-smoothing",
          "--temperature",
          "--threshold-rule",
          "--router");

  @Override
  public Integer call() throws Exception {
    Optional<KFoldSelection.Selection> selection = Optional.empty();
    Encoder encoder;
    FitOptions fitOptions;
    ThresholdRule rule;
    if (select != null || candidates != null) {
      KFoldSelection.Options kfold = selectOptions();
      List<Candidate> list = CandidateLine.read(candidates);
      List<Labelled> trainRows = Labelled.read(train, textField, labelField);
      List<Labelled> valRows = val == null ? List.of() : Labelled.read(val, textField, labelField);
      KFoldSelection.Selection s =
          KFoldSelection.run(
              trainRows,
              valRows,
              Optional.ofNullable(oosLabel).map(String::strip),
              list,
              kfold,
              Encoders::byName,
              err,
              ticker);
      selection = Optional.of(s);
      encoder = Encoders.byName(s.candidate().encoder());
      fitOptions = s.candidate().fit();
      rule = s.candidate().rule();
    } else {
      encoder = fit.encoder();
      fitOptions = head.apply(fit.fitOptions());
      rule = head.rule();
    }
    RouteEvaluation.Options options =
        new RouteEvaluation.Options(
            train,
            test,
            Optional.ofNullable(val),
            textField,
            labelField,
            Optional.ofNullable(oosLabel).map(String::strip),
            RouterKind.parse(router),
            fitOptions,
            eceBins,
            warmup,
            Optional.ofNullable(vectorCache),
            rule,
            refitWithVal);
    // Staged first, so that an unusable --report fails before minutes of training.
    try (ReportDir dir = report == null ? null : ReportDir.stage(report)) {
      RouteEvaluation.Result r = RouteEvaluation.run(options, encoder, err, ticker);
      ObjectNode json = json(r);
      selection.ifPresent(sel -> json.set("selection", selectionJson(sel, select, minOosRecall)));
      if (dir != null) {
        ConfusionSummary.write(r.metrics(), 30, dir.file("confusion.txt"));
        ReliabilityDiagram.write(r.calibration(), dir.file("reliability.png"));
        LabelTables.writeReliability(r.calibration(), dir.file("reliability.csv"));
        LabelTables.writePerLabel(r.metrics(), dir.file("per_label.csv"));
        ObjectNode full = json.deepCopy();
        full.put("router", router);
        full.put("encoder", encoder.id());
        full.put("threshold_rule", rule.toString());
        full.put("threshold", Json.round(r.threshold()));
        Files.writeString(dir.file("metrics.json"), Json.pretty(full));
        dir.commit().forEach(p -> err.println("report: " + p));
      }
      out.println(Json.line(json));
    }
    return EvalMain.OK;
  }

  /** Checks the --select flags; the fit flags belong in the candidates file then. */
  private KFoldSelection.Options selectOptions() {
    if (select == null || candidates == null) {
      throw new IllegalArgumentException("--select and --candidates go together");
    }
    var parsed = spec.commandLine().getParseResult();
    for (String flag : PER_CANDIDATE) {
      if (parsed.hasMatchedOption(flag)) {
        throw new IllegalArgumentException(
            flag + " is given per candidate in --candidates when --select is used");
      }
    }
    if (!select.startsWith("kfold:")) {
      throw new IllegalArgumentException("--select must be kfold:K, got '" + select + "'");
    }
    int k;
    try {
      k = Integer.parseInt(select.substring("kfold:".length()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--select kfold:K needs an integer K, got '" + select + "'");
    }
    return new KFoldSelection.Options(
        k, fit.seed, minOosRecall, threads, Optional.ofNullable(vectorCache));
  }

  static ObjectNode selectionJson(KFoldSelection.Selection sel, String method, double minRecall) {
    ObjectNode o = Json.object();
    o.put("method", method);
    Json.put(o, "min_oos_recall", minRecall);
    o.put("chosen", sel.chosen() + 1);
    o.put("min_oos_recall_met", sel.minimumMet());
    var list = o.putArray("candidates");
    for (CandidateScore s : sel.scores()) {
      ObjectNode c = list.addObject();
      c.put("candidate", s.candidate().line());
      c.put("tuned", s.candidate().tuned());
      Json.put(c, "kfold_in_scope_accuracy", s.inScopeAccuracy());
      Json.put(c, "kfold_oos_recall", s.oosRecall());
      Json.put(c, "val_in_scope_accuracy", s.valInScopeAccuracy());
      Json.put(c, "val_oos_recall", s.valOosRecall());
      Json.put(c, "seconds", s.seconds());
    }
    return o;
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
