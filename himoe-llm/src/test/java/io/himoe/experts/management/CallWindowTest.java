package io.himoe.experts.management;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CallWindowTest {

  @Test
  void reportsNearestRankPercentilesAndSuccessRate() {
    CallWindow w = new CallWindow(100);
    for (int i = 1; i <= 100; i++) {
      w.record(i % 10 != 0, i);
    }
    assertThat(w.percentile(50)).isEqualTo(50);
    assertThat(w.percentile(95)).isEqualTo(95);
    assertThat(w.percentile(99)).isEqualTo(99);
    assertThat(w.mean()).isEqualTo(50.5);
    assertThat(w.successRate()).isEqualTo(0.9);
    assertThat(w.total()).isEqualTo(100);
  }

  @Test
  void keepsOnlyTheLastCalls() {
    CallWindow w = new CallWindow(3);
    w.record(false, 1000);
    w.record(true, 10);
    w.record(true, 20);
    w.record(true, 30);
    assertThat(w.successRate()).isEqualTo(1.0);
    assertThat(w.percentile(99)).isEqualTo(30);
    assertThat(w.total()).isEqualTo(4);
  }

  @Test
  void isOptimisticBeforeAnyCall() {
    CallWindow w = new CallWindow(8);
    assertThat(w.successRate()).isEqualTo(1.0);
    assertThat(w.mean()).isNaN();
    assertThat(w.percentile(50)).isNaN();
  }
}
