package io.himoe.server.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.shared.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routers promoted in place of others: requests the orchestrator sends to a demoted router go to
 * the router that replaced it, and the demoted router runs as a shadow of its replacement. Set by a
 * shadow that wins significantly (when promotion is on) or by an experiment's promote action.
 * Thread-safe; reads are a lookup in an immutable map.
 *
 * <p>Kept in memory ({@link #Promotions()}) or also in a file ({@link #savedIn}): {@code
 * {"schema":1,"replaced_by":{"main":"candidate"}}}, written atomically after every promotion and
 * read back on start, so a promotion survives a restart. Replicas behind a load balancer share them
 * through a {@link Shared} store ({@link #shareIn}): a promotion made on one replica is written
 * there, and every replica adopts what the store holds when it {@link #refresh}es.
 */
public final class Promotions {

  private static final Logger LOG = LoggerFactory.getLogger(Promotions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Promotions kept in one place for several replicas (e.g. a table in a shared database). */
  public interface Shared {
    /**
     * @return every promotion in force: demoted router to its replacement
     * @throws RuntimeException when the store cannot be read
     */
    Map<String, String> read();

    /**
     * Records that {@code to} replaced {@code from} (and that {@code to} itself is no longer
     * replaced), atomically.
     *
     * @param from the router demoted
     * @param to the router promoted
     * @throws RuntimeException when the store cannot be written
     */
    void promote(String from, String to);
  }

  private volatile Map<String, String> replacedBy = Map.of();
  // Null when promotions are kept in memory only.
  private final @Nullable Path file;
  // Null when any router may be named (promotions kept in memory only).
  private final @Nullable Set<String> routers;
  // Null until shareIn.
  private volatile @Nullable Shared shared;

  /** Promotions kept in memory only. */
  public Promotions() {
    this.file = null;
    this.routers = null;
  }

  private Promotions(@Nullable Path file, Map<String, String> loaded, Set<String> routers) {
    this.file = file;
    this.replacedBy = Map.copyOf(loaded);
    this.routers = Set.copyOf(routers);
  }

  /**
   * Promotions kept in memory, which {@link #shareIn} may share with other replicas.
   *
   * @param routers the configured routers' ids (a shared promotion naming others is ignored)
   * @return the promotions (call {@link #shareIn} to connect them)
   */
  public static Promotions of(Set<String> routers) {
    return new Promotions(null, Map.of(), routers);
  }

  /**
   * Shares the promotions with other replicas from now on: what this process holds (from its file)
   * and the store does not yet is written there, then the store's promotions are adopted.
   *
   * @param store where the replicas keep them
   * @throws RuntimeException when the store cannot be reached
   */
  public synchronized void shareIn(Shared store) {
    Map<String, String> there = store.read();
    for (Map.Entry<String, String> e : replacedBy.entrySet()) {
      if (!there.containsKey(e.getKey())) {
        store.promote(e.getKey(), e.getValue());
      }
    }
    this.shared = store;
    refresh();
  }

  /**
   * Adopts the promotions of the shared store (nothing without one); a store that cannot be read
   * leaves the promotions as they are.
   */
  public synchronized void refresh() {
    // Under the lock: a read that began before a promotion of this replica's must not undo it.
    Shared s = shared;
    if (s == null) {
      return;
    }
    Map<String, String> read;
    try {
      read = s.read();
    } catch (RuntimeException e) {
      LOG.debug("shared promotions not read (kept as they are): {}", e.getMessage());
      return;
    }
    Map<String, String> kept = new LinkedHashMap<>();
    read.forEach(
        (from, to) -> {
          if (routers == null || (routers.contains(from) && routers.contains(to))) {
            kept.put(from, to);
          }
        });
    if (!kept.equals(replacedBy)) {
      LOG.info("promotions adopted from the shared store: {}", kept);
      replacedBy = Map.copyOf(kept);
      save(kept);
    }
  }

  /**
   * Promotions saved in {@code file}, starting from what it holds (nothing when it does not exist).
   * A saved promotion naming a router that is no longer configured is dropped, with a warning.
   *
   * @param file the file (e.g. beside the learned-state snapshot)
   * @param routers the configured routers' ids
   * @return the promotions
   * @throws UncheckedIOException naming the file when it cannot be read or is not a promotions file
   *     (it is left untouched)
   */
  public static Promotions savedIn(Path file, Set<String> routers) {
    Map<String, String> loaded = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try {
        JsonNode root = JSON.readTree(Files.readAllBytes(file));
        if (root == null
            || root.path("schema").asInt() != 1
            || !root.path("replaced_by").isObject()) {
          throw new IOException("not a schema-1 promotions file");
        }
        for (var e : root.get("replaced_by").properties()) {
          String to = e.getValue().asText("");
          if (routers.contains(e.getKey()) && routers.contains(to) && !to.equals(e.getKey())) {
            loaded.put(e.getKey(), to);
          } else {
            LOG.warn(
                "{}: promotion of '{}' over '{}' dropped: not both configured routers",
                file,
                to,
                e.getKey());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "promotions file " + file + ": " + e.getMessage() + " (fix or delete it)", e);
      }
    }
    if (!loaded.isEmpty()) {
      LOG.info("promotions restored from {}: {}", file, loaded);
    }
    return new Promotions(file, loaded, routers);
  }

  /**
   * @param router the router the orchestrator chose
   * @return the router that serves its requests now (itself unless it was demoted)
   */
  public String resolve(String router) {
    Map<String, String> m = replacedBy;
    String r = router;
    // Chains (a -> b, b -> c) resolve to the last; a cycle cannot form (see promote).
    for (int i = 0; i <= m.size() && m.containsKey(r); i++) {
      r = m.get(r);
    }
    return r;
  }

  /**
   * @param primary a router serving requests
   * @return the routers demoted in its favour (they become its shadows)
   */
  public List<String> demotedFor(String primary) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : replacedBy.entrySet()) {
      if (resolve(e.getValue()).equals(primary)) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Sends the requests of {@code from} to {@code to} from now on.
   *
   * @param from the router demoted
   * @param to the router promoted
   * @throws IllegalArgumentException if they are the same, or {@code to} was itself replaced by
   *     {@code from}
   * @throws RuntimeException when shared and the shared store cannot be written (nothing changes)
   */
  public synchronized void promote(String from, String to) {
    if (from.equals(to) || resolve(to).equals(from)) {
      throw new IllegalArgumentException(
          "cannot promote '" + to + "' over '" + from + "': it would route back to itself");
    }
    Shared s = shared;
    if (s != null) {
      // The shared store first: a promotion only this replica knew would be undone by its next
      // refresh.
      s.promote(from, to);
    }
    Map<String, String> next = new LinkedHashMap<>(replacedBy);
    next.remove(to);
    next.put(from, to);
    replacedBy = Map.copyOf(next);
    save(next);
  }

  /** Writes the promotions when they are kept in a file; a failed write is logged, not thrown. */
  private void save(Map<String, String> promotions) {
    if (file == null) {
      return;
    }
    ObjectNode root = JSON.createObjectNode().put("schema", 1);
    ObjectNode m = root.putObject("replaced_by");
    promotions.forEach(m::put);
    try {
      AtomicFiles.write(file, JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      LOG.warn("promotions not saved to {} (kept in memory): {}", file, e.toString());
    }
  }

  /**
   * @return demoted router to its replacement
   */
  public Map<String, String> current() {
    return replacedBy;
  }
}
