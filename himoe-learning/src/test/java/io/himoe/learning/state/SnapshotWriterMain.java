package io.himoe.learning.state;

import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.nn.Adam;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Run in a child JVM by {@link SnapshotStoreTest}: saves ever newer, large snapshots in a loop (all
 * parameters of version k equal k) until killed.
 */
public final class SnapshotWriterMain {

  private SnapshotWriterMain() {}

  static final int INPUTS = 4000;
  static final int EXPERTS = 50;

  static LearningSnapshot version(long k) {
    int n = INPUTS * EXPERTS + EXPERTS;
    double[] p = new double[n];
    Arrays.fill(p, k);
    GateState g =
        new GateState(
            GateConfig.ofDefaults(),
            INPUTS,
            EXPERTS,
            p,
            new Adam.State(k, p, p),
            new double[EXPERTS],
            k,
            k);
    return new LearningSnapshot(Instant.ofEpochSecond(k), Map.of("neural", g), Map.of());
  }

  public static void main(String[] args) {
    SnapshotStore store = SnapshotStore.of(Path.of(args[0]));
    for (long k = 1; ; k++) {
      store.save(version(k));
      System.out.println("saved " + k);
      System.out.flush();
    }
  }
}
