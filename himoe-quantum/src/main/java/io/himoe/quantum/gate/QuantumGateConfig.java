package io.himoe.quantum.gate;

/**
 * How a {@link QuantumGate} is built and grows.
 *
 * @param inputs input features (each encoded slot reads all of them)
 * @param qubits initial register size, 1 or more (it grows as branches are added)
 * @param layers layers of the first block
 * @param extendLayers layers of each block appended by {@code extend()} or a new qubit
 * @param initScale spread (radians) of the first block's random angles
 * @param extendScale spread (radians) of an added block's angles: 0 makes it exactly the identity,
 *     but then a new qubit gets no gradient at all (the derivative of {@code sin²(θ/2)} at 0 is 0),
 *     so the default is a small 0.1, which moves old probabilities by O(0.1²)
 * @param noise measurement noise used by {@code route} (never by training)
 */
public record QuantumGateConfig(
    int inputs,
    int qubits,
    int layers,
    int extendLayers,
    double initScale,
    double extendScale,
    Noise noise) {

  /** Validates. */
  public QuantumGateConfig {
    if (inputs < 1) {
      throw new IllegalArgumentException("inputs: " + inputs + ", need at least 1");
    }
    if (qubits < 1) {
      throw new IllegalArgumentException("qubits: " + qubits + ", need at least 1");
    }
    if (layers < 1 || extendLayers < 1) {
      throw new IllegalArgumentException(
          "layers: " + layers + " / extend layers: " + extendLayers + ", need at least 1 each");
    }
    if (!(initScale >= 0) || !(extendScale >= 0)) {
      throw new IllegalArgumentException(
          "init scale " + initScale + " / extend scale " + extendScale + ": need 0 or more");
    }
  }

  /**
   * @param inputs input features
   * @return 1 qubit to start, a first block of 3 layers, blocks of 2 layers when extending, initial
   *     spread 1 rad, added blocks 0.1 rad, no noise
   */
  public static QuantumGateConfig of(int inputs) {
    return new QuantumGateConfig(inputs, 1, 3, 2, 1.0, 0.1, Noise.none());
  }

  /**
   * @param layers first block's layers
   * @param extend each appended block's layers
   * @return a copy with those
   */
  public QuantumGateConfig withLayers(int layers, int extend) {
    return new QuantumGateConfig(inputs, qubits, layers, extend, initScale, extendScale, noise);
  }

  /**
   * @param n the noise model
   * @return a copy with it
   */
  public QuantumGateConfig withNoise(Noise n) {
    return new QuantumGateConfig(inputs, qubits, layers, extendLayers, initScale, extendScale, n);
  }

  /**
   * @param scale spread of added blocks (0 = exact identity)
   * @return a copy with it
   */
  public QuantumGateConfig withExtendScale(double scale) {
    return new QuantumGateConfig(inputs, qubits, layers, extendLayers, initScale, scale, noise);
  }
}
