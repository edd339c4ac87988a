package io.himoe.quantum.learning;

import io.himoe.quantum.gate.TrainableGate;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Learns routes task after task on a {@link TrainableGate}, following seed 004's loop:
 *
 * <ol>
 *   <li>a route label the gate has never seen adds a branch (for the quantum gate: the next basis
 *       state, and a qubit when the register is full);
 *   <li><b>conflict test</b>: the gradient of the new task's loss (on a probe of {@code probe}
 *       examples) is compared with the gradient of the remembered routes' loss. A cosine below
 *       {@code threshold} means a step on the new task would raise the old loss to first order ("la
 *       mise à jour détruirait du savoir"), so a gate that can extend freezes what it has and adds
 *       new parameters (the quantum gate: a block of rotations that starts as the identity);
 *       otherwise the current parameters fine-tune;
 *   <li>training: {@code epochs} passes of Adam over the task, each batch joined by as many
 *       remembered examples per earlier task, drawn from the whole memory (balanced replay);
 *   <li>up to {@code memoryPerTask} of the task's examples are remembered (reservoir sampling).
 * </ol>
 *
 * <p>Not thread-safe.
 */
public final class RouteLearner {

  private final TrainableGate gate;
  private final LearnerOptions options;
  private final RandomGenerator random;
  private final List<float[]> memoryX = new ArrayList<>();
  private final List<Integer> memoryY = new ArrayList<>();
  private final List<RouteEvent> events = new ArrayList<>();
  private boolean trained;
  private int rememberedTasks;
  private double lastLoss = Double.NaN;

  /**
   * @param gate the gate to train
   * @param options training options
   * @param random shuffles, replay draws and reservoir sampling
   */
  public RouteLearner(TrainableGate gate, LearnerOptions options, RandomGenerator random) {
    this.gate = gate;
    this.options = options;
    this.random = random;
  }

  /**
   * @return the gate
   */
  public TrainableGate gate() {
    return gate;
  }

  /**
   * @return every event so far, oldest first
   */
  public List<RouteEvent> events() {
    return List.copyOf(events);
  }

  /**
   * @return mean loss of the last training epoch (NaN before any)
   */
  public double lastLoss() {
    return lastLoss;
  }

  /**
   * @return remembered examples
   */
  public int memorySize() {
    return memoryX.size();
  }

  /**
   * Learns one task.
   *
   * @param task the task's number (for events)
   * @param x inputs
   * @param routes the branch each input should go to; a route beyond the current branches adds
   *     branches up to it
   * @return the events of this task (branches added, then the conflict decision)
   */
  public List<RouteEvent> learn(int task, float[][] x, int[] routes) {
    if (x.length != routes.length || x.length == 0) {
      throw new IllegalArgumentException(
          "task " + task + ": " + x.length + " inputs and " + routes.length + " routes");
    }
    int from = events.size();
    int maxRoute = 0;
    for (int r : routes) {
      if (r < 0) {
        throw new IllegalArgumentException("task " + task + ": negative route " + r);
      }
      maxRoute = Math.max(maxRoute, r);
    }
    while (gate.branches() <= maxRoute) {
      int b = gate.addBranch();
      events.add(new RouteEvent.BranchAdded(task, b, gate.describe()));
    }
    events.add(decide(task, x, routes));
    train(x, routes);
    remember(x, routes);
    trained = true;
    return List.copyOf(events.subList(from, events.size()));
  }

  private RouteEvent decide(int task, float[][] x, int[] routes) {
    if (!trained) {
      return new RouteEvent.FineTuned(task, Double.NaN, "first task: the initial parameters train");
    }
    if (!gate.canExtend() || !options.conflictTest()) {
      return new RouteEvent.FineTuned(task, Double.NaN, "no conflict test: parameters train");
    }
    if (memoryX.isEmpty()) {
      gate.extend();
      return new RouteEvent.Extended(
          task, Double.NaN, "no memory to test against: new parameters for every task");
    }
    int n = Math.min(options.probe(), x.length);
    double[] gNew = new double[gate.parameterCount()];
    for (int i = 0; i < n; i++) {
      gate.accumulateGradient(x[i], routes[i], 1.0 / n, gNew);
    }
    double[] gOld = new double[gate.parameterCount()];
    for (int i = 0; i < memoryX.size(); i++) {
      gate.accumulateGradient(memoryX.get(i), memoryY.get(i), 1.0 / memoryX.size(), gOld);
    }
    double cos = cosine(gNew, gOld, gate.trainable());
    String numbers =
        String.format(
            java.util.Locale.ROOT, "cosine %.3f, threshold %.3f", cos, options.threshold());
    if (cos < options.threshold()) {
      gate.extend();
      return new RouteEvent.Extended(
          task, cos, numbers + ": the update would undo remembered routes; " + gate.describe());
    }
    return new RouteEvent.FineTuned(task, cos, numbers + ": no conflict, parameters train");
  }

  static double cosine(double[] a, double[] b, boolean[] mask) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      if (mask[i]) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
      }
    }
    return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
  }

  private void train(float[][] x, int[] routes) {
    double[] params = gate.parameters();
    boolean[] trainable = gate.trainable();
    Adam adam = new Adam(params.length, options.learningRate());
    int[] order = new int[x.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int b = options.batch();
    for (int e = 0; e < options.epochs(); e++) {
      shuffle(order);
      double loss = 0;
      int seen = 0;
      for (int from = 0; from < order.length; from += b) {
        int to = Math.min(order.length, from + b);
        // balanced replay: as many remembered examples per earlier task as new ones, so that each
        // task weighs the same in the step (half new / half memory let the newest task dominate:
        // 62 % against 7x % for the classical gate on split MNIST)
        int replay = memoryX.isEmpty() ? 0 : (to - from) * rememberedTasks;
        double w = 1.0 / (to - from + replay);
        double[] g = new double[params.length];
        for (int k = from; k < to; k++) {
          loss += gate.accumulateGradient(x[order[k]], routes[order[k]], w, g);
        }
        for (int k = 0; k < replay; k++) {
          int m = random.nextInt(memoryX.size());
          loss += gate.accumulateGradient(memoryX.get(m), memoryY.get(m), w, g);
        }
        seen += to - from + replay;
        adam.step(params, g, trainable);
        gate.setParameters(params);
      }
      lastLoss = loss / seen;
    }
  }

  private void remember(float[][] x, int[] routes) {
    int keep = options.memoryPerTask();
    if (keep == 0) {
      return;
    }
    // reservoir sampling (algorithm R) of the task's examples
    int[] chosen = new int[Math.min(keep, x.length)];
    for (int i = 0; i < x.length; i++) {
      if (i < chosen.length) {
        chosen[i] = i;
      } else {
        int j = random.nextInt(i + 1);
        if (j < chosen.length) {
          chosen[j] = i;
        }
      }
    }
    for (int i : chosen) {
      memoryX.add(x[i]);
      memoryY.add(routes[i]);
    }
    rememberedTasks++;
  }

  private void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
