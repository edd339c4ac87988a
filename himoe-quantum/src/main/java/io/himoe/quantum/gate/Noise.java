package io.himoe.quantum.gate;

/**
 * A simple noise model applied to the measured distribution, not to the state: a global
 * depolarising channel before measurement ({@code p' = (1 - d)·p + d / 2^n}, exact for the
 * distribution it yields) and independent read-out flips of each measured bit with probability
 * {@code r}. Real devices have gate-dependent, correlated noise that grows with circuit depth; this
 * is a lower bound on its effect, not a device model.
 *
 * @param depolarizing d in [0, 1]
 * @param readoutFlip r in [0, 0.5]
 */
public record Noise(double depolarizing, double readoutFlip) {

  /** Validates. */
  public Noise {
    if (!(depolarizing >= 0 && depolarizing <= 1)) {
      throw new IllegalArgumentException("depolarizing: " + depolarizing + ", need 0..1");
    }
    if (!(readoutFlip >= 0 && readoutFlip <= 0.5)) {
      throw new IllegalArgumentException("readout flip: " + readoutFlip + ", need 0..0.5");
    }
  }

  /**
   * @return no noise
   */
  public static Noise none() {
    return new Noise(0, 0);
  }

  /**
   * @return whether this changes nothing
   */
  public boolean isNone() {
    return depolarizing == 0 && readoutFlip == 0;
  }

  /**
   * @param probabilities Born probabilities over 2^qubits basis states (not changed)
   * @param qubits the register size
   * @return the distribution the noisy device would measure
   */
  public double[] apply(double[] probabilities, int qubits) {
    double[] p = probabilities.clone();
    if (depolarizing > 0) {
      double uniform = depolarizing / p.length;
      for (int i = 0; i < p.length; i++) {
        p[i] = (1 - depolarizing) * p[i] + uniform;
      }
    }
    if (readoutFlip > 0) {
      for (int q = 0; q < qubits; q++) {
        int bit = 1 << q;
        for (int i = 0; i < p.length; i++) {
          if ((i & bit) == 0) {
            double a = p[i];
            double b = p[i | bit];
            p[i] = (1 - readoutFlip) * a + readoutFlip * b;
            p[i | bit] = readoutFlip * a + (1 - readoutFlip) * b;
          }
        }
      }
    }
    return p;
  }
}
