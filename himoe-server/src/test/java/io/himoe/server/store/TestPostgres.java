package io.himoe.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for tests (zonky's embedded binaries, started on a free loopback port).
 * {@link #shared()} is one server for the whole test JVM, in which each test takes a fresh
 * database; {@link #own} is a server of the test's own, which it may stop and start again on the
 * same data directory and port (the "database restarted" tests).
 */
public final class TestPostgres implements AutoCloseable {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static TestPostgres shared;

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres pg;

  private TestPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
    start();
  }

  /**
   * @return the server shared by the tests of this JVM (stopped when the JVM exits)
   */
  public static synchronized TestPostgres shared() {
    if (shared == null) {
      shared = new TestPostgres(null, 0);
    }
    return shared;
  }

  /**
   * @param dataDir a fresh directory for its data
   * @return a server of the caller's own, to close
   */
  public static TestPostgres own(Path dataDir) {
    return new TestPostgres(dataDir, 0);
  }

  /** Starts (again) the server. */
  public synchronized void start() {
    try {
      EmbeddedPostgres.Builder b = EmbeddedPostgres.builder();
      if (dataDir != null) {
        b.setDataDirectory(dataDir).setCleanDataDirectory(false);
      }
      int p = pg == null ? port : pg.getPort();
      if (p != 0) {
        b.setPort(p);
      }
      pg = b.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the server (fast shutdown: connections are cut, as when a database goes down). */
  public synchronized void stop() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @return the server's port on 127.0.0.1
   */
  public int port() {
    return pg.getPort();
  }

  /**
   * Creates an empty database.
   *
   * @return its JDBC URL (user {@code postgres}, no password)
   */
  public String newDatabase() {
    String name = "himoe_t" + DATABASES.incrementAndGet() + "_" + ProcessHandle.current().pid();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database: " + e.getMessage(), e);
    }
    return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name;
  }

  @Override
  public void close() {
    stop();
  }
}
