package io.himoe.branches.model;

import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inference over a {@link BranchBank}: one branch's class probabilities, or the gate's mixture in a
 * {@link GateMode}, computing for each input only the branches its mode needs.
 */
final class GatedPredictor {

  private final BranchBank bank;

  GatedPredictor(BranchBank bank) {
    this.bank = bank;
  }

  Prediction with(int branch, float[][] x) {
    bank.live(branch);
    float[][] p = probabilities(branch, x);
    int[] b = new int[x.length];
    Arrays.fill(b, branch);
    return new Prediction(p, b, x.length);
  }

  double[][] gateWeights(float[][] x) {
    return bank.gate.weights(x, bank.liveMask());
  }

  Prediction predict(float[][] x, GateMode mode) {
    List<Integer> live = bank.live();
    double[][] alpha = gateWeights(x);
    int n = x.length;
    int[][] picks = new int[n][];
    for (int i = 0; i < n; i++) {
      int want =
          switch (mode) {
            case GateMode.Soft s -> live.size();
            case GateMode.TopK t -> Math.min(t.k(), live.size());
            case GateMode.ParallelVerifier pv -> Math.min(pv.p(), live.size());
          };
      picks[i] = topByWeight(alpha[i], live, want);
    }
    float[][][] outs = new float[bank.branches.length][][];
    long evaluations = 0;
    for (int b : live) {
      List<Integer> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (int pick : picks[i]) {
          if (pick == b) {
            rows.add(i);
          }
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      float[][] sub = new float[rows.size()][];
      for (int r = 0; r < sub.length; r++) {
        sub[r] = x[rows.get(r)];
      }
      float[][] p = probabilities(b, sub);
      outs[b] = new float[n][];
      for (int r = 0; r < sub.length; r++) {
        outs[b][rows.get(r)] = p[r];
      }
      evaluations += sub.length;
    }
    float[][] probs = new float[n][];
    int[] chosen = new int[n];
    for (int i = 0; i < n; i++) {
      double[] w = mixWeights(mode, picks[i], alpha[i], outs, i);
      probs[i] = mix(picks[i], w, outs, i);
      int best = 0;
      for (int j = 1; j < w.length; j++) {
        if (w[j] > w[best]) {
          best = j;
        }
      }
      chosen[i] = picks[i][best];
      bank.usage[chosen[i]]++;
    }
    return new Prediction(probs, chosen, evaluations);
  }

  private float[][] probabilities(int branch, float[][] x) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float[] flat = bank.logits(branch, bank.batch(x)).softmax(1).toFloatArray();
      return Tensors.unflatten(flat, x.length, bank.config.classes());
    }
  }

  private static double[] mixWeights(
      GateMode mode, int[] pick, double[] alpha, float[][][] outs, int i) {
    double[] w = new double[pick.length];
    if (mode instanceof GateMode.ParallelVerifier pv) {
      List<float[]> all = new ArrayList<>(pick.length);
      for (int b : pick) {
        all.add(outs[b][i]);
      }
      for (int j = 0; j < pick.length; j++) {
        w[j] = pv.verifier().score(all.get(j), all);
      }
      if (!pv.combine()) {
        int best = 0;
        for (int j = 1; j < w.length; j++) {
          // ties go to the branch the gate prefers (picks are in gate order)
          if (w[j] > w[best]) {
            best = j;
          }
        }
        Arrays.fill(w, 0);
        w[best] = 1;
      }
    } else {
      for (int j = 0; j < pick.length; j++) {
        w[j] = alpha[pick[j]];
      }
    }
    double s = 0;
    for (double v : w) {
      s += v;
    }
    for (int j = 0; j < w.length; j++) {
      w[j] = s > 0 ? w[j] / s : 1.0 / w.length;
    }
    return w;
  }

  private float[] mix(int[] pick, double[] w, float[][][] outs, int i) {
    float[] y = new float[bank.config.classes()];
    for (int j = 0; j < pick.length; j++) {
      float[] p = outs[pick[j]][i];
      for (int c = 0; c < y.length; c++) {
        y[c] += (float) (w[j] * p[c]);
      }
    }
    return y;
  }

  static int[] topByWeight(double[] alpha, List<Integer> live, int k) {
    List<Integer> order = new ArrayList<>(live);
    // highest weight first; ties to the lower id, so picks are deterministic
    order.sort((a, b) -> alpha[a] != alpha[b] ? Double.compare(alpha[b], alpha[a]) : a - b);
    int[] out = new int[k];
    for (int j = 0; j < k; j++) {
      out[j] = order.get(j);
    }
    return out;
  }
}
