package io.himoe.learning.fit;

import io.himoe.learning.nn.Adam;
import io.himoe.learning.nn.Mlp;
import java.util.Random;

/** Shuffled minibatch training with Adam, shared by the fitters. */
final class MinibatchTrainer {

  /** Adds one example's gradient with respect to the logits and returns its loss. */
  @FunctionalInterface
  interface ExampleLoss {
    double lossAndGrad(int example, double[] logits, double[] dLogits);
  }

  private MinibatchTrainer() {}

  static void train(Mlp net, float[][] xs, FitOptions opt, ExampleLoss loss, FitProgress progress) {
    Adam adam = Adam.of(net.parameterCount(), opt.learningRate(), opt.l2());
    Random rnd = new Random(opt.seed() ^ 0x5DEECE66DL);
    int n = xs.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[] grad = new double[net.parameterCount()];
    double[] params = net.parametersView();
    int block = net.inputBlock();
    int denseFrom = net.inputs() * block;
    java.util.BitSet active = new java.util.BitSet(net.inputs());
    // Sparse (hashed) inputs get lazy Adam: only the rows of features present in a batch move.
    boolean sparse = density(xs) < 0.25;
    for (int epoch = 1; epoch <= opt.epochs(); epoch++) {
      shuffle(order, rnd);
      double total = 0;
      for (int start = 0; start < n; start += opt.batchSize()) {
        int end = Math.min(n, start + opt.batchSize());
        double inv = 1.0 / (end - start);
        active.clear();
        for (int b = start; b < end; b++) {
          int ex = order[b];
          float[] x = xs[ex];
          for (int i = 0; i < x.length; i++) {
            if (x[i] != 0f) {
              active.set(i);
            }
          }
          Mlp.Pass pass = net.forward(xs[ex], opt.dropout(), rnd);
          double[] d = new double[net.outputs()];
          total += loss.lossAndGrad(ex, pass.logits(), d);
          for (int k = 0; k < d.length; k++) {
            d[k] *= inv;
          }
          net.backward(pass, d, grad);
        }
        if (sparse) {
          adam.stepSparse(params, grad, active, block, denseFrom);
          clear(grad, active, block, denseFrom);
        } else {
          adam.step(params, grad);
          java.util.Arrays.fill(grad, 0);
        }
      }
      progress.onEpoch(epoch, opt.epochs(), total / n);
    }
  }

  private static double density(float[][] xs) {
    long nonZero = 0;
    int sample = Math.min(xs.length, 256);
    for (int i = 0; i < sample; i++) {
      for (float v : xs[i]) {
        nonZero += v != 0f ? 1 : 0;
      }
    }
    return (double) nonZero / ((long) sample * xs[0].length);
  }

  private static void clear(double[] grad, java.util.BitSet active, int block, int denseFrom) {
    for (int f = active.nextSetBit(0); f >= 0; f = active.nextSetBit(f + 1)) {
      java.util.Arrays.fill(grad, f * block, f * block + block, 0);
    }
    java.util.Arrays.fill(grad, denseFrom, grad.length, 0);
  }

  private static void shuffle(int[] a, Random rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  static float[][] encode(io.himoe.shared.Encoder encoder, java.util.List<String> texts) {
    var encoded = encoder.encodeAll(texts.stream().map(io.himoe.shared.InputData::text).toList());
    float[][] xs = new float[encoded.size()][];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = encoded.get(i).vector();
      if (xs[i].length != xs[0].length) {
        throw new IllegalArgumentException(
            "encoder '"
                + encoder.id()
                + "' gave dimension "
                + xs[i].length
                + " for example "
                + i
                + " but "
                + xs[0].length
                + " for example 0");
      }
    }
    return xs;
  }
}
