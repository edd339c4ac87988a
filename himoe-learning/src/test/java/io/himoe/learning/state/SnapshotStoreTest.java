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

    byte[] v3 = good.clone();
    v3[11] = 3;
    Files.write(store.file(), v3);
    assertThatThrownBy(store::load).hasMessageContaining("version 3 is not supported");

    Files.writeString(store.file(), "hello");
    assertThatThrownBy(store::load).hasMessageContaining("bad magic");
  }

  @Test
  void aVersionOneSnapshotStillLoads() throws Exception {
    // Version 1 = version 2 without the trailing provenance count (here 0, no gate).
    SnapshotStore store = SnapshotStore.of(dir.resolve("v1.snap"));
    io.himoe.learning.bandit.Bandit b = io.himoe.learning.bandit.Bandit.ucb1(3, 1);
    b.update(1, java.util.Optional.empty(), 0.7);
    store.save(
        new LearningSnapshot(
            java.time.Instant.EPOCH, java.util.Map.of(), java.util.Map.of("r", b.state())));
    byte[] v2 = Files.readAllBytes(store.file());
    int head = 8 + 4 + 8;
    int body = v2.length - head - 8 - 4;
    java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(head + body + 8);
    v1.put(v2, 0, 8).putInt(1).putLong(body).put(v2, head, body);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(v2, head, body);
    v1.putLong(crc.getValue());
    Files.write(store.file(), v1.array());
    LearningSnapshot loaded = store.load().orElseThrow();
    assertThat(loaded.bandits().get("r")).isEqualTo(b.state());
    assertThat(loaded.provenance()).isEmpty();
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
