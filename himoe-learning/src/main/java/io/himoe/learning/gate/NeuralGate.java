package io.himoe.learning.gate;

import io.himoe.learning.nn.Adam;
import io.himoe.learning.nn.Losses;
import io.himoe.learning.nn.Mlp;
import java.util.Arrays;
import java.util.Objects;

/**
 * A neural gate trained online: a linear or one-hidden-layer network giving one logit per expert,
 * updated by Adam on {@code loss = task_loss + λ·load_balance + μ·entropy} for every feedback.
 * {@code task_loss} is cross-entropy when the right expert is known and REINFORCE with a moving
 * average baseline when only a reward is. Load shares are measured over a sliding window of recent
 * routing decisions ({@link #recordRouting}). Thread-safe (one lock: updates are short).
 */
public final class NeuralGate {

  private final GateConfig config;
  private final Mlp net;
  private final Adam adam;
  private final double[] bias;
  private final int[][] recent;
  private final double[] counts;
  private int head;
  private int filled;
  private double baseline;
  private long updates;

  private NeuralGate(GateConfig config, Mlp net) {
    this.config = Objects.requireNonNull(config, "config");
    this.net = net;
    this.adam = Adam.of(net.parameterCount(), config.learningRate(), config.l2());
    this.bias = new double[net.outputs()];
    this.recent = new int[config.window()][];
    this.counts = new double[net.outputs()];
    this.baseline = Double.NaN;
  }

  /**
   * @param inputs input dimension (the encoder's)
   * @param experts number of experts
   * @param config how it learns
   * @return a gate with fresh random weights (seeded by {@code config.seed()})
   */
  public static NeuralGate create(int inputs, int experts, GateConfig config) {
    return new NeuralGate(config, Mlp.create(inputs, config.hidden(), experts, config.seed()));
  }

  /**
   * Starts online learning from a network fitted offline (for example by {@code RouteFitter}).
   *
   * @param network the network (copied)
   * @param config how it learns from now on (its hidden size is ignored: the network's is kept)
   * @return the gate
   */
  public static NeuralGate of(Mlp network, GateConfig config) {
    return new NeuralGate(config.withHidden(network.hidden()), network.copy());
  }

  /**
   * @param s a saved state
   * @return the gate as it was (the load window starts empty)
   * @throws IllegalArgumentException if the state is inconsistent
   */
  public static NeuralGate restore(GateState s) {
    NeuralGate g =
        new NeuralGate(
            s.config(), Mlp.of(s.inputs(), s.config().hidden(), s.experts(), s.params()));
    g.adam.restore(s.optimiser());
    System.arraycopy(s.bias(), 0, g.bias, 0, g.bias.length);
    g.baseline = s.baseline();
    g.updates = s.updates();
    return g;
  }

  /**
   * @return a copy of everything learned
   */
  public synchronized GateState state() {
    return new GateState(
        config,
        net.inputs(),
        net.outputs(),
        net.parameters(),
        adam.state(),
        bias,
        baseline,
        updates);
  }

  /**
   * @return how it learns
   */
  public GateConfig config() {
    return config;
  }

  /**
   * @return input dimension
   */
  public int inputs() {
    return net.inputs();
  }

  /**
   * @return number of experts
   */
  public int experts() {
    return net.outputs();
  }

  /**
   * @param x an encoded input
   * @return the gate's logits (what the gate learns from)
   */
  public synchronized double[] logits(float[] x) {
    return net.forward(x).logits();
  }

  /**
   * @param x an encoded input
   * @return the gate's probabilities (softmax of the logits)
   */
  public double[] probabilities(float[] x) {
    return Losses.softmax(logits(x));
  }

  /**
   * The scores used to select experts: the logits plus the balancing bias (zero unless {@link
   * Balancing#BIAS_ONLY}).
   *
   * @param x an encoded input
   * @return one score per expert
   */
  public synchronized double[] selectionScores(float[] x) {
    double[] z = net.forward(x).logits();
    for (int i = 0; i < z.length; i++) {
      z[i] += bias[i];
    }
    return z;
  }

  /**
   * Records which experts a routing decision picked: updates the load window and, with {@link
   * Balancing#BIAS_ONLY}, nudges every bias by γ against its expert's over- or under-load.
   *
   * @param chosen indices of the experts picked
   */
  public synchronized void recordRouting(int... chosen) {
    for (int c : chosen) {
      Objects.checkIndex(c, counts.length);
    }
    int[] old = recent[head];
    if (old != null) {
      for (int c : old) {
        counts[c] -= 1.0 / old.length;
      }
    }
    recent[head] = chosen.clone();
    for (int c : chosen) {
      counts[c] += 1.0 / chosen.length;
    }
    head = (head + 1) % recent.length;
    filled = Math.min(filled + 1, recent.length);
    if (config.balancing() == Balancing.BIAS_ONLY) {
      double mean = filled / (double) counts.length;
      for (int i = 0; i < bias.length; i++) {
        bias[i] += config.biasRate() * Math.signum(mean - counts[i]);
      }
    }
  }

  /**
   * @return each expert's share of the routing decisions in the window (uniform before any)
   */
  public synchronized double[] loadShares() {
    double[] f = new double[counts.length];
    if (filled == 0) {
      Arrays.fill(f, 1.0 / f.length);
      return f;
    }
    for (int i = 0; i < f.length; i++) {
      f[i] = Math.max(0, counts[i]) / filled;
    }
    return f;
  }

  /**
   * @return a copy of the balancing biases
   */
  public synchronized double[] bias() {
    return bias.clone();
  }

  /**
   * @return online updates applied so far
   */
  public synchronized long updates() {
    return updates;
  }

  /**
   * One online update.
   *
   * @param x the encoded input the decision was made on
   * @param signal what is known about the right decision
   * @return the loss terms before the update
   * @throws IllegalArgumentException if the input dimension or an expert index is wrong
   */
  public synchronized GateLoss train(float[] x, GateSignal signal) {
    Mlp.Pass pass = net.forward(x);
    double[] p = Losses.softmax(pass.logits());
    double[] d = new double[p.length];
    double task =
        switch (signal) {
          case GateSignal.Target(int t) -> {
            Objects.checkIndex(t, p.length);
            yield Losses.crossEntropy(p, t, 1, d);
          }
          case GateSignal.Reward r -> policyGradient(p, r, d);
        };
    double lb = 0;
    if (config.balancing() == Balancing.AUX_LOSS && config.lambda() > 0) {
      lb = Losses.loadBalance(p, loadShares(), config.lambda(), d);
    }
    double h = Losses.entropy(p, config.mu(), d);
    double[] grad = new double[net.parameterCount()];
    net.backward(pass, d, grad);
    adam.step(net.parametersView(), grad);
    updates++;
    double lambda = config.balancing() == Balancing.AUX_LOSS ? config.lambda() : 0;
    return new GateLoss(task, lb, h, task + lambda * lb + config.mu() * h);
  }

  private double policyGradient(double[] p, GateSignal.Reward r, double[] d) {
    double reward = r.reward();
    double advantage = Double.isNaN(baseline) ? 0 : reward - baseline;
    baseline =
        Double.isNaN(baseline) ? reward : baseline + config.baselineDecay() * (reward - baseline);
    int[] chosen = r.chosen();
    double loss = 0;
    for (int a : chosen) {
      Objects.checkIndex(a, p.length);
      loss += Losses.policyGradient(p, a, advantage, 1.0 / chosen.length, d) / chosen.length;
    }
    return loss;
  }

  /**
   * @return the reward baseline (NaN before the first reward)
   */
  public synchronized double baseline() {
    return baseline;
  }

  @Override
  public String toString() {
    return "NeuralGate[" + net + ", " + config.balancing() + ", updates=" + updates + "]";
  }
}
