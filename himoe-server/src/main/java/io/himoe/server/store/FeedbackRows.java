package io.himoe.server.store;

import io.himoe.server.store.FeedbackStore.Decision;
import io.himoe.server.store.FeedbackStore.Entry;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The columns of a feedback row, the same in SQLite, PostgreSQL and the local outbox: {@code id,
 * trace_id, reward, best_expert, notes, received_at_ms, router, input, chosen, expected}.
 */
final class FeedbackRows {

  private FeedbackRows() {}

  /** Reads every row of {@code rs} as an entry. */
  static List<Entry> entries(ResultSet rs) throws SQLException {
    List<Entry> out = new ArrayList<>();
    while (rs.next()) {
      out.add(entry(rs));
    }
    return out;
  }

  /** Reads the current row of {@code rs}. */
  static Entry entry(ResultSet rs) throws SQLException {
    double r = rs.getDouble("reward");
    OptionalDouble reward = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(r);
    return new Entry(
        rs.getLong("id"),
        rs.getString("trace_id"),
        reward,
        rs.getString("best_expert"),
        rs.getString("notes"),
        rs.getLong("received_at_ms"),
        decision(rs.getString("router"), rs.getString("input"), rs.getString("chosen")),
        rs.getString("expected"));
  }

  static Optional<Decision> decision(String router, String input, String chosen) {
    if (router == null || input == null) {
      return Optional.empty();
    }
    return Optional.of(
        new Decision(
            router,
            input,
            chosen == null || chosen.isEmpty() ? List.of() : List.of(chosen.split("\n"))));
  }

  /**
   * Sets {@code trace_id, reward, best_expert, notes, received_at_ms, router, input, chosen,
   * expected} from parameter {@code first} on.
   */
  static void bind(PreparedStatement ps, int first, Entry e) throws SQLException {
    ps.setString(first, e.traceId());
    if (e.reward().isPresent()) {
      ps.setDouble(first + 1, e.reward().getAsDouble());
    } else {
      ps.setNull(first + 1, Types.DOUBLE);
    }
    ps.setString(first + 2, e.bestExpert());
    ps.setString(first + 3, e.notes());
    ps.setLong(first + 4, e.receivedAtMs());
    ps.setString(first + 5, e.decision().map(Decision::router).orElse(null));
    ps.setString(first + 6, e.decision().map(Decision::input).orElse(null));
    // Expert names cannot contain a newline (config and API refuse blank names; newline-joined
    // lists stay unambiguous for names with commas).
    ps.setString(first + 7, e.decision().map(d -> String.join("\n", d.chosen())).orElse(null));
    ps.setString(first + 8, e.expected());
  }
}
