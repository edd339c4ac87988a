package io.himoe.branches.model.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** Forward + backward under DJL's gradient collector, which allows one collector per JVM. */
public final class Autograd {

  // PtGradientCollector keeps a static "collecting" flag: two collectors at once throw, so every
  // backward pass in the JVM goes through this lock.
  private static final ReentrantLock LOCK = new ReentrantLock();

  private Autograd() {}

  /**
   * A loss value and the gradient of each parameter.
   *
   * @param loss the loss
   * @param gradients one copy per parameter, same order, owned by the caller's scope
   */
  public record Result(float loss, List<NDArray> gradients) {}

  /**
   * Computes the loss and its gradient with respect to {@code params}, then zeroes the parameters'
   * accumulated gradients so the next call starts clean.
   *
   * @param params parameters (must take part in the loss)
   * @param loss builds the scalar loss
   * @return the loss and gradient copies
   */
  public static Result run(List<NDArray> params, Supplier<NDArray> loss) {
    LOCK.lock();
    try (GradientCollector gc = DjlRuntime.pytorch().newGradientCollector()) {
      NDArray l = loss.get();
      gc.backward(l);
      List<NDArray> grads = new ArrayList<>(params.size());
      for (NDArray p : params) {
        NDArray g = p.getGradient();
        grads.add(g.duplicate());
        g.subi(g);
      }
      return new Result(l.getFloat(), grads);
    } finally {
      LOCK.unlock();
    }
  }
}
