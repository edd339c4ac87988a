package io.himoe.server.sessions;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/** Sessions in a bounded Caffeine cache: idle ones expire, the least recently used go first. */
final class CaffeineSessionStore implements SessionStore {

  private final Cache<String, Session> cache;

  CaffeineSessionStore(Duration ttl, long max) {
    this.cache = Caffeine.newBuilder().expireAfterAccess(ttl).maximumSize(max).build();
  }

  @Override
  public Optional<Session> get(String id) {
    return Optional.ofNullable(cache.getIfPresent(id));
  }

  @Override
  public void put(String id, Session session) {
    cache.put(id, session);
  }
}
