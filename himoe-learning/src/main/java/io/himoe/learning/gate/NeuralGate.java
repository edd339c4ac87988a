package io.himoe.learning.gate;

import io.himoe.learning.nn.Adam;
import io.himoe.learning.nn.Losses;
import io.himoe.learning.nn.Mlp;
import io.himoe.shared.Encoded;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A neural gate trained online: a linear or one-hidden-layer network giving one logit per expert,
 * updated by Adam on {@code loss = task_loss + λ·load_balance + μ·entropy} for every feedback.
 * {@code task_loss} is cross-entropy when the right expert is known and REINFORCE with a moving
 * average baseline when only a reward is. Load shares are measured over a sliding window of recent
 * routing decisions ({@link #recordRouting}). Its outputs can be re-laid out when experts come and
 * go ({@link #reshaped}); a new output is warm-started from examples ({@link #warmStart}) and
 * counts the feedback it receives so that its router can let it explore until it has enough.
 * Thread-safe (one lock: updates are short).
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
  private final long[] feedbacks;
  private final boolean[] added;
  private double baseline;
  private long updates;

  private NeuralGate(GateConfig config, Mlp net) {
    this.config = Objects.requireNonNull(config, "config");
    this.net = net;
    this.adam = Adam.of(net.parameterCount(), config.learningRate(), config.l2());
    this.bias = new double[net.outputs()];
    this.recent = new int[config.window()][];
    this.counts = new double[net.outputs()];
    this.feedbacks = new long[net.outputs()];
    this.added = new boolean[net.outputs()];
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
    System.arraycopy(s.feedbacks(), 0, g.feedbacks, 0, g.feedbacks.length);
    System.arraycopy(s.added(), 0, g.added, 0, g.added.length);
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
        updates,
        feedbacks,
        added);
  }

  /**
   * The same gate with its outputs re-laid out for a changed set of experts: output {@code k} is
   * old output {@code keep[k]} (weights, optimiser moments, bias, feedback count move with it), and
   * {@code added} fresh outputs follow, with zero weights, flagged as added and with no feedback
   * yet. The load window starts empty; the baseline and update count are kept.
   *
   * @param keep the outputs kept, in their new order
   * @param addedOutputs outputs appended, &gt;= 0
   * @return the new gate (this one is left as it was)
   */
  public synchronized NeuralGate reshaped(int[] keep, int addedOutputs) {
    NeuralGate g = new NeuralGate(config, net.withOutputs(keep, addedOutputs));
    Adam.State o = adam.state();
    g.adam.restore(
        new Adam.State(
            o.step(),
            net.remapOutputs(o.m(), keep, addedOutputs),
            net.remapOutputs(o.v(), keep, addedOutputs)));
    for (int k = 0; k < keep.length; k++) {
      g.bias[k] = bias[keep[k]];
      g.feedbacks[k] = feedbacks[keep[k]];
      g.added[k] = added[keep[k]];
    }
    for (int k = keep.length; k < g.added.length; k++) {
      g.added[k] = true;
    }
    g.baseline = baseline;
    g.updates = updates;
    return g;
  }

  /**
   * Warm-starts one output (typically just added) from examples, training only that output's
   * parameters so that every other output scores exactly as before: softmax cross-entropy towards
   * {@code output} on its {@code positives} and, on the {@code anchors}, towards their target (or,
   * for target -1, towards the gate's current top choice among the other outputs, so the new output
   * learns where it must not take over). With anchors the output's bias is trained too; without, it
   * is not, and training stops once the positives give the output a mean probability of 0.5, so
   * that it rises only on inputs like its examples. Does not count as an update and leaves the
   * optimiser's state alone.
   *
   * @param output the output to warm-start
   * @param positives encoded examples of the output's expert; with none, the output's bias is set
   *     one logit under the anchors' mean top score (its weights stay zero)
   * @param anchors encoded inputs of other experts (may be empty)
   * @param anchorTargets per anchor, the right output, or -1 for the gate's own choice
   * @throws IllegalArgumentException on a dimension mismatch or an index out of range
   */
  public synchronized void warmStart(
      int output, List<float[]> positives, List<float[]> anchors, int[] anchorTargets) {
    Objects.checkIndex(output, net.outputs());
    if (anchors.size() != anchorTargets.length) {
      throw new IllegalArgumentException(
          "warm start: " + anchors.size() + " anchors but " + anchorTargets.length + " targets");
    }
    int[] targets = new int[anchors.size()];
    for (int a = 0; a < targets.length; a++) {
      targets[a] = anchorTargets[a] >= 0 ? anchorTargets[a] : topOther(anchors.get(a), output);
      Objects.checkIndex(targets[a], net.outputs());
    }
    if (positives.isEmpty()) {
      levelWithTheTop(output, anchors);
      return;
    }
    boolean[] mask = net.outputParameters(output, !anchors.isEmpty());
    Adam local = Adam.of(net.parameterCount(), 0.05, 0);
    double posWeight = (anchors.isEmpty() ? 1.0 : 0.5) / positives.size();
    double anchorWeight = anchors.isEmpty() ? 0 : 0.5 / anchors.size();
    for (int step = 0; step < 200; step++) {
      double[] grad = new double[net.parameterCount()];
      double meanP = 0;
      for (float[] x : positives) {
        Mlp.Pass pass = net.forward(x);
        double[] p = Losses.softmax(pass.logits());
        meanP += p[output] / positives.size();
        double[] d = new double[p.length];
        Losses.crossEntropy(p, output, posWeight, d);
        net.backward(pass, d, grad);
      }
      if (anchors.isEmpty() && meanP >= 0.5) {
        return;
      }
      for (int a = 0; a < targets.length; a++) {
        Mlp.Pass pass = net.forward(anchors.get(a));
        double[] d = new double[net.outputs()];
        Losses.crossEntropy(Losses.softmax(pass.logits()), targets[a], anchorWeight, d);
        net.backward(pass, d, grad);
      }
      for (int i = 0; i < grad.length; i++) {
        if (!mask[i]) {
          grad[i] = 0;
        }
      }
      local.step(net.parametersView(), grad);
    }
  }

  /**
   * Nothing to learn from: the output's bias is set one logit under the mean top score of the other
   * outputs on the anchors, so that an exploration bonus of about one logit makes it a contender.
   */
  private void levelWithTheTop(int output, List<float[]> anchors) {
    if (anchors.isEmpty()) {
      return;
    }
    double top = 0;
    for (float[] x : anchors) {
      double[] z = net.forward(x).logits();
      top += z[topOther(x, output)] / anchors.size();
    }
    boolean[] withBias = net.outputParameters(output, true);
    boolean[] without = net.outputParameters(output, false);
    double[] params = net.parametersView();
    for (int i = 0; i < withBias.length; i++) {
      if (withBias[i] && !without[i]) {
        params[i] = top - 1;
      }
    }
  }

  private int topOther(float[] x, int excluded) {
    double[] z = net.forward(x).logits();
    int best = -1;
    for (int k = 0; k < z.length; k++) {
      if (k != excluded && (best < 0 || z[k] > z[best])) {
        best = k;
      }
    }
    return best < 0 ? excluded : best;
  }

  /**
   * @return per output, the feedbacks that involved it so far
   */
  public synchronized long[] feedbacks() {
    return feedbacks.clone();
  }

  /**
   * @return per output, whether it was added after the gate was created
   */
  public synchronized boolean[] added() {
    return added.clone();
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
   * The logits of an encoded input without a dense copy: the first layer reads only its stored
   * entries (a sparse vector's non-zeros). The same values as {@code logits(x.vector())}.
   *
   * @param x an encoded input
   * @return the gate's logits
   */
  public synchronized double[] logits(Encoded x) {
    return net.logits(x);
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
   * The selection biases with an exploration bonus: an output added after the gate was created gets
   * {@code bonus·(1 − n/until)} on top of its balancing bias until it has had {@code until}
   * feedbacks ({@code n} so far), so it is tried on inputs where it is within reach of the top.
   *
   * @param bonus the bonus of a new output with no feedback, in logits, &gt;= 0
   * @param until feedbacks after which the bonus is gone, &gt;= 1
   * @return one selection bias per output
   */
  public synchronized double[] explorationBias(double bonus, int until) {
    double[] b = bias.clone();
    for (int k = 0; k < b.length; k++) {
      if (added[k] && feedbacks[k] < until) {
        b[k] += bonus * (1 - feedbacks[k] / (double) until);
      }
    }
    return b;
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
            feedbacks[t]++;
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
      feedbacks[a]++;
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
