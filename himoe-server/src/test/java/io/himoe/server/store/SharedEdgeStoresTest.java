package io.himoe.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.config.HimoeConfig;
import io.himoe.server.limits.KeyLimits;
import io.himoe.server.limits.LimitStore;
import io.himoe.server.loop.Assignments;
import io.himoe.server.sessions.Session;
import io.himoe.server.sessions.SessionStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request path's shared state (per-key limit counters, sessions, A/B assignments) on a real
 * PostgreSQL server, with three {@link SharedStore}s standing for three replicas.
 */
class SharedEdgeStoresTest {

  @TempDir Path dir;

  /** A clock the test moves by hand (epoch ms). */
  private final AtomicLong now =
      new AtomicLong(Instant.parse("2026-12-07T05:00:10Z").toEpochMilli());

  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  private List<SharedStore> replicas(String url, int n) {
    List<SharedStore> r = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      r.add(SharedStore.open(SharedStoreTest.config(url), Map.of(), clock));
    }
    return r;
  }

  private static void closeAll(List<SharedStore> stores) {
    stores.forEach(SharedStore::close);
  }

  @Test
  void aRequestLimitAdmitsExactlyItsLimitOverThreeReplicas() throws Exception {
    List<SharedStore> stores = replicas(TestPostgres.shared().newDatabase(), 3);
    try {
      KeyLimits.Limits limits =
          new KeyLimits.Limits(
              "team-a", OptionalLong.of(100), OptionalLong.empty(), OptionalDouble.empty());
      List<KeyLimits> gates = new ArrayList<>();
      for (SharedStore s : stores) {
        gates.add(new KeyLimits(s.limitStore(LimitStore.inMemory()), clock));
      }
      ExecutorService pool = Executors.newFixedThreadPool(30);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        KeyLimits gate = gates.get(i % 3);
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    gate.admit(limits);
                    return true;
                  } catch (KeyLimits.LimitExceeded e) {
                    return false;
                  }
                }));
      }
      go.countDown();
      int admitted = 0;
      for (Future<Boolean> f : results) {
        admitted += f.get() ? 1 : 0;
      }
      pool.shutdown();
      assertThat(admitted).isEqualTo(100);
      // The next minute's window starts afresh on every replica.
      now.addAndGet(60_000);
      gates.get(2).admit(limits);
      assertThat(stores.getFirst().localAnswers()).isZero();
    } finally {
      closeAll(stores);
    }
  }

  @Test
  void aDailyCostLimitHeldByRequestsInFlightIsNeverPassedOverThreeReplicas() throws Exception {
    List<SharedStore> stores = replicas(TestPostgres.shared().newDatabase(), 3);
    try {
      KeyLimits.Limits limits =
          new KeyLimits.Limits(
              "team-b", OptionalLong.empty(), OptionalLong.empty(), OptionalDouble.of(2.0));
      List<KeyLimits> gates = new ArrayList<>();
      for (SharedStore s : stores) {
        gates.add(new KeyLimits(s.limitStore(LimitStore.inMemory()), clock));
      }
      // 60 requests at once, each with a ceiling of 0.2 units, all held before any ends: exactly
      // 10 fit in the day's 2.0, and each then spends its 0.2.
      ExecutorService pool = Executors.newFixedThreadPool(30);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Optional<KeyLimits.Hold>>> holds = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        KeyLimits gate = gates.get(i % 3);
        holds.add(
            pool.submit(
                () -> {
                  go.await();
                  try {
                    return gate.hold(limits, 0.2);
                  } catch (KeyLimits.LimitExceeded e) {
                    assertThat(e.refusal().limit()).isEqualTo("cost");
                    return Optional.empty();
                  }
                }));
      }
      go.countDown();
      int held = 0;
      for (int i = 0; i < holds.size(); i++) {
        Optional<KeyLimits.Hold> h = holds.get(i).get();
        if (h.isPresent()) {
          held++;
          assertThat(h.get().amount()).isEqualTo(0.2);
          gates.get(i % 3).settle(limits, 0, 0.2, new KeyLimits.Holds(Optional.empty(), h));
        }
      }
      pool.shutdown();
      assertThat(held).isEqualTo(10);
      // A request that spends less than it held gives the rest back; a ceiling larger than what
      // is left holds what is left.
      now.addAndGet(86_400_000);
      KeyLimits a = gates.get(0);
      Optional<KeyLimits.Hold> big = a.hold(limits, 1.5);
      a.settle(limits, 0, 0.5, new KeyLimits.Holds(Optional.empty(), big));
      assertThat(gates.get(1).hold(limits, 5.0).orElseThrow().amount())
          .isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
    } finally {
      closeAll(stores);
    }
  }

  @Test
  void aSessionWrittenOnOneReplicaIsReadOnAnotherUntilItIsIdleForItsTtl() {
    List<SharedStore> stores = replicas(TestPostgres.shared().newDatabase(), 2);
    try {
      Duration ttl = Duration.ofMinutes(30);
      SessionStore a = stores.get(0).sessionStore(SessionStore.inMemory(ttl, 100), ttl);
      SessionStore b = stores.get(1).sessionStore(SessionStore.inMemory(ttl, 100), ttl);
      Session s = new Session("math", "main", 3, now.get());
      a.put("s:key:conv-1", s);
      assertThat(b.get("s:key:conv-1")).contains(s);
      assertThat(b.get("s:key:other")).isEmpty();
      // A read 29 minutes later extends the session; 31 idle minutes after that, it is gone.
      now.addAndGet(Duration.ofMinutes(29).toMillis());
      assertThat(a.get("s:key:conv-1")).contains(s);
      now.addAndGet(Duration.ofMinutes(29).toMillis());
      assertThat(b.get("s:key:conv-1")).contains(s);
      now.addAndGet(Duration.ofMinutes(31).toMillis());
      assertThat(b.get("s:key:conv-1")).isEmpty();
      // A later turn overwrites it.
      Session next = new Session("knowledge", "main", 4, now.get());
      b.put("s:key:conv-1", next);
      assertThat(a.get("s:key:conv-1")).contains(next);
    } finally {
      closeAll(stores);
    }
  }

  @Test
  void theFirstReplicaToAssignAUnitWinsOnEveryReplica() throws Exception {
    List<SharedStore> stores = replicas(TestPostgres.shared().newDatabase(), 3);
    try {
      List<Assignments> replicas = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        replicas.add(stores.get(i).assignments(Assignments.inMemory(1_000), "r" + i));
      }
      // 60 units, each assigned at once by the three replicas whose choosers disagree (as when
      // an experiment's weights change while a unit is being assigned): one arm per unit.
      ExecutorService pool = Executors.newFixedThreadPool(12);
      AtomicInteger chosen = new AtomicInteger();
      List<List<Future<String>>> byUnit = new ArrayList<>();
      for (int u = 0; u < 60; u++) {
        String unit = "s:user-" + u;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> arms = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
          Assignments a = replicas.get(r);
          String arm = "arm-" + r;
          arms.add(
              pool.submit(
                  () -> {
                    go.await();
                    return a.assign(
                        "exp",
                        unit,
                        () -> {
                          chosen.incrementAndGet();
                          return arm;
                        });
                  }));
        }
        go.countDown();
        byUnit.add(arms);
      }
      for (List<Future<String>> arms : byUnit) {
        String first = arms.getFirst().get();
        for (Future<String> f : arms) {
          assertThat(f.get()).isEqualTo(first);
        }
      }
      pool.shutdown();
      // A unit assigned before keeps its arm without asking the chooser again.
      int before = chosen.get();
      String arm = replicas.get(1).assign("exp", "s:user-7", () -> "arm-new");
      assertThat(arm).isEqualTo(byUnit.get(7).getFirst().get());
      assertThat(chosen.get()).isEqualTo(before);
      // Another experiment is another assignment.
      assertThat(replicas.get(1).assign("exp-2", "s:user-7", () -> "arm-new")).isEqualTo("arm-new");
    } finally {
      closeAll(stores);
    }
  }

  @Test
  void whileTheDatabaseIsDownEachReplicaAnswersLocallyAndWithoutWaiting() throws Exception {
    try (TestPostgres pg = TestPostgres.own(dir.resolve("pg"))) {
      String url = pg.newDatabase();
      HimoeConfig.Store config =
          new HimoeConfig.Store(
              "postgres", url, "postgres", null, new HimoeConfig.Pool(4, 500L), "r1", null);
      try (SharedStore s = SharedStore.open(config, Map.of(), clock)) {
        LimitStore limits = s.limitStore(LimitStore.inMemory());
        Duration ttl = Duration.ofMinutes(30);
        SessionStore sessions = s.sessionStore(SessionStore.inMemory(ttl, 100), ttl);
        long window = now.get() - now.get() % 60_000;
        assertThat(limits.add("k/requests", window, 60_000, 1)).isEqualTo(1);
        Session kept = new Session("math", "main", 1, now.get());
        sessions.put("s:k:c", kept);
        Assignments arms = s.assignments(Assignments.inMemory(100), "r1");
        assertThat(arms.assign("exp", "u1", () -> "a")).isEqualTo("a");
        assertThat(s.upOnRequestPath()).isTrue();

        pg.stop();
        // Calls after the database went down fail (each within the pool's 500 ms connect
        // timeout) and are answered locally; once half of the last calls failed, the breaker
        // opens and the next ones are answered locally at once.
        int failing = 0;
        double counted = 1;
        while (s.upOnRequestPath() && failing < 10) {
          counted = limits.add("k/requests", window, 60_000, 1);
          failing++;
        }
        assertThat(s.upOnRequestPath()).isFalse();
        assertThat(failing).isEqualTo(3); // 3 successes then 3 failures in the window of 10
        assertThat(counted).isEqualTo(1 + failing); // this replica's own count
        long t0 = System.nanoTime();
        assertThat(limits.add("k/requests", window, 60_000, 1)).isEqualTo(2 + failing);
        assertThat(sessions.get("s:k:c")).contains(kept);
        assertThat(arms.assign("exp", "u1", () -> "b")).isEqualTo("a");
        assertThat(arms.assign("exp", "u2", () -> "b")).isEqualTo("b");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);
        assertThat(s.localAnswers()).isGreaterThanOrEqualTo(3 + 4);

        pg.start();
        // One second later (the guard's clock), a call tries the database again; the pool may
        // need a try or two to replace its broken connections.
        for (int i = 0; i < 20 && !s.upOnRequestPath(); i++) {
          now.addAndGet(1_000);
          limits.get("k/requests", window);
        }
        assertThat(s.upOnRequestPath()).isTrue();
        // What reached the database before the outage is there; what was counted during it
        // stayed local.
        assertThat(limits.get("k/requests", window)).isEqualTo(1);
        assertThat(sessions.get("s:k:c")).contains(kept);
      }
    }
  }

  @Test
  void aFrozenDatabaseIsAnsweredLocallyWithinTheTimeoutsInsteadOfHanging() throws Exception {
    TestPostgres pg = TestPostgres.shared();
    String direct = pg.newDatabase();
    try (StallingProxy proxy = new StallingProxy(pg.port())) {
      String url = direct.replace(":" + pg.port() + "/", ":" + proxy.port() + "/");
      // 500 ms to get a connection, 500 ms for an answer.
      HimoeConfig.Store config =
          new HimoeConfig.Store(
              "postgres", url, "postgres", null, new HimoeConfig.Pool(4, 500L, 500L), "r1", null);
      ExecutorService caller = Executors.newSingleThreadExecutor();
      try (SharedStore s = SharedStore.open(config, Map.of(), clock)) {
        LimitStore limits = s.limitStore(LimitStore.inMemory());
        Duration ttl = Duration.ofMinutes(30);
        SessionStore sessions = s.sessionStore(SessionStore.inMemory(ttl, 100), ttl);
        long window = now.get() - now.get() % 60_000;
        assertThat(limits.add("k/tokens", window, 60_000, 10)).isEqualTo(10);
        Session kept = new Session("math", "main", 1, now.get());
        sessions.put("s:k:c", kept);

        // The database stops answering; its connections stay open (as with SIGSTOP, or a network
        // that drops packets). Without the driver's timeouts each call below would wait forever
        // (the caller gives up after 20 s and the test fails); with them each one fails within
        // the pool's connect timeout plus the query timeout (1 s here; 5 s allowed for a loaded
        // machine) and is answered from this replica's memory, until the breaker opens and the
        // calls are answered locally at once.
        proxy.stall();
        int calls = 0;
        while (s.upOnRequestPath() && calls < 10) {
          long t0 = System.nanoTime();
          Future<LimitStore.Reservation> r =
              caller.submit(() -> limits.reserve("k/tokens", window, 60_000, 5, 100));
          assertThat(r.get(20, java.util.concurrent.TimeUnit.SECONDS).taken()).isTrue();
          assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5_000);
          calls++;
        }
        assertThat(s.upOnRequestPath()).isFalse();
        assertThat(s.localAnswers()).isEqualTo(calls);
        long t0 = System.nanoTime();
        Future<Optional<Session>> got = caller.submit(() -> sessions.get("s:k:c"));
        assertThat(got.get(20, java.util.concurrent.TimeUnit.SECONDS)).contains(kept);
        assertThat(limits.get("k/tokens", window)).isEqualTo(10 + 5 * calls);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(400);

        // The database answers again: a call a second later (the guard's clock) reaches it.
        proxy.resume();
        for (int i = 0; i < 20 && !s.upOnRequestPath(); i++) {
          now.addAndGet(1_000);
          caller
              .submit(() -> limits.get("k/tokens", window))
              .get(20, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(s.upOnRequestPath()).isTrue();
        // What was counted during the freeze stayed local, except that a statement the database
        // had received before the replica gave up on it runs when the database resumes: the
        // shared counter may hold those too (a refusal too many later, never an overrun).
        assertThat(limits.get("k/tokens", window)).isBetween(10.0, 10.0 + 5 * calls);
      } finally {
        caller.shutdownNow();
      }
    }
  }

  @Test
  void aPromotionMadeOnOneReplicaIsInForceOnEveryReplicaWithinSeconds() throws Exception {
    List<SharedStore> stores = replicas(TestPostgres.shared().newDatabase(), 3);
    try {
      java.util.Set<String> routers = java.util.Set.of("main", "alt", "next");
      // Replica a had promoted alt over main before it shared its promotions (its file): sharing
      // writes that to the database, and the others adopt it.
      io.himoe.server.loop.Promotions a =
          io.himoe.server.loop.Promotions.savedIn(dir.resolve("a.promotions.json"), routers);
      a.promote("main", "alt");
      List<io.himoe.server.loop.Promotions> all =
          List.of(
              a,
              io.himoe.server.loop.Promotions.of(routers),
              io.himoe.server.loop.Promotions.of(routers));
      for (int i = 0; i < 3; i++) {
        stores.get(i).sharePromotions(all.get(i), "r" + i);
      }
      for (io.himoe.server.loop.Promotions p : all) {
        assertThat(p.resolve("main")).isEqualTo("alt");
      }
      // A promotion on c (next over alt, so main -> alt -> next) reaches a and b by their
      // periodic read (every second; 10 s allowed on a loaded machine), and a's file follows.
      all.get(2).promote("alt", "next");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < deadline
          && !(a.resolve("main").equals("next") && all.get(1).resolve("main").equals("next"))) {
        Thread.sleep(50);
      }
      assertThat(all).allMatch(p -> p.resolve("main").equals("next"));
      assertThat(all.get(1).demotedFor("next")).containsExactlyInAnyOrder("main", "alt");
      assertThat(
              io.himoe.server.loop.Promotions.savedIn(dir.resolve("a.promotions.json"), routers)
                  .current())
          .isEqualTo(Map.of("main", "alt", "alt", "next"));
      // A later promotion of the same router replaces its row: one place, one answer.
      all.get(1).promote("main", "next");
      for (io.himoe.server.loop.Promotions p : all) {
        p.refresh();
        assertThat(p.current()).isEqualTo(Map.of("main", "next", "alt", "next"));
      }
    } finally {
      closeAll(stores);
    }
  }

  @Test
  void thePurgeDeletesEndedWindowsAndExpiredSessions() throws Exception {
    List<SharedStore> stores = replicas(TestPostgres.shared().newDatabase(), 1);
    try {
      SharedStore s = stores.getFirst();
      LimitStore limits = s.limitStore(LimitStore.inMemory());
      Duration ttl = Duration.ofMinutes(1);
      SessionStore sessions = s.sessionStore(SessionStore.inMemory(ttl, 100), ttl);
      long window = now.get() - now.get() % 60_000;
      limits.add("k/requests", window, 60_000, 5);
      sessions.put("s:k:c", new Session("math", "main", 1, now.get()));
      s.purge();
      assertThat(limits.get("k/requests", window)).isEqualTo(5);
      now.addAndGet(120_000);
      s.purge();
      assertThat(rows(s, "limit_counter") + rows(s, "chat_session")).isZero();
      assertThat(limits.get("k/requests", window)).isZero();
    } finally {
      closeAll(stores);
    }
  }

  private static long rows(SharedStore s, String table) throws Exception {
    try (var c = s.pool().getConnection();
        var st = c.createStatement();
        var rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
