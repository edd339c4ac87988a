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
 * read back on start, so a promotion survives a restart.
 */
public final class Promotions {

  private static final Logger LOG = LoggerFactory.getLogger(Promotions.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private volatile Map<String, String> replacedBy = Map.of();
  // Null when promotions are kept in memory only.
  private final @Nullable Path file;

  /** Promotions kept in memory only. */
  public Promotions() {
    this.file = null;
  }

  private Promotions(Path file, Map<String, String> loaded) {
    this.file = file;
    this.replacedBy = Map.copyOf(loaded);
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
    return new Promotions(file, loaded);
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
   */
  public synchronized void promote(String from, String to) {
    if (from.equals(to) || resolve(to).equals(from)) {
      throw new IllegalArgumentException(
          "cannot promote '" + to + "' over '" + from + "': it would route back to itself");
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
