package io.himoe.learning.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.Feedbacks;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.bandit.Bandit;
import io.himoe.learning.bandit.RewardWeights;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.gate.NeuralGate;
import io.himoe.learning.router.BanditRouter;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.router.RouteResult;
import io.himoe.router.RouterConfig;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

  @TempDir Path dir;

  private static ExpertRegistry registry() {
    ExpertRegistry r = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> r.register(new NamedExpert(n)));
    return r;
  }

  @Test
  void learnedRoutersSurviveARestart() {
    ExpertRegistry reg = registry();
    HashingEncoder enc = new HashingEncoder(64);
    NeuralRouter neural = NeuralRouter.builder("neural", reg, enc).build();
    BanditRouter bandit =
        BanditRouter.of(
            "bandit", reg, RouterConfig.of(1), Bandit.ucb1(4, 1), RewardWeights.qualityOnly());
    for (LabelledText t : SyntheticIntents.generate(20, 0, 1)) {
      for (var router : List.of(neural, bandit)) {
        RouteResult r = router.route(InputData.text(t.text()), Context.of(Duration.ofSeconds(5)));
        router.trainSignal(
            Feedbacks.of(
                r,
                OptionalDouble.of(Feedbacks.answeredBy(r).equals(t.label()) ? 1 : 0),
                Optional.empty()));
      }
    }
    SnapshotStore store = SnapshotStore.of(dir.resolve("state/learning.snap"));
    assertThat(store.load()).isEmpty();
    LearningSnapshot snap =
        LearningSnapshot.capture(Instant.ofEpochSecond(7), List.of(neural, bandit));
    store.save(snap);

    LearningSnapshot back = SnapshotStore.of(store.file()).load().orElseThrow();
    assertThat(back).isEqualTo(snap);
    GateState g = back.gates().get("neural");
    NeuralRouter restored =
        NeuralRouter.builder("neural", reg, enc).gate(NeuralGate.restore(g)).build();
    BanditRouter restoredBandit =
        BanditRouter.of(
            "bandit",
            reg,
            RouterConfig.of(1),
            Bandit.restore(back.bandits().get("bandit")),
            RewardWeights.qualityOnly());
    String q = "what is the forecast for rain and snow";
    assertThat(restored.gate().probabilities(enc.encode(InputData.text(q)).vector()))
        .containsExactly(neural.gate().probabilities(enc.encode(InputData.text(q)).vector()));
    assertThat(restoredBandit.bandit().state()).isEqualTo(bandit.bandit().state());
    assertThat(restored.gate().updates()).isEqualTo(80);
  }

  @Test
  void captureLooksThroughHybridRoutersAndSkipsUntrainedGates() {
    ExpertRegistry reg = registry();
    NeuralRouter inner = NeuralRouter.builder("inner", reg, new HashingEncoder(32)).build();
    var hybrid = io.himoe.learning.router.HybridRouter.builder("hybrid", inner).build();
    // "Not created yet" is asked, not inferred from an IllegalStateException (which, from a real
    // fault, would have dropped the gate from the snapshot without a word).
    assertThat(inner.createdGate()).isEmpty();
    assertThat(LearningSnapshot.capture(Instant.EPOCH, List.of(hybrid)).gates()).isEmpty();
    hybrid.route(InputData.text("play a song"), Context.of(Duration.ofSeconds(5)));
    assertThat(inner.createdGate()).isPresent();
    LearningSnapshot s = LearningSnapshot.capture(Instant.EPOCH, List.of(hybrid));
    assertThat(s.gates()).containsOnlyKeys("hybrid");
    assertThat(s.gates().get("hybrid").experts()).isEqualTo(4);
  }

  @Test
  void corruptionIsAClearErrorAndTheFileIsKept() throws Exception {
    SnapshotStore store = SnapshotStore.of(dir.resolve("s.snap"));
    store.save(SnapshotWriterMain.version(1));
    byte[] good = Files.readAllBytes(store.file());

    byte[] flipped = good.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(store.file(), flipped);
    assertThatThrownBy(store::load)
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining(store.file().toString())
        .hasMessageContaining("checksum mismatch");
    assertThat(Files.readAllBytes(store.file())).isEqualTo(flipped);

    Files.write(store.file(), java.util.Arrays.copyOf(good, good.length - 100));
    assertThatThrownBy(store::load).hasMessageContaining("truncated");

    byte[] v4 = good.clone();
    v4[11] = 4;
    Files.write(store.file(), v4);
    assertThatThrownBy(store::load).hasMessageContaining("version 4 is not supported");

    Files.writeString(store.file(), "hello");
    assertThatThrownBy(store::load).hasMessageContaining("bad magic");
  }

  @Test
  void aVersionOneSnapshotStillLoads() throws Exception {
    // Version 1 = version 3 without the trailing provenance and router-state counts (here 0, 0).
    LearningSnapshot loaded = loadAsOlderVersion(1, 8);
    assertThat(loaded.bandits().get("r")).isEqualTo(banditState());
    assertThat(loaded.provenance()).isEmpty();
    assertThat(loaded.routerStates()).isEmpty();
  }

  @Test
  void aVersionTwoSnapshotStillLoads() throws Exception {
    // Version 2 = version 3 without the trailing router-state count (here 0).
    LearningSnapshot loaded = loadAsOlderVersion(2, 4);
    assertThat(loaded.bandits().get("r")).isEqualTo(banditState());
    assertThat(loaded.routerStates()).isEmpty();
  }

  private static io.himoe.learning.bandit.BanditState banditState() {
    io.himoe.learning.bandit.Bandit b = io.himoe.learning.bandit.Bandit.ucb1(3, 1);
    b.update(1, java.util.Optional.empty(), 0.7);
    return b.state();
  }

  /** Saves a one-bandit snapshot, then rewrites it as {@code version}, dropping trailing bytes. */
  private LearningSnapshot loadAsOlderVersion(int version, int trailingBytes) throws Exception {
    SnapshotStore store = SnapshotStore.of(dir.resolve("v" + version + ".snap"));
    store.save(
        new LearningSnapshot(
            java.time.Instant.EPOCH, java.util.Map.of(), java.util.Map.of("r", banditState())));
    byte[] now = Files.readAllBytes(store.file());
    int head = 8 + 4 + 8;
    int body = now.length - head - 8 - trailingBytes;
    java.nio.ByteBuffer old = java.nio.ByteBuffer.allocate(head + body + 8);
    old.put(now, 0, 8).putInt(version).putLong(body).put(now, head, body);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(now, head, body);
    old.putLong(crc.getValue());
    Files.write(store.file(), old.array());
    return store.load().orElseThrow();
  }

  /** A router of a type this module does not know, whose state is a few bytes of its own. */
  private record OpaqueRouter(String id, ExpertRegistry experts, byte[][] state)
      implements io.himoe.router.PersistentRouter {

    @Override
    public RouterConfig config() {
      return RouterConfig.of(1);
    }

    @Override
    public io.himoe.router.GateScores gate(io.himoe.shared.RouterInput input, Context ctx) {
      throw new UnsupportedOperationException("not routed in this test");
    }

    @Override
    public io.himoe.router.RouterState saveState() {
      return new io.himoe.router.RouterState("opaque/1", state[0].clone());
    }

    @Override
    public void restoreState(io.himoe.router.RouterState saved) {
      if (!saved.format().equals("opaque/1")) {
        throw new IllegalArgumentException("format " + saved.format());
      }
      state[0] = saved.bytes().clone();
    }
  }

  @Test
  void aPersistentRoutersOwnStateIsSavedAndGivenBack() {
    byte[][] learned = {{1, 2, 3, 42}};
    OpaqueRouter router = new OpaqueRouter("provided", registry(), learned);
    SnapshotStore store = SnapshotStore.of(dir.resolve("opaque.snap"));
    store.save(LearningSnapshot.capture(Instant.ofEpochSecond(9), List.of(router)));

    // also through the byte form a shared (database) store keeps
    LearningSnapshot back =
        SnapshotStore.fromBytes(SnapshotStore.toBytes(store.load().orElseThrow()), "test snapshot");
    assertThat(back.routerStates()).containsOnlyKeys("provided");
    assertThat(back.routerStates().get("provided"))
        .isEqualTo(new io.himoe.router.RouterState("opaque/1", new byte[] {1, 2, 3, 42}));
    assertThat(back.gates()).isEmpty();
    byte[][] fresh = {{}};
    new OpaqueRouter("provided", registry(), fresh)
        .restoreState(back.routerStates().get("provided"));
    assertThat(fresh[0]).containsExactly(1, 2, 3, 42);
  }

  @Test
  void aCorruptRouterStateLengthIsRefusedNotAllocated() {
    byte[][] learned = {{7, 7}};
    byte[] good =
        SnapshotStore.toBytes(
            LearningSnapshot.capture(
                Instant.EPOCH, List.of(new OpaqueRouter("provided", registry(), learned))));
    // the state's length sits right before its 2 bytes, ahead of the CRC
    int lengthAt = good.length - 8 - 2 - 4;
    java.nio.ByteBuffer.wrap(good).putInt(lengthAt, Integer.MAX_VALUE);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(good, 20, good.length - 28);
    java.nio.ByteBuffer.wrap(good).putLong(good.length - 8, crc.getValue());
    assertThatThrownBy(() -> SnapshotStore.fromBytes(good, "test snapshot"))
        .isInstanceOf(SnapshotException.class)
        .hasMessageContaining("router state length");
  }

  @Test
  void killingTheWriterMidSaveLeavesAReadableSnapshot() throws Exception {
    Path file = dir.resolve("crash.snap");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                SnapshotWriterMain.class.getName(),
                file.toString())
            .redirectErrorStream(true)
            .start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.equals("saved 3"));
      assertThat(line).as("child output").isEqualTo("saved 3");
      // The child is writing version 4 (or later) right now.
      child.destroyForcibly();
      child.waitFor();
    }
    LearningSnapshot s = SnapshotStore.of(file).load().orElseThrow();
    GateState g = s.gates().get("neural");
    long k = g.updates();
    assertThat(k).isGreaterThanOrEqualTo(3);
    assertThat(g.params()).containsOnly((double) k);
    assertThat(s.savedAt()).isEqualTo(Instant.ofEpochSecond(k));
  }
}
