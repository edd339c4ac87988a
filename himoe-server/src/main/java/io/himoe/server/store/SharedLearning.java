package io.himoe.server.store;

import io.himoe.engine.Answer;
import io.himoe.engine.EngineEvent;
import io.himoe.engine.EngineListener;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.Feedback;
import io.himoe.learning.router.ReplayEvent;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.FeedbackOutbox.Queued;
import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.server.store.FeedbackStore.Entry;
import io.himoe.server.store.PostgresLearnedState.Versioned;
import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning across replicas that share a PostgreSQL store.
 *
 * <ul>
 *   <li><b>Intake</b>: a feedback received here is appended to the shared log (or, while the
 *       database is unreachable, to a durable local outbox replayed in order when it is back); it
 *       does not train here directly.
 *   <li><b>Follower</b>: one thread trains this replica's routers on every log entry after its
 *       cursor, in log order, exactly once, woken by LISTEN/NOTIFY (and a poll every second in case
 *       a notification was lost). A decision made here trains through the engine, as on one
 *       replica; a decision made elsewhere is replayed from the stored input and chosen experts.
 *   <li><b>Learned state</b>: every {@code saveEvery} entries (or {@code saveIntervalMs} after the
 *       latest save) the state is saved as a new version, conditionally on the version it descends
 *       from. A replica that loses that race, or is notified of another's save, reloads the saved
 *       state and re-applies the entries it had trained on past the saved position, so that each
 *       entry counts once in the state it serves.
 * </ul>
 *
 * When the database is down, the replica keeps serving from the state it has, and {@link #health()}
 * says so.
 */
public final class SharedLearning implements FeedbackIntake, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SharedLearning.class);
  private static final int BATCH = 500;
  private static final int DECISION_LOOKUPS = 20;
  private static final long DECISION_RETRY_MS = 5;

  private final Assembly assembly;
  private final SharedStore store;
  private final String replicaId;
  private final FeedbackOutbox outbox;
  private final InstantSource clock;
  private final int saveEvery;
  private final long saveIntervalMs;
  private final long pollMs;
  private final BlockingQueue<String> signals = new LinkedBlockingQueue<>();
  private final Thread follower;
  private final Notifications notifications;
  private volatile boolean running = true;
  private volatile boolean up = true;
  private volatile long queued;
  // Owned by the follower thread (read by health()).
  private volatile long cursor;
  private volatile long stateVersion;
  private long savedPosition;
  private long lastSaveMs;

  private SharedLearning(
      Assembly assembly,
      SharedStore store,
      String replicaId,
      Path outboxFile,
      InstantSource clock,
      int saveEvery,
      long saveIntervalMs,
      long pollMs) {
    this.assembly = assembly;
    this.store = store;
    this.replicaId = replicaId;
    this.clock = clock;
    this.saveEvery = saveEvery;
    this.saveIntervalMs = saveIntervalMs;
    this.pollMs = pollMs;
    this.outbox = FeedbackOutbox.open(outboxFile);
    this.queued = outbox.size();
    store.decisions().ttl(java.time.Duration.ofHours(1));
    loadLatest();
    this.lastSaveMs = clock.millis();
    assembly.engine().addListener(new DecisionSharing());
    this.follower = Thread.ofPlatform().daemon().name("himoe-follower").start(this::run);
    this.notifications = new Notifications(store, signals::offer);
  }

  /**
   * Loads the latest shared learned state into the assembly's routers and starts following the
   * shared log.
   *
   * @param assembly this replica's engine and routers
   * @param store the shared store
   * @param replicaId this replica's name (its cursor in the store)
   * @param outboxFile where feedback waits while the database is down
   * @param clock timestamps
   * @return the running follower, which is also the feedback intake
   */
  public static SharedLearning start(
      Assembly assembly,
      SharedStore store,
      String replicaId,
      Path outboxFile,
      InstantSource clock) {
    return new SharedLearning(
        Objects.requireNonNull(assembly, "assembly"),
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(replicaId, "replicaId"),
        outboxFile,
        clock,
        50,
        5_000,
        1_000);
  }

  // ---- intake ----

  @Override
  public boolean knows(String traceId) {
    if (assembly.engine().knows(traceId)) {
      return true;
    }
    // The replica that decided shares its decisions in batches every few ms: feedback sent at
    // once to another replica may arrive first, so look again briefly before saying "unknown".
    for (int attempt = 0; ; attempt++) {
      if (sharedDecision(traceId).isPresent()) {
        return true;
      }
      if (attempt == DECISION_LOOKUPS) {
        return false;
      }
      try {
        Thread.sleep(DECISION_RETRY_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  private Optional<Decision> sharedDecision(String traceId) {
    try {
      Optional<Decision> d = store.decisions().find(traceId);
      up = true;
      return d;
    } catch (StoreException e) {
      up = false;
      throw e;
    }
  }

  @Override
  public Receipt accept(
      String traceId,
      OptionalDouble reward,
      Optional<String> bestExpert,
      Optional<String> notes,
      long receivedAtMs,
      Optional<Decision> judged) {
    Optional<Decision> decision = judged;
    if (decision.isEmpty() && up) {
      try {
        decision = sharedDecision(traceId);
      } catch (StoreException down) {
        // The log entry goes to the outbox without the decision's details.
      }
    }
    UUID eventId = UUID.randomUUID();
    Entry e =
        new Entry(
            0,
            traceId,
            reward,
            bestExpert.orElse(null),
            notes.orElse(null),
            receivedAtMs,
            decision);
    // While older feedback waits in the outbox, newer feedback queues behind it (per-replica
    // order is kept).
    if (up && queued == 0) {
      try {
        Entry stored = store.feedbackLog().append(eventId, e);
        return new Receipt(OptionalLong.of(stored.id()), false);
      } catch (StoreException down) {
        up = false;
        LOG.warn(
            "shared store unreachable ({}); queueing feedback on local disk", down.getMessage());
      }
    }
    outbox.add(eventId, e);
    queued = outbox.size();
    signals.offer("outbox");
    return new Receipt(OptionalLong.empty(), true);
  }

  @Override
  public StoreHealth health() {
    return new StoreHealth("postgres", up, queued, cursor, stateVersion);
  }

  /**
   * @return the feedback log id up to which this replica has trained
   */
  public long position() {
    return cursor;
  }

  // ---- follower ----

  private void run() {
    while (running) {
      try {
        String s = signals.poll(pollMs, TimeUnit.MILLISECONDS);
        signals.clear();
        step(s != null && s.equals(SharedStore.STATE_CHANNEL));
        up = true;
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
    if (e.reward().isEmpty() && best.isEmpty()) {
      return;
    }
    if (assembly.engine().knows(e.traceId())) {
      try {
        assembly
            .engine()
            .feedback(new Feedback(e.traceId(), e.reward(), best, Optional.ofNullable(e.notes())));
        return;
      } catch (MoeError.UnknownTrace expired) {
        // Expired meanwhile: replay it from the stored decision below.
      } catch (MoeError.InvalidInput wrongExpert) {
        LOG.debug("feedback {} not applied: {}", e.id(), wrongExpert.getMessage());
        return;
      }
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

  // ---- learned state ----

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

  /** Records each answered decision in the shared table, for feedback arriving elsewhere. */
  private final class DecisionSharing implements EngineListener {
    @Override
    public void on(EngineEvent event) {
      if (event instanceof EngineEvent.Answered(InputData input, Answer answer)) {
        answered(input, answer);
      }
    }

    private void answered(InputData input, Answer answer) {
      if (answer.trace().stages().isEmpty()) {
        return;
      }
      store
          .decisions()
          .put(
              answer.traceId(),
              new Decision(
                  answer.trace().routerId(),
                  input.asText().orElse(input.toText()),
                  answer.trace().stages().getFirst().experts().stream()
                      .filter(x -> x.status() != ExpertStatus.NOT_PICKED)
                      .map(ExpertTrace::name)
                      .toList()));
    }
  }

  /** Stops following, saves the cursor and, when it trained since, the learned state. */
  @Override
  public void close() {
    running = false;
    notifications.close();
    try {
      follower.join(5_000);
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
    outbox.close();
  }
}
