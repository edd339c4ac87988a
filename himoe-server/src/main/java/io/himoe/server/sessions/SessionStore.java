package io.himoe.server.sessions;

import java.time.Duration;
import java.util.Optional;

/**
 * Where sessions are kept, by session id. {@link #inMemory} keeps them on this node (bounded, idle
 * ones expire); a shared implementation (e.g. PostgreSQL) lets any replica continue a conversation.
 */
public interface SessionStore {

  /**
   * @param id a session id
   * @return the session, when it is known and has not expired
   */
  Optional<Session> get(String id);

  /**
   * @param id a session id
   * @param session what its latest turn went to
   */
  void put(String id, Session session);

  /**
   * @param ttl how long an idle session is kept
   * @param max sessions kept at most (least recently used go first)
   * @return a store in this process's memory (Caffeine)
   */
  static SessionStore inMemory(Duration ttl, long max) {
    return new CaffeineSessionStore(ttl, max);
  }
}
