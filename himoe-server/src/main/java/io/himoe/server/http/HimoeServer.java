package io.himoe.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.experts.llm.TokenCounter;
import io.himoe.learning.metrics.GuardrailMonitor;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.GatewayConfig;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.limits.KeyLimits;
import io.himoe.server.limits.LimitStore;
import io.himoe.server.loop.Assignments;
import io.himoe.server.metrics.DashboardState;
import io.himoe.server.metrics.GatewayMetrics;
import io.himoe.server.metrics.MetricsListener;
import io.himoe.server.metrics.ServerMetrics;
import io.himoe.server.sessions.SessionStore;
import io.himoe.server.store.FeedbackIntake;
import io.himoe.server.store.FeedbackStore;
import io.himoe.server.store.SharedLearning;
import io.himoe.server.store.SharedStore;
import io.himoe.server.store.StoreHealth;
import io.himoe.server.telemetry.BatchingConsoleAppender;
import io.himoe.server.telemetry.Tracing;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The Hi-MoE HTTP server (Javalin on virtual threads): the OpenAI-compatible chat endpoint, route
 * previews, durable feedback, expert administration, decision traces, Prometheus metrics, health
 * probes and the dashboard. Every error is JSON with a stable code; every log line carries the
 * request's trace id (MDC key {@code trace_id}).
 */
public final class HimoeServer implements AutoCloseable {

  /**
   * Header carrying the server's trace id in every response; a client's own value in a request is
   * kept only as a correlation id (echoed in {@code X-Correlation-Id}).
   */
  public static final String TRACE_HEADER = "X-Trace-Id";

  /** MDC key of the trace id. */
  public static final String MDC_TRACE = "trace_id";

  private final Javalin app;
  private final Assembly assembly;
  private final FeedbackStore store;
  private final Optional<SharedStore> shared;
  private final Optional<SharedLearning> sharedLearning;
  private final Tracing tracing;
  private final PrometheusMeterRegistry registry;
  private final Edge edge;
  private final ServerMetrics serverMetrics;
  private final ErrorMapper errors;
  private final ChatHandler chat;
  private final RouteHandler route;
  private final FeedbackHandler feedback;
  private final ExpertsHandler experts;
  private final TracesHandler tracesApi;
  private final ModelsHandler models;
  private final EmbeddingsHandler embeddings;
  private final OpsHandler ops;
  private final LoopHandler loop;

  private HimoeServer(Builder b) {
    this.assembly = b.assembly;
    HimoeConfig.Server sc = assembly.config().server();
    this.tracing = b.tracing;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ServerMetrics.applyConventions(registry);
    long deadline = assembly.config().budgets().deadlineMs();
    MetricsListener metrics = new MetricsListener(registry, deadline);
    DashboardState dashboard = new DashboardState(b.clock, metrics, deadline);
    TraceLog traces = new TraceLog(sc.traceCapacity(), b.clock);
    assembly.engine().addListener(metrics);
    assembly.engine().addListener(dashboard);
    assembly.engine().addListener(traces);
    GuardrailMonitor guardrails = GuardrailMonitor.ofDefaults();
    assembly.engine().addListener(guardrails);
    this.serverMetrics = ServerMetrics.bind(registry, assembly, guardrails);
    GatewayMetrics gatewayMetrics = new GatewayMetrics(registry);
    HimoeConfig.Store storeConfig = b.storeConfig();
    FeedbackIntake intake;
    if (storeConfig.shared()) {
      SharedStore db = SharedStore.open(storeConfig, b.env, b.clock);
      String replica = replicaId(storeConfig, b);
      try {
        this.sharedLearning =
            Optional.of(
                SharedLearning.start(
                    assembly,
                    db,
                    replica,
                    Path.of(storeConfig.outboxDir())
                        .resolve("outbox-" + replica.replace(':', '_') + ".db"),
                    b.clock));
      } catch (RuntimeException e) {
        db.close();
        throw e;
      }
      this.shared = Optional.of(db);
      // A/B units keep their arm whichever replica serves them.
      assembly.loop().useAssignments(db.assignments(Assignments.inMemory(100_000), replica));
      db.sharePromotions(assembly.loop().promotions(), replica);
      this.store = db.feedback();
      intake = sharedLearning.get();
    } else {
      this.shared = Optional.empty();
      this.sharedLearning = Optional.empty();
      this.store =
          FeedbackStore.open(b.feedbackDb != null ? b.feedbackDb : Path.of(sc.feedbackDb()));
      intake = FeedbackIntake.local(store, assembly.engine());
    }
    ServerMetrics.store(registry, intake::health);
    shared.ifPresent(
        db ->
            io.micrometer.core.instrument.FunctionCounter.builder(
                    "himoe.store.local.answers", db, SharedStore::localAnswers)
                .description(
                    "per-key limit, session and A/B assignment look-ups answered locally because the"
                        + " shared database was down")
                .register(registry));
    GatewayConfig gw = assembly.config().gateway();
    JsonBodies bodies = new JsonBodies(sc.maxBodyBytes());
    ApiKeys keys = new ApiKeys(sc.auth(), b.env);
    TokenCounter tokens = TokenCounter.of(gw.tokenizer());
    Conversations conversations = new Conversations(gw.remoteImages(), gw.routeTurns());
    this.edge = new Edge(gw.cors(), gatewayMetrics);
    this.errors = new ErrorMapper(sc.maxBodyBytes());
    this.chat =
        new ChatHandler(
            assembly,
            bodies,
            conversations,
            keys,
            new Quotas(
                new KeyLimits(limitStore(b), b.clock),
                tokens,
                assembly::costBound,
                alias ->
                    sc.auth().keys().stream()
                        .filter(k -> k.alias().equals(alias))
                        .findFirst()
                        .map(HimoeConfig.Key::defaultMaxTokens)
                        .orElse(HimoeConfig.Key.DEFAULT_MAX_TOKENS)),
            new ChatSessions(sessionStore(b), assembly.config().sessions(), b.clock),
            traces,
            tokens,
            tracing,
            b.clock,
            gw.dropUnknownParams(),
            gatewayMetrics);
    this.route = new RouteHandler(assembly, bodies, conversations, keys, tracing);
    this.feedback = new FeedbackHandler(assembly, intake, traces, bodies, keys, b.clock);
    this.experts = new ExpertsHandler(assembly, bodies, keys, b.env);
    this.tracesApi = new TracesHandler(traces, store, keys);
    this.models = new ModelsHandler(assembly);
    this.embeddings = new EmbeddingsHandler(keys, bodies, tokens);
    this.ops =
        new OpsHandler(
            assembly, dashboard, registry, intake::health, keys, serverMetrics::beforeScrape);
    this.loop = new LoopHandler(assembly.loop(), bodies, keys);
    assembly.loop().bindTo(registry);
    String host = b.host != null ? b.host : sc.host();
    int port = b.port != null ? b.port : sc.port();
    this.app = Javalin.create(cfg -> configure(cfg, sc.maxBodyBytes(), host, port));
    try {
      app.start(host, port);
    } catch (RuntimeException e) {
      closeStores();
      throw e;
    }
    ops.ready(true);
  }

  /** Per-key limit counters: shared by the replicas with {@code store.kind: postgres}. */
  private LimitStore limitStore(Builder b) {
    return shared.map(db -> db.limitStore(b.limitStore)).orElse(b.limitStore);
  }

  /** Sessions: shared by the replicas with {@code store.kind: postgres}. */
  private SessionStore sessionStore(Builder b) {
    java.time.Duration ttl = assembly.config().sessions().ttlDuration();
    SessionStore local =
        b.sessionStore != null
            ? b.sessionStore
            : SessionStore.inMemory(ttl, assembly.config().sessions().max());
    return shared.map(db -> db.sessionStore(local, ttl)).orElse(local);
  }

  private void configure(io.javalin.config.JavalinConfig cfg, long maxBody, String host, int port) {
    cfg.concurrency.useVirtualThreads = true;
    // A new connection accepted and set up by the selector: one hand-off before the handler.
    cfg.jetty.addConnector((server, http) -> new SelectorAcceptConnector(server, http, host, port));
    cfg.http.maxRequestSize = maxBody;
    cfg.startup.showJavalinBanner = false;
    // Jetty's own errors (bad request line, headers too large, ...) as JSON, not HTML pages.
    cfg.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors()));
    cfg.routes.before(edge::before);
    cfg.routes.after(edge::after);
    RouteTable t = new RouteTable(cfg);
    t.api(RouteTable.Method.POST, "/chat/completions", chat::handle);
    t.api(RouteTable.Method.POST, "/embeddings", embeddings::handle);
    t.api(RouteTable.Method.POST, "/route", route::handle);
    t.api(RouteTable.Method.POST, "/feedback", feedback::handle);
    t.api(RouteTable.Method.GET, "/experts", experts::list);
    t.api(RouteTable.Method.POST, "/experts", experts::add);
    t.api(RouteTable.Method.DELETE, "/experts/{name}", experts::remove);
    t.api(RouteTable.Method.GET, "/traces/{id}", tracesApi::get);
    t.api(RouteTable.Method.GET, "/models", models::list);
    t.api(RouteTable.Method.GET, "/models/{id}", models::get);
    t.api(RouteTable.Method.GET, "/experiments", loop::experiments);
    t.api(RouteTable.Method.GET, "/experiments/{name}", loop::experiment);
    t.api(RouteTable.Method.POST, "/experiments/{name}/stop", loop::stop);
    t.api(RouteTable.Method.POST, "/experiments/{name}/promote", loop::promote);
    t.api(RouteTable.Method.GET, "/shadows", loop::shadows);
    t.api(RouteTable.Method.GET, "/dashboard", ops::dashboard);
    t.add(RouteTable.Method.GET, "/metrics", ops::metrics);
    t.add(RouteTable.Method.GET, "/healthz", ops::health);
    t.add(RouteTable.Method.GET, "/readyz", ops::ready);
    t.add(RouteTable.Method.GET, "/", ops::dashboardPage);
    t.add(RouteTable.Method.GET, "/dashboard/{file}", ops::dashboardAsset);
    if (assembly.config().gateway().cors().enabled()) {
      t.preflight(edge::preflight);
    }
    errors.register(cfg, t);
  }

  /**
   * @param assembly the engine and experts to serve
   * @return a builder; host, port and feedback file default to the assembly's configuration
   */
  public static Builder builder(Assembly assembly) {
    return new Builder(assembly);
  }

  /**
   * @return the port the server listens on
   */
  public int port() {
    return app.port();
  }

  /**
   * @return the base URL, e.g. {@code http://127.0.0.1:8080}
   */
  public String url() {
    String host = assembly.config().server().host();
    return "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port();
  }

  /**
   * @return the Prometheus registry (for embedding)
   */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * @return the JSON mapper of the API (snake_case)
   */
  public static ObjectMapper json() {
    return JsonBodies.MAPPER;
  }

  /**
   * Stops accepting requests, then closes the feedback store and the tracing exporter, and writes
   * the access-log lines still queued.
   */
  @Override
  public void close() {
    ops.ready(false);
    app.stop();
    closeStores();
    serverMetrics.close();
    tracing.close();
    BatchingConsoleAppender.flushAll();
  }

  private void closeStores() {
    sharedLearning.ifPresent(SharedLearning::close);
    store.close();
    shared.ifPresent(SharedStore::close);
  }

  private static String replicaId(HimoeConfig.Store sc, Builder b) {
    if (sc.replicaId() != null) {
      return sc.replicaId();
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    int port = b.port != null ? b.port : b.assembly.config().server().port();
    return host + ":" + (port != 0 ? port : ProcessHandle.current().pid());
  }

  /**
   * @return this replica's store state (what {@code /readyz} shows)
   */
  public StoreHealth storeHealth() {
    return sharedLearning
        .map(SharedLearning::health)
        .orElse(new StoreHealth("sqlite", true, 0, 0, 0));
  }

  /** Builds and starts a {@link HimoeServer}. */
  public static final class Builder {
    private final Assembly assembly;
    // Unset (null): the configuration's.
    private @Nullable String host;
    private @Nullable Integer port;
    private @Nullable Path feedbackDb;
    private @Nullable String storeUrl;
    private Map<String, String> env = Map.of();
    private Tracing tracing = Tracing.disabled();
    private InstantSource clock = InstantSource.system();
    private LimitStore limitStore = LimitStore.inMemory();
    private @Nullable SessionStore sessionStore;

    private Builder(Assembly assembly) {
      this.assembly = Objects.requireNonNull(assembly, "assembly");
    }

    /**
     * @param host interface to bind
     * @return this
     */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * @param port TCP port (0 picks a free one)
     * @return this
     */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * @param file the SQLite feedback file
     * @return this
     */
    public Builder feedbackDb(Path file) {
      this.feedbackDb = file;
      return this;
    }

    /**
     * Overrides {@code store.url} (and makes the store PostgreSQL): the CLI's {@code --store-url}.
     *
     * @param url a JDBC URL, {@code jdbc:postgresql://HOST:PORT/DB}
     * @return this
     */
    public Builder storeUrl(String url) {
      this.storeUrl = url;
      return this;
    }

    private HimoeConfig.Store storeConfig() {
      HimoeConfig.Store s = assembly.config().store();
      if (storeUrl == null) {
        return s;
      }
      return new HimoeConfig.Store(
          "postgres", storeUrl, s.user(), s.passwordEnv(), s.pool(), s.replicaId(), s.outboxDir());
    }

    /**
     * @param env environment variables ({@code HIMOE_API_KEYS}, and those named by {@code
     *     api_key_env} when experts are added)
     * @return this
     */
    public Builder env(Map<String, String> env) {
      this.env = Map.copyOf(env);
      return this;
    }

    /**
     * @param tracing span export
     * @return this
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * @param clock the clock for timestamps
     * @return this
     */
    public Builder clock(InstantSource clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @param store where per-key limit counters are kept (default: in memory, one node)
     * @return this
     */
    public Builder limitStore(LimitStore store) {
      this.limitStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @param store where conversation sessions are kept (default: in memory, bounded by the {@code
     *     sessions} section)
     * @return this
     */
    public Builder sessionStore(SessionStore store) {
      this.sessionStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * @return the started server
     */
    public HimoeServer start() {
      return new HimoeServer(this);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
