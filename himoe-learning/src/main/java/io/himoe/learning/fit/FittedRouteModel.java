package io.himoe.learning.fit;

import io.himoe.learning.nn.Losses;
import io.himoe.learning.nn.Mlp;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.List;
import java.util.Optional;

/** The result of {@link RouteFitter}: immutable once built, so classification is thread-safe. */
record FittedRouteModel(Encoder encoder, Mlp network, List<String> labels, double threshold)
    implements FittedRoutes {

  FittedRouteModel {
    labels = List.copyOf(labels);
  }

  @Override
  public RouteGuess classify(String text) {
    float[] x = encoder.encode(InputData.text(text)).vector();
    double[] p = Losses.softmax(network.forward(x).logits());
    int top = Losses.argmax(p);
    String topLabel = labels.get(top);
    Optional<String> label = p[top] >= threshold ? Optional.of(topLabel) : Optional.empty();
    return new RouteGuess(label, p[top], topLabel, p);
  }
}
