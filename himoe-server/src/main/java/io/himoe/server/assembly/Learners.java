package io.himoe.server.assembly;

import io.himoe.learning.bandit.BanditState;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.router.BanditRouter;
import io.himoe.learning.router.FeedbackReplay;
import io.himoe.learning.router.HybridRouter;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.learning.router.Provenance;
import io.himoe.learning.router.ReplayEvent;
import io.himoe.learning.state.LearningSnapshot;
import io.himoe.learning.state.SnapshotStore;
import io.himoe.router.PersistentRouter;
import io.himoe.router.Router;
import io.himoe.router.RouterState;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The routers of an assembly and what they learned: the learning snapshot they start from ({@code
 * learning.snapshot_path}), offline replay of stored feedback, and saving.
 */
final class Learners {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Learners.class);

  private final List<Router> routers = new ArrayList<>();
  private final Optional<SnapshotStore> store;
  private final Optional<LearningSnapshot> snapshot;

  /**
   * @param snapshotPath where learned state is saved, or {@code null} for nowhere
   * @param restore whether the routers start from the saved snapshot (false: from the
   *     configuration, the snapshot being overwritten on save)
   */
  Learners(@Nullable String snapshotPath, boolean restore) {
    this.store =
        snapshotPath == null
            ? Optional.empty()
            : Optional.of(SnapshotStore.of(Path.of(snapshotPath)));
    // A corrupt snapshot is refused with a clear error rather than silently replaced.
    this.snapshot = restore ? store.flatMap(SnapshotStore::load) : Optional.empty();
  }

  /**
   * @return when the snapshot the routers started from was saved, if they started from one
   */
  Optional<java.time.Instant> restoredFrom() {
    return snapshot.map(LearningSnapshot::savedAt);
  }

  void add(Router r) {
    routers.add(r);
  }

  /**
   * @return the routers (unwrapped), whose state is saved
   */
  List<Router> routers() {
    return List.copyOf(routers);
  }

  Optional<SnapshotStore> store() {
    return store;
  }

  /**
   * @param routerId a router
   * @return its saved gate, if the snapshot has one
   */
  Optional<GateState> savedGate(String routerId) {
    return snapshot.map(s -> s.gates().get(routerId));
  }

  /**
   * @param routerId a router
   * @return the provenance of its saved state (its experts in output order), if the snapshot has
   *     one
   */
  Optional<Provenance> savedProvenance(String routerId) {
    return snapshot.map(s -> s.provenance().get(routerId));
  }

  /**
   * @param routerId a router
   * @return its saved bandit, if the snapshot has one
   */
  Optional<BanditState> savedBandit(String routerId) {
    return snapshot.map(s -> s.bandits().get(routerId));
  }

  /**
   * @param routerId a router
   * @return the saved state of a persistent router (a provided type, e.g. {@code branched}), if the
   *     snapshot has one
   */
  Optional<RouterState> savedState(String routerId) {
    return snapshot.map(s -> s.routerStates().get(routerId));
  }

  /**
   * Gives a persistent router the state the snapshot saved for it, if any; a state that no longer
   * fits (other experts, another encoder) is left aside with a warning and the router keeps what it
   * was built with.
   *
   * @param router a router just built
   * @return whether saved state was restored
   */
  boolean restoreSaved(PersistentRouter router) {
    Optional<RouterState> saved = savedState(router.id());
    if (saved.isEmpty()) {
      return false;
    }
    try {
      router.restoreState(saved.get());
      return true;
    } catch (IllegalArgumentException stale) {
      LOG.warn(
          "router '{}': learned state in the snapshot does not fit this configuration ({});"
              + " starting from the examples",
          router.id(),
          stale.getMessage());
      return false;
    }
  }

  /**
   * Retrains a learning router from stored feedback events.
   *
   * @param routerId a router
   * @param known every router id, for the message
   * @param events the events, oldest first
   * @param passes passes over them, at least 1
   * @return the number of feedbacks given
   * @throws IllegalArgumentException if the router is unknown or does not learn
   */
  long replay(
      String routerId,
      List<String> known,
      List<ReplayEvent> events,
      int passes,
      java.util.function.LongConsumer progress) {
    Router r =
        routers.stream()
            .filter(l -> l.id().equals(routerId))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "router '"
                            + routerId
                            + "' is not a router of this configuration (known: "
                            + String.join(", ", known)
                            + ")"));
    if (!(r instanceof NeuralRouter
        || r instanceof BanditRouter
        || r instanceof HybridRouter
        || r instanceof PersistentRouter)) {
      throw new IllegalArgumentException(
          "router '"
              + routerId
              + "' keeps no learned state in snapshots (only neural, hybrid and bandit routers"
              + " do): nothing to replay into");
    }
    return FeedbackReplay.replay(r, events, passes, progress);
  }

  /**
   * @param clock the time recorded in the snapshot
   * @return what the routers have learned so far
   */
  LearningSnapshot capture(InstantSource clock) {
    return LearningSnapshot.capture(clock.instant(), routers);
  }

  /**
   * Loads saved learned state into the live routers; routers absent from it keep theirs, and a
   * router whose saved state no longer fits its experts keeps its own, with a warning.
   *
   * @param saved the learned state
   */
  void restore(LearningSnapshot saved) {
    for (Router r : routers) {
      Router learner = r instanceof HybridRouter h ? h.inner() : r;
      try {
        switch (learner) {
          case NeuralRouter n -> {
            GateState g = saved.gates().get(r.id());
            Provenance p = saved.provenance().get(r.id());
            if (g != null && p != null) {
              n.restore(g, p);
            } else if (g != null) {
              n.restore(g);
            }
          }
          case BanditRouter b -> {
            BanditState st = saved.bandits().get(r.id());
            Provenance p = saved.provenance().get(r.id());
            if (st != null && p != null) {
              b.restore(st, p);
            } else if (st != null) {
              b.restore(st);
            }
          }
          case PersistentRouter p -> {
            RouterState st = saved.routerStates().get(r.id());
            if (st != null) {
              p.restoreState(st);
            }
          }
          default -> {}
        }
      } catch (IllegalArgumentException stale) {
        LOG.warn("router '{}': saved learned state does not fit ({})", r.id(), stale.getMessage());
      }
    }
  }

  /**
   * Saves the learned state when a snapshot path is set.
   *
   * @param clock the time recorded in the snapshot
   */
  void save(InstantSource clock) {
    store.ifPresent(s -> s.save(LearningSnapshot.capture(clock.instant(), routers)));
  }
}
