package io.himoe.server.store;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.server.store.FeedbackStore.Entry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning across replicas that share a PostgreSQL store: the feedback intake of a replica and the
 * parts that keep it in step with the others.
 *
 * <ul>
 *   <li><b>Intake</b>: a feedback received here is appended to the shared log (or, while the
 *       database is unreachable, to a durable local outbox replayed in order when it is back); it
 *       does not train here directly.
 *   <li><b>Follower</b> ({@link LogFollower}): trains this replica on every log entry exactly once
 *       and keeps its learned state in step with the shared snapshots.
 *   <li><b>Decisions</b> ({@link DecisionSharing}): each answered decision is shared, so feedback
 *       may be sent to any replica.
 * </ul>
 *
 * When the database is down, the replica keeps serving from the state it has, and {@link #health()}
 * says so.
 */
public final class SharedLearning implements FeedbackIntake, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SharedLearning.class);
  private static final int DECISION_LOOKUPS = 20;
  private static final long DECISION_RETRY_MS = 5;

  private final Assembly assembly;
  private final SharedStore store;
  private final FeedbackOutbox outbox;
  private final LogFollower follower;
  private final Notifications notifications;

  private SharedLearning(
      Assembly assembly,
      SharedStore store,
      String replicaId,
      Path outboxFile,
      InstantSource clock) {
    this.assembly = assembly;
    this.store = store;
    this.outbox = FeedbackOutbox.open(outboxFile);
    store.decisions().ttl(java.time.Duration.ofHours(1));
    this.follower = new LogFollower(assembly, store, replicaId, outbox, clock, 50, 5_000, 1_000);
    assembly.engine().addListener(new DecisionSharing(store.decisions()));
    this.notifications = new Notifications(store, follower::signal);
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
        clock);
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
      follower.markUp();
      return d;
    } catch (StoreException e) {
      follower.markDown();
      throw e;
    }
  }

  @Override
  public Receipt accept(
      String traceId,
      OptionalDouble reward,
      Optional<String> bestExpert,
      Optional<String> notes,
      Optional<String> expected,
      long receivedAtMs,
      Optional<Decision> judged) {
    Optional<Decision> decision = judged;
    if (decision.isEmpty() && follower.up()) {
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
            decision,
            expected.orElse(null));
    // While older feedback waits in the outbox, newer feedback queues behind it (per-replica
    // order is kept).
    if (follower.up() && follower.queued() == 0) {
      try {
        Entry stored = store.feedbackLog().append(eventId, e);
        return new Receipt(OptionalLong.of(stored.id()), false);
      } catch (StoreException down) {
        follower.markDown();
        LOG.warn(
            "shared store unreachable ({}); queueing feedback on local disk", down.getMessage());
      }
    }
    outbox.add(eventId, e);
    follower.queuedNow(outbox.size());
    follower.signal("outbox");
    return new Receipt(OptionalLong.empty(), true);
  }

  @Override
  public StoreHealth health() {
    return new StoreHealth(
        "postgres",
        follower.up() && store.upOnRequestPath(),
        follower.queued(),
        follower.cursor(),
        follower.stateVersion());
  }

  /**
   * @return the feedback log id up to which this replica has trained
   */
  public long position() {
    return follower.cursor();
  }

  /** Stops following (saving the cursor and the state), then closes the outbox. */
  @Override
  public void close() {
    notifications.close();
    follower.close();
    outbox.close();
  }
}
