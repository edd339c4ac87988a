package io.himoe.eval.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void eceByHandWithTwoBins() {
    double[] conf = {0.9, 0.6, 0.8, 0.3, 0.7, 0.4};
    boolean[] right = {true, false, true, false, false, false};
    Calibration c = Calibration.of(conf, right, 2);
    // bin (0, .5]: .3,.4 -> conf .35, acc 0; bin (.5, 1]: .9,.6,.8,.7 -> conf .75, acc .5
    assertThat(c.bins().get(0).count()).isEqualTo(2);
    assertThat(c.bins().get(0).meanConfidence()).isCloseTo(0.35, within(1e-12));
    assertThat(c.bins().get(1).accuracy()).isEqualTo(0.5);
    // ECE = 2/6 * .35 + 4/6 * .25
    assertThat(c.ece()).isCloseTo(2.0 / 6 * 0.35 + 4.0 / 6 * 0.25, within(1e-12));
  }

  @Test
  void edgesGoToTheLowerBinAndZeroToTheFirst() {
    Calibration c = Calibration.of(new double[] {0, 0.5, 1}, new boolean[] {false, true, true}, 2);
    assertThat(c.bins().get(0).count()).isEqualTo(2);
    assertThat(c.bins().get(1).count()).isEqualTo(1);
  }

  @Test
  void perfectlyCalibratedIsZero() {
    Calibration c =
        Calibration.of(new double[] {1, 1, 0.5, 0.5}, new boolean[] {true, true, true, false}, 10);
    assertThat(c.ece()).isCloseTo(0, within(1e-12));
    assertThat(c.bins()).hasSize(10);
  }

  @Test
  void refusesMismatchedInput() {
    assertThatThrownBy(() -> Calibration.of(new double[] {0.5}, new boolean[0], 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Calibration.of(new double[] {1.5}, new boolean[] {true}, 10))
        .hasMessageContaining("[0, 1]");
  }
}
