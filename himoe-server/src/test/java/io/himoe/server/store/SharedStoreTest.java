package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.himoe.learning.state.LearningSnapshot;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.server.store.FeedbackStore.Entry;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The PostgreSQL stores against a real PostgreSQL server. */
class SharedStoreTest {

  static HimoeConfig.Store config(String url) {
    return new HimoeConfig.Store("postgres", url, "postgres", null, null, "test", null);
  }

  @Test
  void migratesAndKeepsAnAppendOnlyLogInCommitOrder() throws Exception {
    String url = TestPostgres.shared().newDatabase();
    try (SharedStore s = SharedStore.open(config(url), Map.of(), InstantSource.system());
        // A second replica on the same database: the migration is already there.
        SharedStore other = SharedStore.open(config(url), Map.of(), InstantSource.system())) {
      Decision d = new Decision("main", "compute 2 * 3", List.of("math"));
      Entry first =
          s.feedback().append("t1", OptionalDouble.of(0.5), null, "ok", 10, Optional.of(d));
      Entry second = other.feedback().append("t2", OptionalDouble.empty(), "math", null, 11);
      assertThat(second.id()).isGreaterThan(first.id());
      // 200 appends from 8 threads over both replicas: ids are unique and each reader sees them
      // in increasing order with no gap it would later have to go back for.
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Long>> ids = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        SharedStore target = i % 2 == 0 ? s : other;
        int n = i;
        ids.add(
            pool.submit(
                () -> target.feedback().append("c" + n, OptionalDouble.of(1), null, null, n).id()));
      }
      for (Future<Long> f : ids) {
        f.get();
      }
      pool.shutdown();
      List<Entry> all = other.feedback().after(0, 1000);
      assertThat(all).hasSize(202);
      assertThat(all).extracting(Entry::id).isSorted().doesNotHaveDuplicates();
      assertThat(s.feedback().forTrace("t1").getFirst().decision()).contains(d);
      assertThat(s.feedback().forRouter("main")).hasSize(1);
      assertThat(s.feedback().after(second.id(), 5)).hasSize(5);
      assertThat(s.feedback().count()).isEqualTo(202);
    }
  }

  @Test
  void anAppendRepeatedWithTheSameEventIdIsStoredOnce() {
    String url = TestPostgres.shared().newDatabase();
    try (SharedStore s = SharedStore.open(config(url), Map.of(), InstantSource.system())) {
      UUID event = UUID.randomUUID();
      Entry e = new Entry(0, "t", OptionalDouble.of(1), null, null, 5, Optional.empty());
      long id1 = s.feedbackLog().append(event, e).id();
      long id2 = s.feedbackLog().append(event, e).id();
      assertThat(id2).isEqualTo(id1);
      assertThat(s.feedback().count()).isEqualTo(1);
    }
  }

  @Test
  void theLearnedStateIsSavedOnlyOverTheVersionItDescendsFrom() {
    String url = TestPostgres.shared().newDatabase();
    try (SharedStore s = SharedStore.open(config(url), Map.of(), InstantSource.system())) {
      LearningSnapshot snap = new LearningSnapshot(Instant.EPOCH, Map.of(), Map.of());
      assertThat(s.learnedState().latest()).isEmpty();
      assertThat(s.learnedState().save(0, 10, "a", snap)).hasValue(1);
      // Another replica that also started from nothing loses the race.
      assertThat(s.learnedState().save(0, 12, "b", snap)).isEmpty();
      assertThat(s.learnedState().save(1, 20, "b", snap)).hasValue(2);
      assertThat(s.learnedState().save(1, 21, "a", snap)).isEmpty();
      PostgresLearnedState.Versioned v = s.learnedState().latest().orElseThrow();
      assertThat(v.version()).isEqualTo(2);
      assertThat(v.position()).isEqualTo(20);
      assertThat(v.savedBy()).isEqualTo("b");
    }
  }

  @Test
  void cursorsArePerReplica() {
    String url = TestPostgres.shared().newDatabase();
    try (SharedStore s = SharedStore.open(config(url), Map.of(), InstantSource.system())) {
      assertThat(s.feedbackLog().cursor("a")).isZero();
      s.feedbackLog().saveCursor("a", 7, 1);
      s.feedbackLog().saveCursor("b", 3, 1);
      s.feedbackLog().saveCursor("a", 9, 2);
      assertThat(s.feedbackLog().cursor("a")).isEqualTo(9);
      assertThat(s.feedbackLog().cursor("b")).isEqualTo(3);
    }
  }

  @Test
  void anUnreachableDatabaseOrAMissingPasswordIsAClearError() {
    HimoeConfig.Store nowhere =
        new HimoeConfig.Store(
            "postgres",
            "jdbc:postgresql://127.0.0.1:1/none",
            "postgres",
            null,
            new HimoeConfig.Pool(2, 500L, null, 500L),
            "x",
            null);
    assertThatThrownBy(() -> SharedStore.open(nowhere, Map.of(), InstantSource.system()))
        .isInstanceOf(StoreException.class)
        .hasMessageStartingWith("store.url: cannot connect to jdbc:postgresql://127.0.0.1:1/none");
    HimoeConfig.Store withPassword =
        new HimoeConfig.Store(
            "postgres", "jdbc:postgresql://127.0.0.1:1/none", "u", "PG_PW", null, "x", null);
    assertThatThrownBy(() -> SharedStore.open(withPassword, Map.of(), InstantSource.system()))
        .isInstanceOf(StoreException.class)
        .hasMessage("store.password_env: environment variable PG_PW is not set");
  }

  @Test
  void anExpectedAnswerIsKeptInBothLogs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Entry e = new Entry(0, "t", OptionalDouble.empty(), null, null, 5, Optional.empty(), "label-3");
    try (SharedStore s =
            SharedStore.open(
                config(TestPostgres.shared().newDatabase()), Map.of(), InstantSource.system());
        FeedbackStore sqlite = FeedbackStore.open(dir.resolve("fb.db"))) {
      for (FeedbackStore log : List.of(s.feedback(), sqlite)) {
        log.append(e);
        assertThat(log.forTrace("t").getFirst().expected()).isEqualTo("label-3");
        assertThat(log.after(0, 10).getFirst().expected()).isEqualTo("label-3");
      }
    }
  }
}
