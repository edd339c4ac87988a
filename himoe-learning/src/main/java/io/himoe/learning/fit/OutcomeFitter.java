package io.himoe.learning.fit;

import io.himoe.learning.nn.Mlp;
import io.himoe.shared.Encoder;
import java.util.ArrayList;
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
    List<double[]> ys = new ArrayList<>(train.size());
    for (OutcomeExample e : train) {
      double[] y = new double[models.size()];
      for (int k = 0; k < y.length; k++) {
        Double s = e.scores().get(models.get(k));
        y[k] = s == null ? Double.NaN : s;
      }
      ys.add(y);
    }
    Mlp net = Mlp.create(xs[0].length, options.hidden(), models.size(), options.seed());
    MinibatchTrainer.train(
        net, xs, options, (ex, logits, d) -> binaryCrossEntropy(logits, ys.get(ex), d), progress);
    return new FittedOutcomeModel(encoder, net, models);
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
