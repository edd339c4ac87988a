package io.himoe.learning.fit;

import io.himoe.learning.nn.Mlp;
import io.himoe.shared.Encoder;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Learns, from observed outcomes, the quality each model reaches on a query: one sigmoid output per
 * model over the encoded query, trained with binary cross-entropy (a model missing from an example
 * contributes nothing for that example). Deterministic for a given seed and data.
 */
public final class OutcomeFitter {

  private final Encoder encoder;
  private final FitOptions options;

  private OutcomeFitter(Encoder encoder, FitOptions options) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * @param encoder turns queries into vectors
   * @param options training options
   * @return a fitter
   */
  public static OutcomeFitter of(Encoder encoder, FitOptions options) {
    return new OutcomeFitter(encoder, options);
  }

  /**
   * @param train observed outcomes, not empty
   * @param progress receives the mean loss after every epoch
   * @return the fitted predictor
   * @throws IllegalArgumentException if there is no example
   */
  public FittedOutcomes fit(List<OutcomeExample> train, FitProgress progress) {
    if (train.isEmpty()) {
      throw new IllegalArgumentException("outcome fit: the training set is empty");
    }
    TreeSet<String> names = new TreeSet<>();
    train.forEach(e -> names.addAll(e.scores().keySet()));
    List<String> models = List.copyOf(names);
    float[][] xs =
        MinibatchTrainer.encode(encoder, train.stream().map(OutcomeExample::text).toList());
    double[][] ys = new double[train.size()][];
    for (int i = 0; i < ys.length; i++) {
      double[] y = new double[models.size()];
      for (int k = 0; k < y.length; k++) {
        Double s = train.get(i).scores().get(models.get(k));
        y[k] = s == null ? Double.NaN : s;
      }
      ys[i] = y;
    }
    Mlp net = fitVectors(xs, ys, options, progress);
    return new FittedOutcomeModel(encoder, net, models);
  }

  /**
   * Fits one sigmoid output per model on vectors already encoded (binary cross-entropy, a NaN score
   * contributing nothing): what {@link #fit} does after encoding, for a caller that keeps the
   * vectors.
   *
   * @param xs the encoded queries, all of one dimension, not empty
   * @param scores per query, the quality of every model in [0, 1] or NaN when unknown
   * @param options training options
   * @param progress receives the mean loss after every epoch
   * @return the network: logit {@code k} is model {@code k}'s predicted quality before the sigmoid
   * @throws IllegalArgumentException if there is no query or the lists differ in length
   */
  public static Mlp fitVectors(
      float[][] xs, double[][] scores, FitOptions options, FitProgress progress) {
    if (xs.length == 0 || xs.length != scores.length) {
      throw new IllegalArgumentException(
          "outcome fit: expected as many score rows as vectors (at least one), got "
              + scores.length
              + " and "
              + xs.length);
    }
    Mlp net = Mlp.create(xs[0].length, options.hidden(), scores[0].length, options.seed());
    MinibatchTrainer.train(
        net, xs, options, (ex, logits, d) -> binaryCrossEntropy(logits, scores[ex], d), progress);
    return net;
  }

  /** Mean BCE over known models; gradient {@code (σ(z) - y)/known}. */
  private static double binaryCrossEntropy(double[] z, double[] y, double[] d) {
    int known = 0;
    for (double v : y) {
      known += Double.isNaN(v) ? 0 : 1;
    }
    double loss = 0;
    for (int k = 0; k < z.length; k++) {
      if (Double.isNaN(y[k])) {
        continue;
      }
      double p = FittedOutcomeModel.sigmoid(z[k]);
      d[k] += (p - y[k]) / known;
      // log(1 + e^-|z|) form avoids overflow.
      loss += (Math.max(z[k], 0) - z[k] * y[k] + Math.log1p(Math.exp(-Math.abs(z[k])))) / known;
    }
    return loss;
  }
}
