package io.himoe.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.limits.LimitStore;
import io.himoe.server.loop.Assignments;
import io.himoe.server.loop.Promotions;
import io.himoe.server.sessions.SessionStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL database that several replicas share ({@code store.kind: postgres}): a HikariCP
 * pool, the schema brought up to date by Flyway's versioned migrations ({@code
 * db/himoe/postgres/V*.sql}; concurrent starts are serialised by Flyway's lock), and the stores
 * built on it: the feedback log, the decisions kept for late feedback, the learned state, the
 * replicas' cursors, and the request path's shared state (per-key limit counters, conversation
 * sessions, A/B assignments; each with a local answer while the database is down, see {@link
 * #upOnRequestPath()}). Thread-safe.
 */
public final class SharedStore implements AutoCloseable {

  /** Notification channel: a feedback was appended (payload: its id). */
  static final String FEEDBACK_CHANNEL = "himoe_feedback";

  /** Notification channel: the learned state was saved (payload: its version). */
  static final String STATE_CHANNEL = "himoe_state";

  private static final Logger LOG = LoggerFactory.getLogger(SharedStore.class);

  /** How long the request path answers locally after a database failure before trying again. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private static final long PURGE_EVERY_S = 60;

  private final HikariDataSource pool;
  private final String url;
  private final Properties credentials;
  private final PostgresFeedbackStore feedback;
  private final PostgresDecisions decisions;
  private final PostgresLearnedState learnedState;
  private final DatabaseGuard guard;
  private final InstantSource clock;
  private final ScheduledExecutorService purger;

  private SharedStore(
      HikariDataSource pool,
      String url,
      Properties credentials,
      long queryTimeoutMs,
      InstantSource c) {
    this.pool = pool;
    this.url = url;
    this.credentials = credentials;
    this.clock = c;
    this.feedback = new PostgresFeedbackStore(pool);
    this.decisions = new PostgresDecisions(pool, c);
    this.learnedState = new PostgresLearnedState(pool, c);
    this.guard = new DatabaseGuard(pool, RETRY_AFTER, queryTimeoutMs, c);
    this.purger =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("himoe-store-purge").factory());
    purger.scheduleWithFixedDelay(this::purgeQuietly, 1, PURGE_EVERY_S, TimeUnit.SECONDS);
  }

  /**
   * Connects, migrates the schema and opens the stores.
   *
   * @param store the {@code store} section ({@code kind: postgres})
   * @param env environment variables (the one named by {@code password_env})
   * @param clock timestamps of stored rows
   * @return the shared store
   * @throws StoreException if the database cannot be reached or migrated, naming the field at fault
   */
  public static SharedStore open(
      HimoeConfig.Store store, Map<String, String> env, InstantSource clock) {
    Objects.requireNonNull(store, "store");
    if (!store.shared()) {
      throw new IllegalArgumentException("store.kind is " + store.kind() + ", not postgres");
    }
    String url = store.url();
    if (url == null) {
      // The loader refuses kind postgres without a url; a store built in code may still omit it.
      throw new IllegalArgumentException("store.url: expected jdbc:postgresql://HOST:PORT/DB");
    }
    Properties credentials = new Properties();
    if (store.user() != null) {
      credentials.setProperty("user", store.user());
    }
    if (store.passwordEnv() != null) {
      String password = env.get(store.passwordEnv());
      if (password == null) {
        throw new StoreException(
            "store.password_env: environment variable " + store.passwordEnv() + " is not set",
            null);
      }
      credentials.setProperty("password", password);
    }
    timeouts(credentials, store.pool());
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("himoe-store");
    hc.setJdbcUrl(url);
    hc.setDataSourceProperties(credentials);
    hc.setMaximumPoolSize(store.pool().max());
    hc.setMinimumIdle(Math.min(2, store.pool().max()));
    hc.setConnectionTimeout(store.pool().connectTimeoutMs());
    hc.setValidationTimeout(Math.max(250, store.pool().connectTimeoutMs() / 2));
    // The first connection is made here: a replica that cannot reach its database at start keeps
    // trying for startup_wait_ms (a database starting beside it, a slow first login on a busy
    // host), then fails (and is restarted by its supervisor) rather than serving without shared
    // state.
    hc.setInitializationFailTimeout(
        Math.max(store.pool().connectTimeoutMs(), store.pool().startupWaitMs()));
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new StoreException("store.url: cannot connect to " + url + ": " + rootMessage(e), e);
    }
    try {
      migrate(pool);
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreException(
          "store.url: cannot migrate the schema of " + url + ": " + rootMessage(e), e);
    }
    return new SharedStore(pool, url, credentials, store.pool().queryTimeoutMs(), clock);
  }

  /**
   * The driver's timeouts, so that a database that stops answering (a frozen process, a stalled
   * network: TCP stays open, nothing comes back) fails each call within a bound instead of hanging
   * the threads that wait on it: TCP connect and login within {@code connect_timeout_ms}, each
   * answer within {@code query_timeout_ms} (the socket's read timeout; pgjdbc counts whole seconds,
   * the request path sets it to the millisecond per call), and each statement cut by the server
   * after {@code query_timeout_ms} ({@code statement_timeout}). Parameters written in the URL
   * itself take precedence.
   */
  static void timeouts(Properties props, HimoeConfig.Pool pool) {
    String connectS = Long.toString(Math.max(1, (pool.connectTimeoutMs() + 999) / 1000));
    props.setProperty("connectTimeout", connectS);
    props.setProperty("loginTimeout", connectS);
    props.setProperty(
        "socketTimeout", Long.toString(Math.max(1, (pool.queryTimeoutMs() + 999) / 1000)));
    props.setProperty("options", "-c statement_timeout=" + pool.queryTimeoutMs());
    props.setProperty("tcpKeepAlive", "true");
  }

  /**
   * Brings the schema to the latest version (idempotent; safe when several replicas start at once).
   */
  static void migrate(DataSource ds) {
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/himoe/postgres")
        .table("himoe_schema_history")
        .load()
        .migrate();
  }

  /**
   * @return the shared feedback log
   */
  public FeedbackStore feedback() {
    return feedback;
  }

  PostgresFeedbackStore feedbackLog() {
    return feedback;
  }

  PostgresDecisions decisions() {
    return decisions;
  }

  PostgresLearnedState learnedState() {
    return learnedState;
  }

  DataSource pool() {
    return pool;
  }

  /**
   * Per-key limit counters shared by every replica (one atomic upsert per addition).
   *
   * @param local the counters of this process, answering while the database is down
   * @return the shared counters
   */
  public LimitStore limitStore(LimitStore local) {
    return new PostgresLimitStore(guard, Objects.requireNonNull(local, "local"));
  }

  /**
   * Conversation sessions shared by every replica.
   *
   * @param local the sessions of this process, answering while the database is down
   * @param ttl how long an unused session is kept
   * @return the shared sessions
   */
  public SessionStore sessionStore(SessionStore local, Duration ttl) {
    return new PostgresSessionStore(
        guard, Objects.requireNonNull(local, "local"), Objects.requireNonNull(ttl, "ttl"), clock);
  }

  /**
   * A/B assignments shared by every replica (the first replica to assign a unit wins).
   *
   * @param local the assignments of this process, answering while the database is down
   * @param replicaId this replica's name (recorded with the assignments it makes)
   * @return the shared assignments
   */
  public Assignments assignments(Assignments local, String replicaId) {
    return new PostgresAssignments(
        guard,
        Objects.requireNonNull(local, "local"),
        Objects.requireNonNull(replicaId, "replicaId"),
        clock);
  }

  /**
   * Shares the routers' promotions with every replica: what {@code promotions} holds and the
   * database does not is written there, the database's are adopted, and read again every second (a
   * promotion made on one replica is in force on all within about a second).
   *
   * @param promotions this replica's promotions
   * @param replicaId this replica's name (recorded with the promotions it makes)
   * @throws StoreException when the database cannot be reached
   */
  public void sharePromotions(Promotions promotions, String replicaId) {
    promotions.shareIn(new PostgresPromotions(pool, replicaId, clock));
    purger.scheduleWithFixedDelay(promotions::refresh, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * @return whether the request path's latest use of the database (limits, sessions, A/B
   *     assignments) reached it; false while it is answered locally
   */
  public boolean upOnRequestPath() {
    return guard.up();
  }

  /** Tells the request path that the database answered (its follower reached it). */
  void reachable() {
    guard.reachable();
  }

  /**
   * @return request-path calls answered locally because the database was down or failing
   */
  public long localAnswers() {
    return guard.localAnswers();
  }

  /** Deletes ended limit windows and expired sessions (runs every minute). */
  void purge() throws SQLException {
    long now = clock.millis();
    try (Connection c = pool.getConnection();
        PreparedStatement windows =
            c.prepareStatement("DELETE FROM limit_counter WHERE window_end < ?");
        PreparedStatement sessions =
            c.prepareStatement("DELETE FROM chat_session WHERE expires_at_ms < ?")) {
      windows.setLong(1, now);
      windows.executeUpdate();
      sessions.setLong(1, now);
      sessions.executeUpdate();
    }
  }

  private void purgeQuietly() {
    try {
      purge();
    } catch (SQLException | RuntimeException e) {
      LOG.debug("purge of ended limit windows and expired sessions skipped: {}", e.getMessage());
    }
  }

  /** A connection outside the pool, for LISTEN (it stays open and idle between notifications). */
  Connection listenConnection() throws SQLException {
    return DriverManager.getConnection(url, credentials);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Closes the pool. */
  @Override
  public void close() {
    purger.shutdownNow();
    decisions.close();
    pool.close();
  }
}
