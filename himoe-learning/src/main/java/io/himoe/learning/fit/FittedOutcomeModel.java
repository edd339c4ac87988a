package io.himoe.learning.fit;

import io.himoe.learning.nn.Mlp;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The result of {@link OutcomeFitter}; immutable, so prediction is thread-safe. */
record FittedOutcomeModel(Encoder encoder, Mlp network, List<String> models)
    implements FittedOutcomes {

  FittedOutcomeModel {
    models = List.copyOf(models);
  }

  @Override
  public Map<String, Double> predictQuality(String text) {
    double[] z = network.forward(encoder.encode(InputData.text(text)).vector()).logits();
    Map<String, Double> out = new LinkedHashMap<>();
    for (int k = 0; k < z.length; k++) {
      out.put(models.get(k), sigmoid(z[k]));
    }
    return out;
  }

  static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }
}
