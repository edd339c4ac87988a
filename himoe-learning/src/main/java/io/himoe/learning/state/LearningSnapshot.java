package io.himoe.learning.state;

import io.himoe.learning.bandit.BanditState;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.router.BanditRouter;
import io.himoe.learning.router.HybridRouter;
import io.himoe.learning.router.NeuralRouter;
import io.himoe.learning.router.Provenance;
import io.himoe.router.PersistentRouter;
import io.himoe.router.Router;
import io.himoe.router.RouterState;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything learned that must survive a restart: neural gates and bandits by router id, each with
 * its {@link Provenance} (encoder, experts in output order, configuration hash, counts, digests),
 * and the opaque states of {@link PersistentRouter}s (router types from modules this one does not
 * know, e.g. {@code branched}).
 *
 * @param savedAt when the snapshot was taken
 * @param gates router id to its neural gate's state
 * @param bandits router id to its bandit's state
 * @param provenance router id to where its state comes from (empty for version-1 snapshots)
 * @param routerStates router id to a persistent router's own state (empty before version 3)
 */
public record LearningSnapshot(
    Instant savedAt,
    Map<String, GateState> gates,
    Map<String, BanditState> bandits,
    Map<String, Provenance> provenance,
    Map<String, RouterState> routerStates) {

  /** Validates and copies (sorted by id, so the file is stable). */
  public LearningSnapshot {
    Objects.requireNonNull(savedAt, "savedAt");
    gates = java.util.Collections.unmodifiableMap(new TreeMap<>(gates));
    bandits = java.util.Collections.unmodifiableMap(new TreeMap<>(bandits));
    provenance = java.util.Collections.unmodifiableMap(new TreeMap<>(provenance));
    routerStates = java.util.Collections.unmodifiableMap(new TreeMap<>(routerStates));
  }

  /**
   * A snapshot without persistent routers' states.
   *
   * @param savedAt when it was taken
   * @param gates neural gates by router id
   * @param bandits bandits by router id
   * @param provenance where each router's state comes from
   */
  public LearningSnapshot(
      Instant savedAt,
      Map<String, GateState> gates,
      Map<String, BanditState> bandits,
      Map<String, Provenance> provenance) {
    this(savedAt, gates, bandits, provenance, Map.of());
  }

  /**
   * A snapshot without provenance.
   *
   * @param savedAt when it was taken
   * @param gates neural gates by router id
   * @param bandits bandits by router id
   */
  public LearningSnapshot(
      Instant savedAt, Map<String, GateState> gates, Map<String, BanditState> bandits) {
    this(savedAt, gates, bandits, Map.of(), Map.of());
  }

  /**
   * Captures the learned state of the learning routers among {@code routers} (neural, bandit,
   * hybrid through their inner router, and any {@link PersistentRouter}); other routers are
   * skipped.
   *
   * @param at the time to record
   * @param routers routers of an orchestrator
   * @return the snapshot
   */
  public static LearningSnapshot capture(Instant at, Collection<? extends Router> routers) {
    Map<String, GateState> gates = new TreeMap<>();
    Map<String, BanditState> bandits = new TreeMap<>();
    Map<String, Provenance> provenance = new TreeMap<>();
    Map<String, RouterState> states = new TreeMap<>();
    for (Router r : routers) {
      Router learner = r instanceof HybridRouter h ? h.inner() : r;
      switch (learner) {
        case NeuralRouter n -> {
          // A gate not created yet has learned nothing: nothing to save. Asked, not inferred from
          // an IllegalStateException, which from a real fault would drop the gate without a word.
          if (n.createdGate().isPresent()) {
            // The provenance names the outputs: taken with the state, under the router's lock.
            var saved = n.snapshot();
            gates.put(r.id(), saved.state());
            provenance.put(r.id(), saved.provenance());
          }
        }
        case BanditRouter b -> {
          var saved = b.snapshot();
          bandits.put(r.id(), saved.state());
          provenance.put(r.id(), saved.provenance());
        }
        case PersistentRouter p -> states.put(r.id(), p.saveState());
        default -> {}
      }
    }
    return new LearningSnapshot(at, gates, bandits, provenance, states);
  }
}
