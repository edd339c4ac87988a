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
    for (int epoch = 1; epoch <= opt.epochs(); epoch++) {
      shuffle(order, rnd);
      double total = 0;
      for (int start = 0; start < n; start += opt.batchSize()) {
        int end = Math.min(n, start + opt.batchSize());
        java.util.Arrays.fill(grad, 0);
        double inv = 1.0 / (end - start);
        for (int b = start; b < end; b++) {
          int ex = order[b];
          Mlp.Pass pass = net.forward(xs[ex]);
          double[] d = new double[net.outputs()];
          total += loss.lossAndGrad(ex, pass.logits(), d);
          for (int k = 0; k < d.length; k++) {
            d[k] *= inv;
          }
          net.backward(pass, d, grad);
        }
        adam.step(params, grad);
      }
      progress.onEpoch(epoch, opt.epochs(), total / n);
    }
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
