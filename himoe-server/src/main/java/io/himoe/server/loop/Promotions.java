package io.himoe.server.loop;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Routers promoted in place of others: requests the orchestrator sends to a demoted router go to
 * the router that replaced it, and the demoted router runs as a shadow of its replacement. Set by a
 * shadow that wins significantly (when promotion is on) or by an experiment's promote action.
 * Thread-safe; reads are a lookup in an immutable map.
 */
public final class Promotions {

  private volatile Map<String, String> replacedBy = Map.of();

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
  }

  /**
   * @return demoted router to its replacement
   */
  public Map<String, String> current() {
    return replacedBy;
  }
}
