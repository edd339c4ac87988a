package io.himoe.server.http;

import io.himoe.server.config.HimoeConfig;
import java.util.Optional;

/**
 * Who sent a request: the alias of the API key it carried (never the key), whether that key is an
 * admin key, and the key's limits.
 *
 * @param alias the key's alias, or empty for a request without a key
 * @param admin whether the key may administer experts and judge any decision
 * @param key the key's configuration (its limits), when it has one
 */
record Caller(Optional<String> alias, boolean admin, Optional<HimoeConfig.Key> key) {

  /** A request without a key. */
  static final Caller ANONYMOUS = new Caller(Optional.empty(), false, Optional.empty());

  /** The request attribute a handler finds the caller under. */
  static final String ATTRIBUTE = "himoe.caller";

  /**
   * @return the alias, or {@code anonymous}
   */
  String label() {
    return alias.orElse("anonymous");
  }

  /**
   * @param owner the alias of the key a decision was made under (empty: made without a key)
   * @return whether this caller may read or judge that decision
   */
  boolean mayAccess(Optional<String> owner) {
    return admin || owner.isEmpty() || owner.equals(alias);
  }
}
