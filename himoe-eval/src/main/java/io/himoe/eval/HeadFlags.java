package io.himoe.eval;

import io.himoe.eval.routes.ThresholdRule;
import io.himoe.learning.fit.FitOptions;
import picocli.CommandLine.Option;

/** The gate head's options beyond {@link FitFlags} and the threshold rule, for {@code routes}. */
final class HeadFlags {

  @Option(
      names = "--dropout",
      defaultValue = "0",
      paramLabel = "P",
      description =
          "Dropout of the gate's hidden units while training, in [0, 1) (needs --hidden)."
              + " Default: ${DEFAULT-VALUE}.")
  double dropout;

  @Option(
      names = "--label-smoothing",
      defaultValue = "0",
      paramLabel = "E",
      description =
          "Share of each training target spread over all routes, in [0, 1). Default:"
              + " ${DEFAULT-VALUE}.")
  double labelSmoothing;

  @Option(
      names = "--temperature",
      description =
          "Fit a softmax temperature on --val (by likelihood) before calibrating the"
              + " out-of-scope threshold.")
  boolean temperature;

  @Option(
      names = "--threshold-rule",
      defaultValue = "accuracy",
      paramLabel = "RULE",
      description =
          "How the out-of-scope threshold is calibrated on --val: accuracy (the threshold that"
              + " maximises validation accuracy) or oos-recall:R (the lowest threshold rejecting"
              + " at least a share R of the validation out-of-scope rows, so as few in-scope"
              + " rows as possible are rejected). Default: ${DEFAULT-VALUE}.")
  String thresholdRule;

  FitOptions apply(FitOptions fit) {
    return fit.withDropout(dropout).withLabelSmoothing(labelSmoothing).withTemperature(temperature);
  }

  ThresholdRule rule() {
    return ThresholdRule.parse(thresholdRule);
  }
}
