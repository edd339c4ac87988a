package io.himoe.branches.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EpisodicMemoryTest {

  private static Episode ep(float a, float b, int branch, String task) {
    return new Episode(new float[] {a, b}, 0, 1.0, branch, task);
  }

  @Test
  void boundedPerTaskWithUniformReservoir() {
    int[] kept = new int[100];
    for (int seed = 0; seed < 200; seed++) {
      EpisodicMemory m = new EpisodicMemory(10, seed);
      for (int i = 0; i < 100; i++) {
        m.add(new Episode(new float[] {i, 1}, i, 1, 0, "t"));
      }
      assertThat(m.size()).isEqualTo(10);
      m.episodes().forEach(e -> kept[e.label()]++);
    }
    // every position is kept with probability 10/100: early and late items alike
    int early = 0;
    int late = 0;
    for (int i = 0; i < 50; i++) {
      early += kept[i];
      late += kept[50 + i];
    }
    assertThat(early + late).isEqualTo(2000);
    assertThat(Math.abs(early - late)).isLessThan(200);
  }

  @Test
  void semanticIndexReturnsNearestByCosine() {
    EpisodicMemory m = new EpisodicMemory(10, 1);
    m.add(ep(1, 0, 0, "a"));
    m.add(ep(0, 1, 1, "b"));
    m.add(ep(1, 1, 2, "c"));
    assertThat(m.nearest(new float[] {0.9f, 0.1f}, 2))
        .extracting(Episode::branch)
        .containsExactly(0, 2);
    assertThatThrownBy(() -> m.nearest(new float[] {1}, 1))
        .hasMessageContaining("query has 1 dimensions, memory holds 2");
  }

  @Test
  void reassignMovesEpisodesToTheHeir() {
    EpisodicMemory m = new EpisodicMemory(10, 1);
    m.add(ep(1, 0, 0, "a"));
    m.add(ep(0, 1, 1, "b"));
    assertThat(m.reassign(1, 0)).isEqualTo(1);
    assertThat(m.ofBranch(0)).hasSize(2);
    assertThat(m.ofBranch(1)).isEmpty();
    assertThatThrownBy(() -> new Episode(new float[] {1}, 0, 2, 0, "t"))
        .hasMessageContaining("score must be in [0, 1]");
  }
}
