package io.himoe.server.store;

import io.himoe.server.loop.Promotions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The routers' promotions in PostgreSQL ({@code router_promotion}, one row per demoted router), one
 * place for every replica: a promotion is one transaction (the promoted router stops being
 * replaced, the demoted one is replaced by it), and each replica reads the table every second
 * ({@link SharedStore#sharePromotions}).
 */
final class PostgresPromotions implements Promotions.Shared {

  private final DataSource ds;
  private final String replicaId;
  private final InstantSource clock;

  PostgresPromotions(DataSource ds, String replicaId, InstantSource clock) {
    this.ds = ds;
    this.replicaId = replicaId;
    this.clock = clock;
  }

  @Override
  public Map<String, String> read() {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT from_router, to_router FROM router_promotion ORDER BY promoted_at_ms");
        ResultSet rs = ps.executeQuery()) {
      Map<String, String> out = new LinkedHashMap<>();
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("promotions not read: " + e.getMessage(), e);
    }
  }

  @Override
  public void promote(String from, String to) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement unreplace =
              c.prepareStatement("DELETE FROM router_promotion WHERE from_router = ?");
          PreparedStatement put =
              c.prepareStatement(
                  "INSERT INTO router_promotion(from_router, to_router, promoted_by,"
                      + " promoted_at_ms) VALUES (?, ?, ?, ?) ON CONFLICT (from_router) DO UPDATE"
                      + " SET to_router = EXCLUDED.to_router, promoted_by ="
                      + " EXCLUDED.promoted_by, promoted_at_ms = EXCLUDED.promoted_at_ms")) {
        unreplace.setString(1, to);
        unreplace.executeUpdate();
        put.setString(1, from);
        put.setString(2, to);
        put.setString(3, replicaId);
        put.setLong(4, clock.millis());
        put.executeUpdate();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException(
          "promotion of '" + to + "' over '" + from + "' not saved: " + e.getMessage(), e);
    }
  }
}
