package io.himoe.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.server.sessions.Session;
import io.himoe.server.sessions.SessionStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Conversation sessions in PostgreSQL, shared by every replica, so a conversation's next turn may
 * land on any of them. A session is a JSON row forgotten after {@code ttl} without use (a read
 * extends it, as the in-memory store's expire-after-access does). Sessions are also kept in this
 * process ({@code local}): while the database is down they answer, so a conversation stays sticky
 * on the replica that last served it. Expired rows are deleted by {@link SharedStore}'s purge.
 */
final class PostgresSessionStore implements SessionStore {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DatabaseGuard guard;
  private final SessionStore local;
  private final Duration ttl;
  private final InstantSource clock;

  PostgresSessionStore(DatabaseGuard guard, SessionStore local, Duration ttl, InstantSource clock) {
    this.guard = guard;
    this.local = local;
    this.ttl = ttl;
    this.clock = clock;
  }

  @Override
  public Optional<Session> get(String id) {
    long now = clock.millis();
    return guard.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE chat_session SET expires_at_ms = ? WHERE id = ? AND expires_at_ms > ?"
                      + " RETURNING body")) {
            ps.setLong(1, now + ttl.toMillis());
            ps.setString(2, id);
            ps.setLong(3, now);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(read(id, rs.getString(1))) : Optional.empty();
            }
          }
        },
        () -> local.get(id));
  }

  @Override
  public void put(String id, Session session) {
    local.put(id, session);
    String body = write(session);
    long now = clock.millis();
    guard.call(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO chat_session(id, body, expires_at_ms) VALUES (?, ?::jsonb, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body,"
                      + " expires_at_ms = EXCLUDED.expires_at_ms")) {
            ps.setString(1, id);
            ps.setString(2, body);
            ps.setLong(3, now + ttl.toMillis());
            return ps.executeUpdate();
          }
        },
        () -> 0);
  }

  private static Session read(String id, String body) throws SQLException {
    try {
      return JSON.readValue(body, Session.class);
    } catch (JsonProcessingException e) {
      throw new SQLException("session " + id + " is not a stored session: " + e.getMessage(), e);
    }
  }

  private static String write(Session s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a session record did not serialise", e);
    }
  }
}
