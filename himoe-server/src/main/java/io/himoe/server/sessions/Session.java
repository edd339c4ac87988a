package io.himoe.server.sessions;

import java.util.Objects;

/**
 * What a conversation's previous turn went to.
 *
 * @param expert the expert that answered it
 * @param router the router that handled it
 * @param turns how many turns the session has had
 * @param updatedAtMs when it was last answered (epoch ms)
 */
public record Session(String expert, String router, long turns, long updatedAtMs) {
  /** Validates. */
  public Session {
    Objects.requireNonNull(expert, "expert");
    Objects.requireNonNull(router, "router");
  }
}
