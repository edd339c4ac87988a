package io.himoe.server.store;

import io.himoe.server.store.FeedbackStore.Decision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions kept for late feedback, shared so that feedback may arrive at any replica. Writes
 * are off the request path: {@link #put} queues, a background thread inserts in batches every few
 * ms; when the queue is full or the database is down, decisions are dropped (counted), since the
 * replica that made a decision still knows it locally. Rows older than the TTL are deleted.
 */
final class PostgresDecisions implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresDecisions.class);
  private static final int QUEUE = 20_000;
  private static final int BATCH = 500;
  private static final long FLUSH_MS = 10;

  private record Pending(String traceId, Decision decision, long atMs) {}

  private final DataSource ds;
  private final InstantSource clock;
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean running = true;
  private volatile Duration ttl = Duration.ofHours(1);
  private long lastPurgeMs;

  PostgresDecisions(DataSource ds, InstantSource clock) {
    this.ds = ds;
    this.clock = clock;
    this.writer = Thread.ofPlatform().daemon().name("himoe-decisions").start(this::run);
  }

  /** Sets how long decisions are kept (the engine's decision TTL). */
  void ttl(Duration ttl) {
    this.ttl = ttl;
  }

  /**
   * Queues a decision for the shared table (never blocks).
   *
   * @param traceId its trace id
   * @param decision what was decided
   */
  void put(String traceId, Decision decision) {
    if (!queue.offer(new Pending(traceId, decision, clock.millis()))) {
      dropped.incrementAndGet();
    }
  }

  /**
   * @param traceId a trace id
   * @return the decision, when some replica kept it and it has not expired
   * @throws StoreException if the database cannot be read
   */
  Optional<Decision> find(String traceId) {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT router, input, chosen FROM decision WHERE trace_id = ? AND created_at_ms"
                    + " >= ?")) {
      ps.setString(1, traceId);
      ps.setLong(2, clock.millis() - ttl.toMillis());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? FeedbackRows.decision(rs.getString(1), rs.getString(2), rs.getString(3))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read decision " + traceId + ": " + e.getMessage(), e);
    }
  }

  /**
   * @return decisions not shared because the queue was full or the database down
   */
  long dropped() {
    return dropped.get();
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(BATCH);
    while (running || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(FLUSH_MS, TimeUnit.MILLISECONDS);
        if (first != null) {
          batch.add(first);
          queue.drainTo(batch, BATCH - 1);
          write(batch);
          batch.clear();
        }
        purge();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (SQLException | RuntimeException e) {
        dropped.addAndGet(batch.size());
        batch.clear();
        LOG.debug("decisions not shared: {}", e.getMessage());
      }
    }
  }

  private void write(List<Pending> batch) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO decision(trace_id, router, input, chosen, created_at_ms)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (trace_id) DO NOTHING")) {
      for (Pending p : batch) {
        ps.setString(1, p.traceId());
        ps.setString(2, p.decision().router());
        ps.setString(3, p.decision().input());
        ps.setString(4, String.join("\n", p.decision().chosen()));
        ps.setLong(5, p.atMs());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void purge() throws SQLException {
    long now = clock.millis();
    if (now - lastPurgeMs < 60_000) {
      return;
    }
    lastPurgeMs = now;
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM decision WHERE created_at_ms < ?")) {
      ps.setLong(1, now - ttl.toMillis());
      ps.executeUpdate();
    }
  }

  /** Writes what is queued, then stops the writer. */
  @Override
  public void close() {
    running = false;
    try {
      writer.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
