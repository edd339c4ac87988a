package io.himoe.learning.fit;

/** Receives the training loss after every epoch (for logs and progress bars). */
@FunctionalInterface
public interface FitProgress {

  /**
   * @param epoch the finished epoch, 1-based
   * @param epochs the number of epochs
   * @param loss the mean training loss over the epoch
   */
  void onEpoch(int epoch, int epochs, double loss);

  /**
   * @return a listener that ignores progress
   */
  static FitProgress none() {
    return (epoch, epochs, loss) -> {};
  }
}
