package io.himoe.server.sessions;

import java.util.Optional;

/**
 * One request's session, as routing sees it: the session it continues (if known), whether the
 * expert must not change (the conversation ends with tool results for that expert's calls), and
 * what routing decided and why — written by the session router, read back by the gateway for the
 * reply and the trace. Kept in the request's context memory under {@link #KEY}.
 */
public final class SessionHint {

  /** The request-memory key of the hint. */
  public static final String KEY = "himoe.session";

  private final String id;
  private final Optional<Session> previous;
  private final boolean pinned;
  private volatile String decision = "new";
  private volatile String reason = "no earlier turn of this conversation is known";

  /**
   * @param id the session id
   * @param previous what the previous turn went to, when known
   * @param pinned whether the session's expert must answer (pending tool results)
   */
  public SessionHint(String id, Optional<Session> previous, boolean pinned) {
    this.id = id;
    this.previous = previous;
    this.pinned = pinned;
    if (previous.isPresent()) {
      decision = "kept";
      reason = "the router did not apply sessions";
    }
  }

  /**
   * @return the session id
   */
  public String id() {
    return id;
  }

  /**
   * @return what the previous turn went to
   */
  public Optional<Session> previous() {
    return previous;
  }

  /**
   * @return whether the session's expert must answer this turn
   */
  public boolean pinned() {
    return pinned;
  }

  /**
   * Records what routing decided.
   *
   * @param decision {@code stayed}, {@code moved} or {@code new}
   * @param reason why, with the weights compared
   */
  public void decide(String decision, String reason) {
    this.decision = decision;
    this.reason = reason;
  }

  /**
   * @return {@code stayed}, {@code moved} or {@code new}
   */
  public String decision() {
    return decision;
  }

  /**
   * @return why the session stayed or moved
   */
  public String reason() {
    return reason;
  }
}
