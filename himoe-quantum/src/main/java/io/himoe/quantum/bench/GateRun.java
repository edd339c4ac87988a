package io.himoe.quantum.bench;

import io.himoe.quantum.data.RouteTask;
import io.himoe.quantum.gate.Noise;
import io.himoe.quantum.gate.QuantumGate;
import io.himoe.quantum.gate.Route;
import io.himoe.quantum.gate.Selection;
import io.himoe.quantum.gate.TrainableGate;
import io.himoe.quantum.learning.LearnerOptions;
import io.himoe.quantum.learning.RouteEvent;
import io.himoe.quantum.learning.RouteLearner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Runs one gate through a protocol's tasks and measures it. */
final class GateRun {

  private final List<RouteTask> tasks;
  private final LearnerOptions options;
  private final List<Integer> shots;
  private final Noise noise;
  private final long seed;
  private final PrintStream progress;

  GateRun(
      List<RouteTask> tasks,
      LearnerOptions options,
      List<Integer> shots,
      Noise noise,
      long seed,
      PrintStream progress) {
    this.tasks = tasks;
    this.options = options;
    this.shots = shots;
    this.noise = noise;
    this.seed = seed;
    this.progress = progress;
  }

  GateResult run(String name, TrainableGate gate) {
    RouteLearner learner = new RouteLearner(gate, options, new SplittableRandom(seed));
    int t = tasks.size();
    double[][] r = new double[t][];
    long start = System.nanoTime();
    double trainNanos = 0;
    for (int i = 0; i < t; i++) {
      RouteTask task = tasks.get(i);
      long s = System.nanoTime();
      for (RouteEvent e : learner.learn(i, task.trainX(), task.trainRoutes())) {
        progress.println(name + ": " + line(e));
      }
      trainNanos += System.nanoTime() - s;
      r[i] = new double[i + 1];
      for (int j = 0; j <= i; j++) {
        r[i][j] = accuracy(gate, tasks.get(j), Selection.expectation(), Noise.none());
      }
      progress.printf(
          java.util.Locale.ROOT,
          "%s: task %d (%s) learnt, loss %.3f, accuracy on tasks so far %s (%.0f s)%n",
          name,
          i,
          task.name(),
          learner.lastLoss(),
          percents(r[i]),
          (System.nanoTime() - start) / 1e9);
    }
    List<SelectionResult> selections = new ArrayList<>();
    selections.add(measure(gate, "expectation", Selection.expectation(), Noise.none()));
    for (int s : shots) {
      selections.add(measure(gate, s + " shots", Selection.shots(s), Noise.none()));
    }
    if (gate instanceof QuantumGate && !noise.isNone()) {
      selections.add(measure(gate, "expectation, noisy", Selection.expectation(), noise));
      for (int s : shots) {
        selections.add(measure(gate, s + " shots, noisy", Selection.shots(s), noise));
      }
    }
    List<String> events = learner.events().stream().map(GateRun::line).toList();
    long runs = gate instanceof QuantumGate q ? q.circuit().executions() : 0;
    return new GateResult(
        gate.describe(),
        gate.parameterCount(),
        r,
        GateResult.averageAccuracy(r),
        GateResult.forgetting(r),
        events,
        selections,
        trainNanos / 1e9,
        runs);
  }

  private SelectionResult measure(TrainableGate gate, String label, Selection sel, Noise n) {
    SplittableRandom random = new SplittableRandom(seed + 17);
    long ok = 0;
    long total = 0;
    long discarded = 0;
    long decisions = 0;
    long start = System.nanoTime();
    long elapsed;
    int rounds = 0;
    // repeat until the timing covers at least 0.3 s; accuracy comes from the first round
    do {
      for (RouteTask task : tasks) {
        for (int i = 0; i < task.testX().length; i++) {
          Route route = routeOf(gate, task.testX()[i], sel, n, random);
          decisions++;
          if (rounds == 0) {
            total++;
            discarded += route.discardedShots();
            if (route.branch() == task.testRoutes()[i]) {
              ok++;
            }
          }
        }
      }
      rounds++;
      elapsed = System.nanoTime() - start;
    } while (elapsed < 300_000_000L);
    int s = sel.shotCount();
    return new SelectionResult(
        label,
        s,
        (double) ok / total,
        decisions / (elapsed / 1e9),
        s == 0 ? 0 : (double) discarded / ((double) total * s));
  }

  private static Route routeOf(
      TrainableGate gate, float[] x, Selection sel, Noise n, SplittableRandom random) {
    return gate instanceof QuantumGate q ? q.route(x, sel, n, random) : gate.route(x, sel, random);
  }

  private static double accuracy(TrainableGate gate, RouteTask task, Selection sel, Noise n) {
    SplittableRandom random = new SplittableRandom(1);
    int ok = 0;
    for (int i = 0; i < task.testX().length; i++) {
      if (routeOf(gate, task.testX()[i], sel, n, random).branch() == task.testRoutes()[i]) {
        ok++;
      }
    }
    return (double) ok / task.testX().length;
  }

  static String line(RouteEvent e) {
    return switch (e) {
      case RouteEvent.BranchAdded b ->
          "task " + b.task() + ": branch " + b.branch() + " added (" + b.gate() + ")";
      case RouteEvent.FineTuned f -> "task " + f.task() + ": fine-tuned (" + f.reason() + ")";
      case RouteEvent.Extended x -> "task " + x.task() + ": extended (" + x.reason() + ")";
    };
  }

  private static String percents(double[] row) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < row.length; i++) {
      b.append(i == 0 ? "" : " ")
          .append(String.format(java.util.Locale.ROOT, "%.1f", 100 * row[i]));
    }
    return b.append("]").toString();
  }
}
