package io.himoe.learning.fit;

import io.himoe.learning.nn.Losses;
import io.himoe.learning.nn.Mlp;
import io.himoe.shared.Encoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Fits a neural gate (linear or one hidden layer) from labelled utterances, like routes defined by
 * example phrases, through any {@link Encoder}, with softmax cross-entropy and Adam. Out-of-scope
 * training rows are not a class: they are pushed towards the uniform distribution so that the gate
 * learns to be unsure on them. A validation set calibrates the rejection threshold. Deterministic
 * for a given seed and data.
 */
public final class RouteFitter {

  private final Encoder encoder;
  private final FitOptions options;

  private RouteFitter(Encoder encoder, FitOptions options) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * @param encoder turns texts into vectors
   * @param options training options
   * @return a fitter
   */
  public static RouteFitter of(Encoder encoder, FitOptions options) {
    return new RouteFitter(encoder, options);
  }

  /**
   * Trains a gate and calibrates its rejection threshold.
   *
   * @param train training rows (at least one in-scope row)
   * @param validation rows used only to calibrate the threshold (may be empty: threshold 0)
   * @param oosLabel the label of out-of-scope rows, if any
   * @param progress receives the loss after every epoch
   * @return the fitted routes
   * @throws IllegalArgumentException if there is no in-scope row, or a validation label is unknown
   */
  public FittedRoutes fit(
      List<LabelledText> train,
      List<LabelledText> validation,
      Optional<String> oosLabel,
      FitProgress progress) {
    Objects.requireNonNull(oosLabel, "oosLabel");
    TreeSet<String> labelSet = new TreeSet<>();
    for (LabelledText t : train) {
      if (!isOos(t, oosLabel)) {
        labelSet.add(t.label());
      }
    }
    if (labelSet.isEmpty()) {
      throw new IllegalArgumentException("route fit: the training set has no in-scope row");
    }
    List<String> labels = List.copyOf(labelSet);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      index.put(labels.get(i), i);
    }
    float[][] xs =
        MinibatchTrainer.encode(encoder, train.stream().map(LabelledText::text).toList());
    int[] ys = new int[train.size()];
    for (int i = 0; i < ys.length; i++) {
      ys[i] = isOos(train.get(i), oosLabel) ? -1 : classOf(index, train.get(i).label());
    }
    Mlp net = Mlp.create(xs[0].length, options.hidden(), labels.size(), options.seed());
    MinibatchTrainer.train(
        net,
        xs,
        options,
        (ex, logits, d) -> {
          double[] p = Losses.softmax(logits);
          return ys[ex] < 0
              ? Losses.towardsUniform(p, 1, d)
              : Losses.smoothedCrossEntropy(p, ys[ex], options.labelSmoothing(), 1, d);
        },
        progress);
    if (options.temperature() && !validation.isEmpty()) {
      net = net.withOutputScaled(1 / Temperature.fit(logits(net, validation, oosLabel, index)));
    }
    FittedRouteModel model = new FittedRouteModel(encoder, net, labels, 0.0);
    double threshold = validation.isEmpty() ? 0.0 : calibrate(model, validation, oosLabel, index);
    return new FittedRouteModel(encoder, net, labels, threshold);
  }

  /** The in-scope validation rows' logits and labels, for the temperature fit. */
  private Temperature.Rows logits(
      Mlp net,
      List<LabelledText> validation,
      Optional<String> oosLabel,
      Map<String, Integer> index) {
    List<LabelledText> inScope =
        validation.stream()
            .filter(v -> !isOos(v, oosLabel) && index.containsKey(v.label()))
            .toList();
    float[][] xs =
        MinibatchTrainer.encode(encoder, inScope.stream().map(LabelledText::text).toList());
    double[][] z = new double[xs.length][];
    int[] y = new int[xs.length];
    for (int i = 0; i < xs.length; i++) {
      z[i] = net.forward(xs[i]).logits();
      y[i] = classOf(index, inScope.get(i).label());
    }
    return new Temperature.Rows(z, y);
  }

  /** The class of an in-scope label; every caller passes a label the index was built from. */
  private static int classOf(Map<String, Integer> index, String label) {
    return Objects.requireNonNull(index.get(label), "label outside the training set");
  }

  private static boolean isOos(LabelledText t, Optional<String> oos) {
    return oos.isPresent() && oos.get().equals(t.label());
  }

  /** The accuracy-maximising rejection threshold on the validation rows. */
  private double calibrate(
      FittedRouteModel model,
      List<LabelledText> validation,
      Optional<String> oosLabel,
      Map<String, Integer> index) {
    int n = validation.size();
    double[] conf = new double[n];
    boolean[] rightIfAccepted = new boolean[n];
    boolean[] oos = new boolean[n];
    for (int i = 0; i < n; i++) {
      LabelledText v = validation.get(i);
      oos[i] = isOos(v, oosLabel);
      if (!oos[i] && !index.containsKey(v.label())) {
        throw new IllegalArgumentException(
            "route fit: validation row "
                + i
                + " has label '"
                + v.label()
                + "' not seen in training");
      }
      RouteGuess g = model.classify(v.text());
      conf[i] = g.confidence();
      rightIfAccepted[i] = !oos[i] && g.topLabel().equals(v.label());
    }
    return RejectionThreshold.calibrate(conf, rightIfAccepted, oos);
  }

  /**
   * The network of a fitted gate, to seed an online {@code NeuralGate} with it.
   *
   * @param routes routes fitted by this class
   * @return a copy of its network
   * @throws IllegalArgumentException if the routes were not fitted by a {@link RouteFitter}
   */
  public static Mlp network(FittedRoutes routes) {
    if (routes instanceof FittedRouteModel m) {
      return m.network().copy();
    }
    throw new IllegalArgumentException("routes were not fitted by RouteFitter: " + routes);
  }
}
