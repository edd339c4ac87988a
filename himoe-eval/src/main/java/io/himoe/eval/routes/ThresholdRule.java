package io.himoe.eval.routes;

import io.himoe.eval.data.Labelled;
import io.himoe.learning.fit.FittedRoutes;
import io.himoe.learning.fit.RejectionThreshold;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the out-of-scope rejection threshold is chosen on the validation rows: {@code accuracy}
 * maximises their accuracy (a rejected out-of-scope row counts as right), {@code oos-recall:R}
 * rejects at least a share R of their out-of-scope rows and keeps every in-scope row it can.
 */
public sealed interface ThresholdRule {

  /** The threshold that maximises validation accuracy (the fitter's own calibration). */
  record MaxAccuracy() implements ThresholdRule {
    @Override
    public String toString() {
      return "accuracy";
    }
  }

  /**
   * The lowest threshold that rejects at least {@code target} of the validation out-of-scope rows.
   *
   * @param target the share of out-of-scope rows to reject, in (0, 1]
   */
  record OosRecall(double target) implements ThresholdRule {

    /** Validates. */
    public OosRecall {
      if (!(target > 0 && target <= 1)) {
        throw new IllegalArgumentException(
            "--threshold-rule oos-recall:R needs R in (0, 1], got " + target);
      }
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "oos-recall:%s", target);
    }
  }

  /**
   * @param text {@code accuracy} or {@code oos-recall:R}
   * @return the rule
   * @throws IllegalArgumentException naming {@code --threshold-rule} if the text is neither
   */
  static ThresholdRule parse(String text) {
    String t = text.strip();
    if (t.equals("accuracy")) {
      return new MaxAccuracy();
    }
    if (t.startsWith("oos-recall:")) {
      try {
        return new OosRecall(Double.parseDouble(t.substring("oos-recall:".length())));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--threshold-rule oos-recall:R needs a number R in (0, 1], got '" + t + "'", e);
      }
    }
    throw new IllegalArgumentException(
        "--threshold-rule must be 'accuracy' or 'oos-recall:R' (R in (0, 1]), got '" + t + "'");
  }

  /**
   * Applies the rule to fitted routes whose threshold was calibrated for accuracy.
   *
   * @param routes the fitted routes
   * @param validation the validation rows (their labels and texts)
   * @param oosLabel the out-of-scope label
   * @return routes with this rule's threshold ({@code routes} itself for {@link MaxAccuracy})
   * @throws IllegalArgumentException if the rule needs out-of-scope validation rows and there are
   *     none
   */
  default FittedRoutes apply(
      FittedRoutes routes, List<Labelled> validation, Optional<String> oosLabel) {
    return switch (this) {
      case MaxAccuracy m -> routes;
      case OosRecall r -> {
        double[] conf = new double[validation.size()];
        boolean[] oos = new boolean[validation.size()];
        for (int i = 0; i < conf.length; i++) {
          Labelled row = validation.get(i);
          conf[i] = routes.classify(row.text()).confidence();
          oos[i] = oosLabel.isPresent() && oosLabel.get().equals(row.label());
        }
        if (oosLabel.isEmpty() || !anyTrue(oos)) {
          throw new IllegalArgumentException(
              "--threshold-rule "
                  + r
                  + " needs --oos-label and out-of-scope rows in --val; there are none");
        }
        yield new Thresholded(routes, RejectionThreshold.forOosRecall(conf, oos, r.target()));
      }
    };
  }

  private static boolean anyTrue(boolean[] a) {
    for (boolean b : a) {
      if (b) {
        return true;
      }
    }
    return false;
  }
}
