package io.himoe.branches.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.himoe.branches.model.internal.Autograd;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Trains one branch of a {@link BranchBank}: a step of the optimizer on the cross-entropy loss of a
 * batch (gradients clipped to a global norm, a protection penalty added when asked), and the
 * gradients, Fisher information and weights the learner measures. Keeps the optimizer's state per
 * parameter (momentum, Adam moments). Not thread-safe: {@link BranchedNetwork} serialises access.
 */
final class BranchTrainer {

  /** Gradients are clipped to this global L2 norm before each step. */
  static final double MAX_GRAD_NORM = 5.0;

  private final BranchBank bank;
  private final Map<NDArray, NDArray> velocity = new IdentityHashMap<>();
  private final Map<NDArray, NDArray> second = new IdentityHashMap<>();
  private final Map<NDArray, Long> steps = new IdentityHashMap<>();

  BranchTrainer(BranchBank bank) {
    this.bank = bank;
  }

  float step(
      int branch,
      float[][] x,
      int[] y,
      double lr,
      Optimizer optimizer,
      @Nullable PenaltyState penalty, // null: no protection
      boolean applyPenalty) {
    List<NDArray> params = bank.trainable(branch);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = bank.batch(x);
      NDArray target = bank.oneHot(y);
      Autograd.Result r =
          Autograd.run(params, () -> Tensors.crossEntropy(bank.logits(branch, in), target));
      if (!Float.isFinite(r.loss())) {
        throw new IllegalStateException(
            "training branch "
                + branch
                + " diverged (loss "
                + r.loss()
                + "): lower the learning rate");
      }
      float scale = clipScale(r.gradients());
      for (int i = 0; i < params.size(); i++) {
        NDArray p = params.get(i);
        NDArray g = scale == 1f ? r.gradients().get(i) : r.gradients().get(i).mul(scale);
        NDArray extra = penalty != null && applyPenalty ? penalty.extra(p) : null;
        NDArray total = extra == null ? g : g.add(extra);
        NDArray delta = update(p, total, lr, optimizer);
        p.stopGradient().addi(delta);
        if (penalty != null) {
          penalty.afterStep(p, g, delta);
        }
      }
      return r.loss();
    }
  }

  /** The step to add to {@code p}; updates the optimizer state kept for {@code p}. */
  private NDArray update(NDArray p, NDArray g, double lr, Optimizer optimizer) {
    NDArray v = velocity.computeIfAbsent(p, Tensors::zerosLike);
    switch (optimizer) {
      case Optimizer.Sgd sgd -> {
        // v <- m v + g ; p <- p - lr v (in place on the detached view: same storage)
        v.muli((float) sgd.momentum()).addi(g);
        return v.mul(-lr);
      }
      case Optimizer.Adam adam -> {
        NDArray s = second.computeIfAbsent(p, Tensors::zerosLike);
        long t = steps.merge(p, 1L, Long::sum);
        v.muli((float) adam.beta1()).addi(g.mul(1 - adam.beta1()));
        s.muli((float) adam.beta2()).addi(g.square().mul(1 - adam.beta2()));
        double c1 = 1 - Math.pow(adam.beta1(), t);
        double c2 = 1 - Math.pow(adam.beta2(), t);
        NDArray denom = s.div(c2).sqrt().add(adam.epsilon());
        return v.div(denom).mul(-lr / c1);
      }
    }
  }

  /** Drops (and closes) the optimizer state of parameters that are gone. */
  void forget(List<NDArray> params) {
    for (NDArray p : params) {
      NDArray v = velocity.remove(p);
      if (v != null) {
        v.close();
      }
      NDArray s2 = second.remove(p);
      if (s2 != null) {
        s2.close();
      }
      steps.remove(p);
    }
  }

  float[] gradient(int branch, float[][] x, int[] y) {
    List<NDArray> params = bank.ownParams(branch);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray in = bank.batch(x);
      NDArray target = bank.oneHot(y);
      Autograd.Result r =
          Autograd.run(params, () -> Tensors.crossEntropy(bank.logits(branch, in), target));
      return Tensors.flatten(r.gradients());
    }
  }

  float[] fisher(int branch, float[][] x, int[] y) {
    float[] f = null;
    for (int i = 0; i < x.length; i++) {
      float[] g = gradient(branch, new float[][] {x[i]}, new int[] {y[i]});
      if (f == null) {
        f = new float[g.length];
      }
      for (int j = 0; j < g.length; j++) {
        f[j] += g[j] * g[j] / x.length;
      }
    }
    return f == null ? new float[0] : f;
  }

  float loss(int branch, float[][] x, int[] y) {
    bank.live(branch);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      return Tensors.crossEntropy(bank.logits(branch, bank.batch(x)), bank.oneHot(y)).getFloat();
    }
  }

  float[] weights(int branch) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      List<NDArray> detached = new ArrayList<>();
      for (NDArray p : bank.ownParams(branch)) {
        detached.add(p.stopGradient());
      }
      return Tensors.flatten(detached);
    }
  }

  /** Global-norm clipping to {@link #MAX_GRAD_NORM}: new classes start with huge gradients. */
  private static float clipScale(List<NDArray> grads) {
    double sq = 0;
    for (NDArray g : grads) {
      sq += g.square().sum().getFloat();
    }
    double norm = Math.sqrt(sq);
    return norm > MAX_GRAD_NORM ? (float) (MAX_GRAD_NORM / norm) : 1f;
  }
}
