package io.himoe.learning.costquality;

import io.himoe.learning.fit.FitOptions;
import io.himoe.learning.fit.FitProgress;
import io.himoe.learning.fit.OutcomeFitter;
import io.himoe.learning.nn.Mlp;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Predicts each expert's quality on an encoded query: one sigmoid output per expert (a logistic
 * regression per expert when linear, RouteLLM's factorised scorer with a hidden layer), fitted on
 * full-information outcomes and then moved online, one observed reward at a time, by a plain
 * gradient step on the binary cross-entropy of the expert that answered. Thread-safe: predictions
 * share a read lock, a learning step takes the write lock.
 */
final class QualityPredictor {

  private final Mlp net;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  private QualityPredictor(Mlp net) {
    this.net = net;
  }

  /**
   * @param xs encoded queries
   * @param scores per query, every expert's observed quality in [0, 1]
   * @param options fit options
   * @return the fitted predictor
   */
  static QualityPredictor fit(float[][] xs, double[][] scores, FitOptions options) {
    return new QualityPredictor(OutcomeFitter.fitVectors(xs, scores, options, FitProgress.none()));
  }

  /**
   * @param x an encoded query
   * @return every expert's predicted quality in [0, 1], in output order
   */
  double[] predict(float[] x) {
    lock.readLock().lock();
    try {
      double[] z = net.forward(x).logits();
      for (int k = 0; k < z.length; k++) {
        z[k] = sigmoid(z[k]);
      }
      return z;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * One gradient step of {@code BCE(σ(z_k), reward)} on expert {@code k}'s output.
   *
   * @param x the encoded query
   * @param k the expert's output
   * @param reward its observed quality, in [0, 1]
   * @param rate the step size
   */
  void learn(float[] x, int k, double reward, double rate) {
    lock.writeLock().lock();
    try {
      Mlp.Pass pass = net.forward(x);
      double[] d = new double[net.outputs()];
      d[k] = sigmoid(pass.logits()[k]) - reward;
      double[] grad = new double[net.parameterCount()];
      net.backward(pass, d, grad);
      double[] p = net.parametersView();
      for (int i = 0; i < p.length; i++) {
        if (grad[i] != 0) {
          p[i] -= rate * grad[i];
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
