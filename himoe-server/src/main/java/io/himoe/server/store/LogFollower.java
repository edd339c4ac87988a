package io.himoe.server.store;

import io.himoe.engine.Feedback;
import io.himoe.learning.router.ReplayEvent;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.FeedbackOutbox.Queued;
import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.server.store.FeedbackStore.Entry;
import io.himoe.server.store.PostgresLearnedState.Versioned;
import io.himoe.shared.MoeError;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replica's follower of the shared log: a thread that trains this replica's routers on every
 * entry after its cursor, in log order, exactly once, and keeps the learned state in step with the
 * shared snapshots.
 *
 * <ul>
 *   <li>Woken by LISTEN/NOTIFY (a feedback appended, a state saved) and every {@code pollMs} in
 *       case a notification was lost; each pass first replays the local outbox into the log.
 *   <li>A decision made here trains through the engine, as on one replica; a decision made
 *       elsewhere is replayed from the stored input and chosen experts.
 *   <li>Every {@code saveEvery} entries (or {@code saveIntervalMs} after the latest save) the state
 *       is saved as a new version, conditionally on the version it descends from. A replica that
 *       loses that race, or sees another's save, reloads the saved state and re-applies the entries
 *       it had trained on past the saved position, so each entry counts once in the state it
 *       serves.
 * </ul>
 */
final class LogFollower implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);
  private static final int BATCH = 500;

  private final Assembly assembly;
  private final SharedStore store;
  private final String replicaId;
  private final FeedbackOutbox outbox;
  private final InstantSource clock;
  private final int saveEvery;
  private final long saveIntervalMs;
  private final long pollMs;
  private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean up = true;
  private volatile long queued;
  // Written by the follower thread (and close()), read by health().
  private volatile long cursor;
  private volatile long stateVersion;
  private long savedPosition;
  private long lastSaveMs;

  LogFollower(
      Assembly assembly,
      SharedStore store,
      String replicaId,
      FeedbackOutbox outbox,
      InstantSource clock,
      int saveEvery,
      long saveIntervalMs,
      long pollMs) {
    this.assembly = assembly;
    this.store = store;
    this.replicaId = replicaId;
    this.outbox = outbox;
    this.clock = clock;
    this.saveEvery = saveEvery;
    this.saveIntervalMs = saveIntervalMs;
    this.pollMs = pollMs;
    this.queued = outbox.size();
    loadLatest();
    this.lastSaveMs = clock.millis();
    this.thread = Thread.ofPlatform().daemon().name("himoe-follower").start(this::run);
  }

  /** Wakes the follower: {@code what} is a notification channel, or {@code outbox}. */
  void signal(String what) {
    signals.offer(what);
  }

  boolean up() {
    return up;
  }

  void markDown() {
    up = false;
  }

  void markUp() {
    up = true;
  }

  long queued() {
    return queued;
  }

  void queuedNow(long n) {
    queued = n;
  }

  long cursor() {
    return cursor;
  }

  long stateVersion() {
    return stateVersion;
  }

  private void run() {
    while (running) {
      try {
        String s = signals.poll(pollMs, TimeUnit.MILLISECONDS);
        signals.clear();
        step(s != null && s.equals(SharedStore.STATE_CHANNEL));
        up = true;
        // The database answered: the request path may use it again without waiting for a
        // request to try (with no traffic its breaker would stay open, and /readyz degraded).
        store.reachable();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (StoreException e) {
        if (up) {
          LOG.warn(
              "shared store unreachable ({}); serving from the last loaded state", e.getMessage());
        }
        up = false;
      } catch (RuntimeException e) {
        LOG.error("feedback follower step failed", e);
      }
    }
  }

  /** One pass: flush the outbox, reload a newer state, train on new entries, maybe save. */
  private synchronized void step(boolean stateChanged) {
    flushOutbox();
    Optional<long[]> head = store.learnedState().head();
    if (stateChanged || head.map(h -> h[0] != stateVersion).orElse(false)) {
      reload();
    }
    long before = cursor;
    follow();
    if (cursor != before) {
      store.feedbackLog().saveCursor(replicaId, cursor, clock.millis());
    }
    maybeSave();
  }

  private void flushOutbox() {
    if (queued == 0) {
      return;
    }
    for (List<Queued> batch = outbox.oldest(BATCH);
        !batch.isEmpty();
        batch = outbox.oldest(BATCH)) {
      for (Queued q : batch) {
        store.feedbackLog().append(q.eventId(), q.entry());
        outbox.remove(q.seq());
      }
      queued = outbox.size();
    }
    queued = outbox.size();
    LOG.info("feedback queued while the shared store was down is now in the shared log");
  }

  private void follow() {
    for (List<Entry> batch = store.feedbackLog().after(cursor, BATCH);
        !batch.isEmpty() && running;
        batch = store.feedbackLog().after(cursor, BATCH)) {
      for (Entry e : batch) {
        apply(e);
        cursor = e.id();
      }
    }
  }

  private void apply(Entry e) {
    Optional<String> best = Optional.ofNullable(e.bestExpert());
    Optional<String> expected = Optional.ofNullable(e.expected());
    if (e.reward().isEmpty() && best.isEmpty() && expected.isEmpty()) {
      return;
    }
    if (assembly.engine().knows(e.traceId())) {
      try {
        assembly
            .engine()
            .feedback(
                new Feedback(
                    e.traceId(), e.reward(), best, Optional.ofNullable(e.notes()), expected));
        return;
      } catch (MoeError.UnknownTrace expired) {
        // Expired meanwhile: replay it from the stored decision below.
      } catch (MoeError.InvalidInput wrongExpert) {
        LOG.debug("feedback {} not applied: {}", e.id(), wrongExpert.getMessage());
        return;
      }
    }
    // Elsewhere, routers retrain from the stored decision; the experts' share (an expected
    // answer) needs the decision's details, which only the replica that made it holds.
    if (e.reward().isEmpty() && best.isEmpty()) {
      return;
    }
    if (e.decision().isEmpty() || e.decision().get().input().isBlank()) {
      return;
    }
    Decision d = e.decision().get();
    if (best.isEmpty() && d.chosen().isEmpty()) {
      return;
    }
    try {
      assembly.replay(
          d.router(), List.of(new ReplayEvent(d.input(), best, e.reward(), d.chosen())), 1);
    } catch (IllegalArgumentException notLearning) {
      // A keyword router, or a router this configuration does not have: nothing to train.
    }
  }

  private void loadLatest() {
    Optional<Versioned> latest = store.learnedState().latest();
    if (latest.isPresent()) {
      assembly.restoreLearning(latest.get().snapshot());
      stateVersion = latest.get().version();
      cursor = latest.get().position();
      savedPosition = cursor;
      LOG.info(
          "learned state version {} loaded (trained up to feedback {}, saved by {})",
          stateVersion,
          cursor,
          latest.get().savedBy());
    }
  }

  private void reload() {
    Optional<Versioned> latest = store.learnedState().latest();
    if (latest.isEmpty() || latest.get().version() == stateVersion) {
      return;
    }
    Versioned v = latest.get();
    assembly.restoreLearning(v.snapshot());
    stateVersion = v.version();
    savedPosition = v.position();
    if (v.position() >= cursor) {
      cursor = v.position();
      return;
    }
    // Our state had trained past the saved one: re-apply those entries on top of it.
    long upTo = cursor;
    long at = v.position();
    while (at < upTo) {
      List<Entry> batch = store.feedbackLog().after(at, BATCH);
      if (batch.isEmpty()) {
        break;
      }
      for (Entry e : batch) {
        if (e.id() > upTo) {
          break;
        }
        apply(e);
        at = e.id();
      }
    }
  }

  private void maybeSave() {
    long pending = cursor - savedPosition;
    if (pending <= 0) {
      return;
    }
    long now = clock.millis();
    if (pending < saveEvery && now - lastSaveMs < saveIntervalMs) {
      return;
    }
    save(now);
  }

  private void save(long now) {
    lastSaveMs = now;
    OptionalLong v =
        store.learnedState().save(stateVersion, cursor, replicaId, assembly.captureLearning());
    if (v.isPresent()) {
      stateVersion = v.getAsLong();
      savedPosition = cursor;
    } else {
      reload();
    }
  }

  /** Stops following, saves the cursor and, when it trained since, the learned state. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      synchronized (this) {
        flushOutbox();
        if (cursor > savedPosition) {
          save(clock.millis());
        }
        store.feedbackLog().saveCursor(replicaId, cursor, clock.millis());
      }
    } catch (StoreException e) {
      LOG.warn(
          "shared store unreachable at shutdown ({}); the outbox keeps what is queued",
          e.getMessage());
    }
  }
}
