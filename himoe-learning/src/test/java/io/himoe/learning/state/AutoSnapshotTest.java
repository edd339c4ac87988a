package io.himoe.learning.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.engine.Answer;
import io.himoe.engine.Engine;
import io.himoe.engine.Feedback;
import io.himoe.experts.ExpertRegistry;
import io.himoe.learning.HashingEncoder;
import io.himoe.learning.NamedExpert;
import io.himoe.learning.SyntheticIntents;
import io.himoe.learning.fit.LabelledText;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.orchestrator.RuleOrchestrator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoSnapshotTest {

  @TempDir Path dir;

  @Test
  void savesEveryNFeedbacks() throws Exception {
    ExpertRegistry reg = ExpertRegistry.create();
    SyntheticIntents.INTENTS.forEach(n -> reg.register(new NamedExpert(n)));
    NeuralRouter router = NeuralRouter.builder("neural", reg, new HashingEncoder(64)).build();
    SnapshotStore store = SnapshotStore.of(dir.resolve("learn.snap"));
    AutoSnapshot auto =
        AutoSnapshot.of(
            store, () -> List.of(router), 10, InstantSource.fixed(Instant.ofEpochSecond(5)));
    Engine engine =
        Engine.builder(RuleOrchestrator.builder().router(router).defaultRouter("neural").build())
            .listener(auto)
            .build();
    for (LabelledText t : SyntheticIntents.generate(5, 0, 1)) {
      Answer a = engine.ask(t.text());
      engine.feedback(Feedback.bestExpert(a.traceId(), t.label()));
    }
    auto.awaitIdle();
    assertThat(auto.saves()).isBetween(1L, 2L);
    assertThat(auto.lastError()).isEmpty();
    LearningSnapshot s = store.load().orElseThrow();
    assertThat(s.gates().get("neural").updates()).isIn(10L, 20L);
    assertThat(s.savedAt()).isEqualTo(Instant.ofEpochSecond(5));
  }

  @Test
  void aFailedSaveIsReportedNotThrown() throws Exception {
    Path blocker = dir.resolve("blocked");
    Files.writeString(blocker, "a file where a directory should be");
    AutoSnapshot auto =
        AutoSnapshot.of(
            SnapshotStore.of(blocker.resolve("x.snap")), List::of, 1, InstantSource.system());
    assertThat(auto.saveNow()).isFalse();
    assertThat(auto.lastError())
        .get()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("cannot write");
  }
}
