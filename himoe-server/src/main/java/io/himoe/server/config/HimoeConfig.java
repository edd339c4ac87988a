package io.himoe.server.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The whole Hi-MoE configuration, as read from one YAML file (keys in {@code snake_case}). Every
 * section is optional except {@code experts} and {@code routers}; absent values take the defaults
 * documented on each record. Parse it with {@link ConfigLoader}, which refuses unknown keys and
 * names the path of any bad field.
 *
 * <p>Nullness: every record's constructor takes {@code null} for an absent key (that is how the
 * YAML reader passes one) and puts the documented default in its place, so a component with a
 * default is never null. Only a component whose absence means something of its own (an optional
 * setting with no default, such as {@link Budgets#cost()}) is {@link Nullable}. A required text
 * left out of the file (a router's {@code id}) is read as empty, which {@link ConfigLoader} refuses
 * naming the field. Each section record has a {@code DEFAULTS} constant.
 *
 * @param server HTTP server settings
 * @param budgets per-request deadline and cost budget
 * @param aggregation the default aggregation of every router
 * @param experts the experts (at least one), typed per kind; {@link ConfigLoader} makes them from
 *     the {@code experts} section (each entry a {@link Expert})
 * @param routers the routers (at least one)
 * @param orchestrator which router handles which request
 * @param shadows shadow routers run after the answer
 * @param learning settings of learned routers
 * @param management expert management
 * @param telemetry tracing export
 * @param runtime dynamic resource allocation
 * @param store where feedback, decisions and learned state are kept: embedded SQLite (one replica)
 *     or a shared PostgreSQL (several replicas)
 * @param gateway how the OpenAI-compatible edge treats requests (unknown parameters, tokenizer,
 *     CORS, image URLs, routing window)
 * @param sessions conversation stickiness across turns
 * @param experiments A/B rollouts between routers
 */
public record HimoeConfig(
    Server server,
    Budgets budgets,
    Aggregation aggregation,
    @JsonIgnore List<ExpertSpec> experts,
    List<Router> routers,
    Orchestrator orchestrator,
    Shadows shadows,
    Learning learning,
    Management management,
    Telemetry telemetry,
    Runtime runtime,
    Store store,
    GatewayConfig gateway,
    SessionsConfig sessions,
    List<Experiment> experiments) {

  /**
   * A configuration with the gateway's and sessions' defaults and no experiments.
   *
   * @param server HTTP server settings
   * @param budgets budgets
   * @param aggregation default aggregation
   * @param experts the experts
   * @param routers the routers
   * @param orchestrator the orchestrator
   * @param shadows shadows
   * @param learning learning
   * @param management management
   * @param telemetry telemetry
   * @param runtime runtime
   * @param store store
   */
  public HimoeConfig(
      @Nullable Server server,
      @Nullable Budgets budgets,
      @Nullable Aggregation aggregation,
      @Nullable List<ExpertSpec> experts,
      @Nullable List<Router> routers,
      @Nullable Orchestrator orchestrator,
      @Nullable Shadows shadows,
      @Nullable Learning learning,
      @Nullable Management management,
      @Nullable Telemetry telemetry,
      @Nullable Runtime runtime,
      @Nullable Store store) {
    this(
        server,
        budgets,
        aggregation,
        experts,
        routers,
        orchestrator,
        shadows,
        learning,
        management,
        telemetry,
        runtime,
        store,
        GatewayConfig.DEFAULTS,
        SessionsConfig.DEFAULTS,
        List.of());
  }

  /**
   * Applies defaults (each null, an absent section, becomes that section's {@code DEFAULTS}; an
   * absent list becomes empty) and copies.
   *
   * @param server HTTP server settings
   * @param budgets budgets
   * @param aggregation default aggregation
   * @param experts the experts
   * @param routers the routers
   * @param orchestrator the orchestrator
   * @param shadows shadows
   * @param learning learning
   * @param management management
   * @param telemetry telemetry
   * @param runtime runtime
   * @param store store
   * @param gateway gateway
   * @param sessions sessions
   * @param experiments experiments
   */
  public HimoeConfig(
      @Nullable Server server,
      @Nullable Budgets budgets,
      @Nullable Aggregation aggregation,
      @Nullable List<ExpertSpec> experts,
      @Nullable List<Router> routers,
      @Nullable Orchestrator orchestrator,
      @Nullable Shadows shadows,
      @Nullable Learning learning,
      @Nullable Management management,
      @Nullable Telemetry telemetry,
      @Nullable Runtime runtime,
      @Nullable Store store,
      @Nullable GatewayConfig gateway,
      @Nullable SessionsConfig sessions,
      @Nullable List<Experiment> experiments) {
    this.server = server == null ? Server.DEFAULTS : server;
    this.budgets = budgets == null ? Budgets.DEFAULTS : budgets;
    this.aggregation = aggregation == null ? Aggregation.DEFAULTS : aggregation;
    this.experts = experts == null ? List.of() : List.copyOf(experts);
    this.routers = routers == null ? List.of() : List.copyOf(routers);
    this.orchestrator = orchestrator == null ? Orchestrator.DEFAULTS : orchestrator;
    this.shadows = shadows == null ? Shadows.DEFAULTS : shadows;
    this.learning = learning == null ? Learning.DEFAULTS : learning;
    this.management = management == null ? Management.DEFAULTS : management;
    this.telemetry = telemetry == null ? Telemetry.DEFAULTS : telemetry;
    this.runtime = runtime == null ? Runtime.DEFAULTS : runtime;
    this.store = store == null ? Store.EMBEDDED : store;
    this.gateway = gateway == null ? GatewayConfig.DEFAULTS : gateway;
    this.sessions = sessions == null ? SessionsConfig.DEFAULTS : sessions;
    this.experiments = experiments == null ? List.of() : List.copyOf(experiments);
  }

  /**
   * A copy of a mapping of the configuration (an expert's {@code options}, a router's {@code
   * keywords}, the runtime's {@code memory_pools}) whose every value is given.
   *
   * @param field the mapping's key in the file, for the message
   * @param map the mapping, or null for an empty one
   * @return an immutable copy
   * @throws IllegalArgumentException naming {@code field.key} of an empty value ({@code ~})
   */
  static <V> Map<String, V> valuesOf(String field, @Nullable Map<String, V> map) {
    if (map == null) {
      return Map.of();
    }
    for (Map.Entry<String, V> e : map.entrySet()) {
      // Null from the YAML reader only: its type says no value is null.
      if (e.getValue() == null) {
        throw new IllegalArgumentException(
            field + "." + e.getKey() + ": expected a value, got an empty one (~ or null)");
      }
    }
    return Map.copyOf(map);
  }

  /**
   * @param specs the typed experts
   * @return a copy with those experts
   */
  public HimoeConfig withExperts(List<ExpertSpec> specs) {
    return new HimoeConfig(
        server,
        budgets,
        aggregation,
        specs,
        routers,
        orchestrator,
        shadows,
        learning,
        management,
        telemetry,
        runtime,
        store,
        gateway,
        sessions,
        experiments);
  }

  /**
   * @param name an expert's name
   * @return its spec, if configured
   */
  public java.util.Optional<ExpertSpec> expert(String name) {
    return experts.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  /**
   * HTTP server settings.
   *
   * @param host interface to bind, default {@code 127.0.0.1}
   * @param port TCP port, default 8080 (0 picks a free port)
   * @param maxBodyBytes largest accepted request body in bytes, default 1 MiB
   * @param auth API keys for feedback and admin routes
   * @param feedbackDb SQLite file where feedback is stored, default {@code himoe-feedback.db}
   * @param traceCapacity decision traces kept for {@code /v1/traces/{id}}, default 10,000
   */
  public record Server(
      String host,
      Integer port,
      Long maxBodyBytes,
      Auth auth,
      String feedbackDb,
      Integer traceCapacity) {

    /** Every default. */
    public static final Server DEFAULTS = new Server(null, null, null, null, null, null);

    /**
     * Applies defaults: each null (an absent key) takes the default above.
     *
     * @param host the interface, or null
     * @param port the port, or null
     * @param maxBodyBytes the body limit in bytes, or null
     * @param auth the keys, or null
     * @param feedbackDb the SQLite file, or null
     * @param traceCapacity traces kept, or null
     */
    public Server(
        @Nullable String host,
        @Nullable Integer port,
        @Nullable Long maxBodyBytes,
        @Nullable Auth auth,
        @Nullable String feedbackDb,
        @Nullable Integer traceCapacity) {
      this.host = host == null ? "127.0.0.1" : host;
      this.port = port == null ? 8080 : port;
      this.maxBodyBytes = maxBodyBytes == null ? 1_048_576L : maxBodyBytes;
      this.auth = auth == null ? Auth.DEFAULTS : auth;
      this.feedbackDb = feedbackDb == null ? "himoe-feedback.db" : feedbackDb;
      this.traceCapacity = traceCapacity == null ? 10_000 : traceCapacity;
    }
  }

  /**
   * Bearer API keys and the routes they protect. Keys also come from the environment variable
   * {@code HIMOE_API_KEYS} (comma-separated); those and {@code api_keys} are admin keys without
   * limits (aliases {@code key-1}, {@code key-2}, ...). Decision traces and the dashboard's
   * decision feed always need a key when auth is enabled.
   *
   * @param enabled whether keys are required, default true (off only when set to false)
   * @param apiKeys admin keys; write them as {@code ${ENV_VAR}}, never literally
   * @param keys named keys with their limits (tenants)
   * @param protect the routes that need a key: any of {@code chat}, {@code embeddings}, {@code
   *     route}, {@code feedback}, {@code admin}; default {@code [feedback, admin]}
   * @param expertKeyEnv the environment variables an expert added at run time may name in {@code
   *     api_key_env}: names, {@code *} matching any characters; default {@code [*_API_KEY]}; the
   *     server's own ({@code HIMOE_*}, the store's {@code password_env}) are never allowed ({@link
   *     KeyEnvPolicy})
   */
  public record Auth(
      Boolean enabled,
      List<String> apiKeys,
      List<Key> keys,
      List<String> protect,
      List<String> expertKeyEnv) {

    /** Every default. */
    public static final Auth DEFAULTS = new Auth(null, null, null, null, null);

    /**
     * Applies defaults: each null (an absent key) takes the default above.
     *
     * @param enabled whether keys are required, or null
     * @param apiKeys admin keys, or null
     * @param keys named keys, or null
     * @param protect protected routes, or null
     * @param expertKeyEnv allowed key variables, or null
     */
    public Auth(
        @Nullable Boolean enabled,
        @Nullable List<String> apiKeys,
        @Nullable List<Key> keys,
        @Nullable List<String> protect,
        @Nullable List<String> expertKeyEnv) {
      this.enabled = enabled == null || enabled;
      this.apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
      this.keys = keys == null ? List.of() : List.copyOf(keys);
      this.protect = protect == null ? List.of("feedback", "admin") : List.copyOf(protect);
      this.expertKeyEnv = expertKeyEnv == null ? List.of("*_API_KEY") : List.copyOf(expertKeyEnv);
    }
  }

  /**
   * One named API key (a tenant) and its limits; metrics and logs name it by its alias, never by
   * the key.
   *
   * @param alias the key's name in metrics and traces; required (absent reads as empty, refused)
   * @param key the key; write it as {@code ${ENV_VAR}}, never literally; required (absent reads as
   *     empty, refused)
   * @param admin whether it may add and remove experts and give feedback on any decision, default
   *     false
   * @param requestsPerMin requests per minute at most; absent means unlimited
   * @param tokensPerMin prompt plus completion tokens per minute at most; absent means unlimited
   * @param costPerDay cost units per day (UTC) at most; absent means unlimited
   * @param defaultMaxTokens for a key with {@code tokens_per_min}: the completion tokens a request
   *     that gives no {@code max_tokens} may produce (sent upstream as its {@code max_tokens} and
   *     reserved with its prompt), default 1024 or half of {@code tokens_per_min} when that is less
   */
  public record Key(
      String alias,
      String key,
      Boolean admin,
      @Nullable Integer requestsPerMin,
      @Nullable Long tokensPerMin,
      @Nullable Double costPerDay,
      Integer defaultMaxTokens) {
    /** Completion tokens reserved for a request that names no {@code max_tokens}. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    /**
     * Applies defaults: each null (an absent key) takes the default above.
     *
     * @param alias its name, or null (refused by the loader)
     * @param key the key, or null (refused by the loader)
     * @param admin whether it is an admin key, or null for false
     * @param requestsPerMin requests per minute at most, or null for unlimited
     * @param tokensPerMin tokens per minute at most, or null for unlimited
     * @param costPerDay cost units per day at most, or null for unlimited
     * @param defaultMaxTokens the completion bound of a request without {@code max_tokens}, or null
     *     for the default
     */
    public Key(
        @Nullable String alias,
        @Nullable String key,
        @Nullable Boolean admin,
        @Nullable Integer requestsPerMin,
        @Nullable Long tokensPerMin,
        @Nullable Double costPerDay,
        @Nullable Integer defaultMaxTokens) {
      this.alias = alias == null ? "" : alias;
      this.key = key == null ? "" : key;
      this.admin = admin != null && admin;
      this.requestsPerMin = requestsPerMin;
      this.tokensPerMin = tokensPerMin;
      this.costPerDay = costPerDay;
      // A small tokens-per-minute limit must still fit a prompt beside the completion bound.
      this.defaultMaxTokens =
          defaultMaxTokens != null
              ? defaultMaxTokens
              : tokensPerMin == null
                  ? DEFAULT_MAX_TOKENS
                  : (int) Math.max(1, Math.min(DEFAULT_MAX_TOKENS, tokensPerMin / 2));
    }

    /**
     * A key with the default completion bound.
     *
     * @param alias its name
     * @param key the key
     * @param admin whether it is an admin key
     * @param requestsPerMin requests per minute at most, or null
     * @param tokensPerMin tokens per minute at most, or null
     * @param costPerDay cost units per day at most, or null
     */
    public Key(
        @Nullable String alias,
        @Nullable String key,
        @Nullable Boolean admin,
        @Nullable Integer requestsPerMin,
        @Nullable Long tokensPerMin,
        @Nullable Double costPerDay) {
      this(alias, key, admin, requestsPerMin, tokensPerMin, costPerDay, null);
    }

    @Override
    public String toString() {
      // Never print the key.
      return "Key[" + alias + "]";
    }
  }

  /**
   * Per-request budgets.
   *
   * @param deadlineMs time budget of a request in ms, default 2000
   * @param cost cost budget of a request in cost units; absent means unlimited
   * @param cpuMs CPU-time budget of a request in ms (its routing and expert calls, summed over
   *     threads); absent means unmetered (the default: metering runs the request and its expert
   *     calls on platform threads, see docs/server.md "CPU budget")
   */
  public record Budgets(Long deadlineMs, @Nullable Double cost, @Nullable Long cpuMs) {

    /** Every default: 2 s, no cost limit, unmetered. */
    public static final Budgets DEFAULTS = new Budgets(null, null, null);

    /**
     * Applies defaults.
     *
     * @param deadlineMs the deadline in ms, or null for 2000
     * @param cost the cost budget in cost units, or null for unlimited
     * @param cpuMs the CPU-time budget in ms, or null for unmetered
     */
    public Budgets(@Nullable Long deadlineMs, @Nullable Double cost, @Nullable Long cpuMs) {
      this.deadlineMs = deadlineMs == null ? 2000L : deadlineMs;
      this.cost = cost;
      this.cpuMs = cpuMs;
    }
  }

  /**
   * How a router combines its experts' answers.
   *
   * @param strategy {@code best-score} (default), {@code gate-weighted}, {@code majority-vote},
   *     {@code cascade} or {@code synthesis}
   * @param synthesisExpert for {@code synthesis}: the expert that merges the answers
   * @param cascadeThreshold for {@code cascade}: confidence in [0, 1] that stops it, default 0.8
   */
  public record Aggregation(
      String strategy, @Nullable String synthesisExpert, Double cascadeThreshold) {

    /** Every default: best score. */
    public static final Aggregation DEFAULTS = new Aggregation(null, null, null);

    /**
     * Applies defaults.
     *
     * @param strategy the strategy, or null for {@code best-score}
     * @param synthesisExpert the merging expert, or null for none
     * @param cascadeThreshold the cascade's stopping confidence, or null for 0.8
     */
    public Aggregation(
        @Nullable String strategy,
        @Nullable String synthesisExpert,
        @Nullable Double cascadeThreshold) {
      this.strategy = strategy == null ? "best-score" : strategy;
      this.synthesisExpert = synthesisExpert;
      this.cascadeThreshold = cascadeThreshold == null ? 0.8 : cascadeThreshold;
    }
  }

  /**
   * One expert as written in a configuration file or an add-expert request; {@link ExpertSpecs}
   * turns it into its typed {@link ExpertSpec}, checking each field for its kind.
   *
   * @param name unique name; required (absent reads as empty, refused)
   * @param kind what it is: {@code planner}, {@code openai} (an OpenAI-compatible chat endpoint),
   *     or a kind contributed by the experts module; required (null when absent, refused by {@link
   *     ExpertSpecs})
   * @param models for endpoint kinds: the model names, tried in order
   * @param endpoint for endpoint kinds: the base URL (e.g. {@code https://api.example.com/v1}),
   *     else null
   * @param apiKey for endpoint kinds: the key, always as {@code ${ENV_VAR}}, or null for none
   * @param costPerCall cost units charged per call, default 0
   * @param costPer1kTokens cost units per 1,000 tokens, default 0
   * @param maxInstances calls in flight at once; null (the default) means unbounded
   * @param fallbacks experts tried in order when this one fails
   * @param keywords words that make keyword routers favour this expert
   * @param timeoutMs for endpoint kinds: HTTP timeout in ms; null means the kind's default (30,000)
   * @param options kind-specific settings (strings)
   * @param examples example requests this expert should get: learned routers ({@code neural},
   *     {@code hybrid}) fit their gate from them at start-up, as routes defined by utterances
   * @param guard the resilience4j guard in front of it (breaker, retry, time and rate limits);
   *     absent means the defaults of {@link GuardSpec#DEFAULT}
   */
  public record Expert(
      String name,
      @Nullable String kind,
      List<String> models,
      @Nullable String endpoint,
      @Nullable String apiKey,
      Double costPerCall,
      // SNAKE_CASE would spell it cost_per1k_tokens.
      @JsonProperty("cost_per_1k_tokens") Double costPer1kTokens,
      @Nullable Integer maxInstances,
      List<String> fallbacks,
      List<String> keywords,
      @Nullable Long timeoutMs,
      Map<String, String> options,
      List<String> examples,
      GuardSpec guard) {
    /**
     * Applies defaults (the kind-specific ones are applied by {@link ExpertSpecs}): each null (an
     * absent key) takes its default, a list or the options empty, the guard {@link
     * GuardSpec#DEFAULT}.
     *
     * @param name unique name, or null (refused)
     * @param kind the kind, or null (refused)
     * @param models endpoint models, or null
     * @param endpoint endpoint URL, or null
     * @param apiKey the key, or null
     * @param costPerCall cost per call, or null for 0
     * @param costPer1kTokens cost per 1,000 tokens, or null for 0
     * @param maxInstances calls in flight at once, or null for unbounded
     * @param fallbacks fallback experts, or null
     * @param keywords keyword hints, or null
     * @param timeoutMs HTTP timeout in ms, or null for the kind's default
     * @param options kind-specific settings, or null
     * @param examples example requests, or null
     * @param guard the guard, or null for the defaults
     */
    public Expert(
        @Nullable String name,
        @Nullable String kind,
        @Nullable List<String> models,
        @Nullable String endpoint,
        @Nullable String apiKey,
        @Nullable Double costPerCall,
        @JsonProperty("cost_per_1k_tokens") @Nullable Double costPer1kTokens,
        @Nullable Integer maxInstances,
        @Nullable List<String> fallbacks,
        @Nullable List<String> keywords,
        @Nullable Long timeoutMs,
        @Nullable Map<String, String> options,
        @Nullable List<String> examples,
        @Nullable GuardSpec guard) {
      this.name = name == null ? "" : name;
      this.kind = kind;
      this.models = models == null ? List.of() : List.copyOf(models);
      this.endpoint = endpoint;
      this.apiKey = apiKey;
      this.costPerCall = costPerCall == null ? 0.0 : costPerCall;
      this.costPer1kTokens = costPer1kTokens == null ? 0.0 : costPer1kTokens;
      this.maxInstances = maxInstances;
      this.fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
      this.keywords = keywords == null ? List.of() : List.copyOf(keywords);
      this.timeoutMs = timeoutMs;
      this.options = valuesOf("options", options);
      this.examples = examples == null ? List.of() : List.copyOf(examples);
      this.guard = guard == null ? GuardSpec.DEFAULT : guard;
    }

    /**
     * An entry with the default guard.
     *
     * @param name unique name
     * @param kind the kind
     * @param models endpoint models
     * @param endpoint endpoint URL
     * @param apiKey the key
     * @param costPerCall cost per call
     * @param costPer1kTokens cost per 1,000 tokens
     * @param maxInstances calls in flight at once
     * @param fallbacks fallback experts
     * @param keywords keyword hints
     * @param timeoutMs HTTP timeout in ms
     * @param options kind-specific settings
     * @param examples example requests
     */
    public Expert(
        @Nullable String name,
        @Nullable String kind,
        @Nullable List<String> models,
        @Nullable String endpoint,
        @Nullable String apiKey,
        @Nullable Double costPerCall,
        @Nullable Double costPer1kTokens,
        @Nullable Integer maxInstances,
        @Nullable List<String> fallbacks,
        @Nullable List<String> keywords,
        @Nullable Long timeoutMs,
        @Nullable Map<String, String> options,
        @Nullable List<String> examples) {
      this(
          name,
          kind,
          models,
          endpoint,
          apiKey,
          costPerCall,
          costPer1kTokens,
          maxInstances,
          fallbacks,
          keywords,
          timeoutMs,
          options,
          examples,
          null);
    }
  }

  /**
   * One router.
   *
   * @param id unique id (also the {@code model} name clients use to force it); required (absent
   *     reads as empty, refused)
   * @param type {@code keyword} (default), {@code neural}, {@code bandit}, {@code hybrid}, {@code
   *     cost-quality} or a type a module on the class path provides ({@code branched})
   * @param experts the experts it gates over; null (absent) means all
   * @param topK experts called per request, default 1
   * @param minConfidence experts whose gate weight is under this are not called (the best one
   *     always is), in [0, 1], default 0
   * @param temperature softmax temperature, &gt; 0, default 1
   * @param epsilon exploration floor in [0, 1], default 0
   * @param seed tie-break seed, default 0
   * @param keywords per expert name, extra keywords for this router
   * @param fallback the expert that leads when nothing matches, or null for none
   * @param aggregation overrides the default aggregation; null (absent) means the default one
   * @param encoder learned routers: the text encoder, any name {@code Encoders.byName} reads
   *     ({@code hashing}, {@code minilm}, {@code bge-small}, {@code onnx:FILE,...}, or several
   *     joined by {@code +}); default {@code minilm+hashing} for neural, hybrid and cost-quality
   *     routers, {@code hashing} for the others
   * @param bandit bandit routers: {@code ucb1} (default), {@code thompson} or {@code linucb}
   *     (contextual, over the encoder's features)
   * @param gateWeight hybrid routers: weight of the learned gate, default 0.7
   * @param selfWeight hybrid routers: weight of the experts' own {@code canHandle} confidence,
   *     default 0.3
   * @param reroute when a request that got no usable answer goes to the next-best expert
   * @param costQuality cost-quality routers: where the quality predictors learn and what the
   *     calibrated choice must reach
   * @param hedge when a slow single call is hedged with the next-best expert (off by default)
   */
  public record Router(
      String id,
      String type,
      @Nullable List<String> experts,
      Integer topK,
      Double minConfidence,
      Double temperature,
      Double epsilon,
      Long seed,
      Map<String, List<String>> keywords,
      @Nullable String fallback,
      @Nullable Aggregation aggregation,
      String encoder,
      String bandit,
      Double gateWeight,
      Double selfWeight,
      Reroute reroute,
      CostQuality costQuality,
      Hedge hedge) {
    /**
     * Applies defaults: each null (an absent key) takes the default above.
     *
     * @param id unique id, or null (refused)
     * @param type the type, or null
     * @param experts its experts, or null for all (kept as null)
     * @param topK experts per request, or null
     * @param minConfidence gate weight floor, or null
     * @param temperature softmax temperature, or null
     * @param epsilon exploration floor, or null
     * @param seed tie-break seed, or null
     * @param keywords extra keywords, or null
     * @param fallback fallback expert, or null for none
     * @param aggregation its aggregation, or null for the default one
     * @param encoder the encoder, or null for its type's default
     * @param bandit the bandit, or null
     * @param gateWeight hybrid gate weight, or null
     * @param selfWeight hybrid self weight, or null
     * @param reroute re-routing, or null
     * @param costQuality cost-quality settings, or null
     * @param hedge hedging, or null (off)
     */
    public Router(
        @Nullable String id,
        @Nullable String type,
        @Nullable List<String> experts,
        @Nullable Integer topK,
        @Nullable Double minConfidence,
        @Nullable Double temperature,
        @Nullable Double epsilon,
        @Nullable Long seed,
        @Nullable Map<String, List<String>> keywords,
        @Nullable String fallback,
        @Nullable Aggregation aggregation,
        @Nullable String encoder,
        @Nullable String bandit,
        @Nullable Double gateWeight,
        @Nullable Double selfWeight,
        @Nullable Reroute reroute,
        @Nullable CostQuality costQuality,
        @Nullable Hedge hedge) {
      this.id = id == null ? "" : id;
      this.type = type == null ? "keyword" : type;
      this.experts = experts == null ? null : List.copyOf(experts);
      this.topK = topK == null ? 1 : topK;
      this.minConfidence = minConfidence == null ? 0.0 : minConfidence;
      this.temperature = temperature == null ? 1.0 : temperature;
      this.epsilon = epsilon == null ? 0.0 : epsilon;
      this.seed = seed == null ? 0L : seed;
      this.keywords = valuesOf("keywords", keywords);
      this.fallback = fallback;
      this.aggregation = aggregation;
      // Learned gates read sentence embeddings and hashed n-grams by default (issue 18); the
      // other kinds only read an encoder when told to (LinUCB), so theirs stays the cheap one.
      this.encoder =
          encoder != null
              ? encoder
              : "neural".equals(type) || "hybrid".equals(type) || "cost-quality".equals(type)
                  ? io.himoe.experts.encoders.Encoders.DEFAULT_ROUTING
                  : "hashing";
      this.bandit = bandit == null ? "ucb1" : bandit;
      this.gateWeight = gateWeight == null ? 0.7 : gateWeight;
      this.selfWeight = selfWeight == null ? 0.3 : selfWeight;
      this.reroute = reroute == null ? Reroute.DEFAULTS : reroute;
      this.costQuality = costQuality == null ? CostQuality.DEFAULTS : costQuality;
      this.hedge = hedge == null ? Hedge.DEFAULTS : hedge;
    }
  }

  /**
   * A {@code cost-quality} router's settings (issue 18): each request goes to the expert with the
   * highest {@code predicted quality − w · expected cost}, {@code w} calibrated so that the choice
   * reaches the target on held-out outcomes (RouteLLM's calibrated threshold).
   *
   * @param outcomes a JSONL file of {@code {"query": ..., "scores": {expert: quality in [0, 1]}}}
   *     rows scoring every expert of the router (e.g. graded answers of each model to past
   *     queries), at least 5: four fifths fit one quality predictor per expert, every fifth row
   *     calibrates {@code w}; required for a {@code cost-quality} router (null when absent)
   * @param targetQuality the cheapest choice reaching this share of the best single expert's
   *     quality on the held-out rows, in (0, 1.5]; default 1.0 unless {@code max_cost} is set (then
   *     null)
   * @param maxCost instead: the best quality whose mean expected cost per request stays under this,
   *     in cost units, &gt;= 0; null when absent
   * @param outputTokens output tokens assumed per answer when pricing an expert by the token
   *     ({@code cost_per_1k_tokens}), &gt;= 0, default 256
   * @param learningRate step of a feedback's reward on the answering expert's predictor, &gt;= 0
   *     (0: feedback teaches nothing), default 0.1
   * @param recalibrateEvery rewards between two calibrations of {@code w}, &gt;= 1, default 50
   */
  public record CostQuality(
      @Nullable String outcomes,
      @Nullable Double targetQuality,
      @Nullable Double maxCost,
      Integer outputTokens,
      Double learningRate,
      Integer recalibrateEvery) {

    /** Every default (no outcomes: only valid for routers of other types). */
    public static final CostQuality DEFAULTS = new CostQuality(null, null, null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param outcomes the outcomes file, or null
     * @param targetQuality the target share, or null (1.0 unless {@code maxCost} is given)
     * @param maxCost the mean cost bound, or null
     * @param outputTokens assumed output tokens, or null for 256
     * @param learningRate feedback step, or null for 0.1
     * @param recalibrateEvery rewards between calibrations, or null for 50
     */
    public CostQuality(
        @Nullable String outcomes,
        @Nullable Double targetQuality,
        @Nullable Double maxCost,
        @Nullable Integer outputTokens,
        @Nullable Double learningRate,
        @Nullable Integer recalibrateEvery) {
      this.outcomes = outcomes;
      this.targetQuality =
          targetQuality == null && maxCost == null ? Double.valueOf(1.0) : targetQuality;
      this.maxCost = maxCost;
      this.outputTokens = outputTokens == null ? 256 : outputTokens;
      this.learningRate = learningRate == null ? 0.1 : learningRate;
      this.recalibrateEvery = recalibrateEvery == null ? 50 : recalibrateEvery;
    }
  }

  /**
   * Re-routing (seed 000): when none of the experts a router called gave an answer with at least
   * {@code confidence_floor}, it calls the next-best expert by gate weight that fits the time and
   * budget left, up to {@code max} times; the trace says each re-route and why.
   *
   * @param max re-routes per request, default 2 (0 turns it off)
   * @param confidenceFloor an answer below this confidence counts as none, default 0.05
   */
  public record Reroute(Integer max, Double confidenceFloor) {

    /** Every default: up to 2 re-routes under 0.05. */
    public static final Reroute DEFAULTS = new Reroute(null, null);

    /**
     * Applies defaults.
     *
     * @param max re-routes per request, or null for 2
     * @param confidenceFloor the confidence floor, or null for 0.05
     */
    public Reroute(@Nullable Integer max, @Nullable Double confidenceFloor) {
      this.max = max == null ? 2 : max;
      this.confidenceFloor = confidenceFloor == null ? 0.05 : confidenceFloor;
    }
  }

  /**
   * Hedged calls ("The Tail at Scale"): a router that calls one expert also calls the next-best one
   * when the first has not answered by its recent latency percentile; the first good answer wins,
   * the other call is cancelled, and its reserved cost is charged.
   *
   * @param enabled {@code enabled}, default false
   * @param percentile {@code percentile} of the expert's last 64 answer latencies, default 95
   * @param minAnswers {@code min_answers} observed before hedging, default 20
   * @param minDelayMs {@code min_delay_ms}, the least wait before a hedge, default 1
   */
  public record Hedge(Boolean enabled, Double percentile, Integer minAnswers, Long minDelayMs) {

    /** Every default: off. */
    public static final Hedge DEFAULTS = new Hedge(null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param enabled whether it hedges, or null for false
     * @param percentile the latency percentile, or null for 95
     * @param minAnswers answers before hedging, or null for 20
     * @param minDelayMs least wait in ms, or null for 1
     */
    public Hedge(
        @Nullable Boolean enabled,
        @Nullable Double percentile,
        @Nullable Integer minAnswers,
        @Nullable Long minDelayMs) {
      this.enabled = enabled != null && enabled;
      this.percentile = percentile == null ? 95.0 : percentile;
      this.minAnswers = minAnswers == null ? 20 : minAnswers;
      this.minDelayMs = minDelayMs == null ? 1L : minDelayMs;
    }
  }

  /**
   * Which router handles which request.
   *
   * @param defaultRouter the router for requests no rule matches; null (absent) means the first
   *     router
   * @param rules ordered rules
   * @param planSteps when set, a plan answered by the first stage has each step routed by this
   *     router; null when absent
   * @param onStepFailure a plan step (or chained stage) that still fails after its router re-routed
   *     it: {@code partial} (default) answers with the completed steps and marks the failed one,
   *     {@code fail} fails the request
   */
  public record Orchestrator(
      @Nullable String defaultRouter,
      List<Rule> rules,
      @Nullable String planSteps,
      String onStepFailure) {

    /** Every default: the first router, no rules. */
    public static final Orchestrator DEFAULTS = new Orchestrator(null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param defaultRouter the default router, or null for the first one
     * @param rules the rules, or null for none
     * @param planSteps the plan steps' router, or null for none
     * @param onStepFailure {@code partial} or {@code fail}, or null for {@code partial}
     */
    public Orchestrator(
        @Nullable String defaultRouter,
        @Nullable List<Rule> rules,
        @Nullable String planSteps,
        @Nullable String onStepFailure) {
      this.defaultRouter = defaultRouter;
      this.rules = rules == null ? List.of() : List.copyOf(rules);
      this.planSteps = planSteps;
      this.onStepFailure = onStepFailure == null ? "partial" : onStepFailure;
    }
  }

  /**
   * A rule: when the request text matches, the named router handles it. A rule with several
   * conditions needs all of them.
   *
   * @param router the router; required (absent reads as empty, refused)
   * @param contains any of these words or phrases (case-insensitive)
   * @param regex a Java regular expression found in the text, or null for no such condition
   * @param minLength the text has at least this many characters, or null for no such condition
   */
  public record Rule(
      String router, List<String> contains, @Nullable String regex, @Nullable Integer minLength) {
    /**
     * Applies defaults.
     *
     * @param router the router, or null (refused)
     * @param contains the words, or null for none
     * @param regex the expression, or null
     * @param minLength the least length, or null
     */
    public Rule(
        @Nullable String router,
        @Nullable List<String> contains,
        @Nullable String regex,
        @Nullable Integer minLength) {
      this.router = router == null ? "" : router;
      this.contains = contains == null ? List.of() : List.copyOf(contains);
      this.regex = regex;
      this.minLength = minLength;
    }
  }

  /**
   * Shadow routers.
   *
   * @param routers routers run after each answer, off the critical path
   * @param minRemainingMs shadows run only when more than this is left of the budget, default 50
   * @param margin how much better a shadow must score to count as a win, default 0.05
   * @param sampleRate share of requests, in [0, 1], whose shadows run (chosen by trace id), default
   *     0.1
   * @param maxCpuShare the most CPU time shadows may use per unit of CPU time the rest of the
   *     server uses, &gt; 0, default 0.25
   * @param maxPerSecond the most shadow runs started per second, &gt;= 0 (0: no cap), default 50
   * @param credit how feedback credits the shadows
   */
  public record Shadows(
      List<String> routers,
      Long minRemainingMs,
      Double margin,
      Double sampleRate,
      Double maxCpuShare,
      Double maxPerSecond,
      Credit credit) {

    /** Every default: no shadows. */
    public static final Shadows DEFAULTS = new Shadows(null, null, null, null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param routers shadow routers, or null for none
     * @param minRemainingMs budget left in ms, or null for 50
     * @param margin win margin, or null for 0.05
     * @param sampleRate sampled share, or null for 0.1
     * @param maxCpuShare CPU share, or null for 0.25
     * @param maxPerSecond shadow runs per second at most, or null for 50 (0: no cap)
     * @param credit feedback credit, or null for its defaults
     */
    public Shadows(
        @Nullable List<String> routers,
        @Nullable Long minRemainingMs,
        @Nullable Double margin,
        @Nullable Double sampleRate,
        @Nullable Double maxCpuShare,
        @Nullable Double maxPerSecond,
        @Nullable Credit credit) {
      this.routers = routers == null ? List.of() : List.copyOf(routers);
      this.minRemainingMs = minRemainingMs == null ? 50L : minRemainingMs;
      this.margin = margin == null ? 0.05 : margin;
      this.sampleRate = sampleRate == null ? 0.1 : sampleRate;
      this.maxCpuShare = maxCpuShare == null ? 0.25 : maxCpuShare;
      this.maxPerSecond = maxPerSecond == null ? 50.0 : maxPerSecond;
      this.credit = credit == null ? Credit.DEFAULTS : credit;
    }

    /**
     * Shadow credit from feedback: each feedback on a primary's answer is replayed through its
     * shadows' gates (off the request path) and scored for both.
     *
     * @param enabled whether feedback credits shadows, default true
     * @param promote whether a shadow that wins significantly replaces its primary, default false
     * @param alpha significance level of the always-valid test, in (0, 1), default 0.05
     * @param minComparisons decisive comparisons needed before a promotion, default 30
     * @param margin how far an estimated score must be from the reward to decide, in [0, 1),
     *     default 0.1
     * @param minSamples rewards an expert needs before its mean stands for it, default 5
     * @param queue feedbacks waiting for credit at most (beyond, skipped and counted), default 1000
     * @param budgetMs time one replay may take, in ms, default 200
     */
    public record Credit(
        Boolean enabled,
        Boolean promote,
        Double alpha,
        Integer minComparisons,
        Double margin,
        Integer minSamples,
        Integer queue,
        Long budgetMs) {

      /** Every default. */
      public static final Credit DEFAULTS =
          new Credit(null, null, null, null, null, null, null, null);

      /**
       * Applies defaults.
       *
       * @param enabled whether feedback credits shadows, or null for true
       * @param promote whether a winner is promoted, or null for false
       * @param alpha significance level, or null for 0.05
       * @param minComparisons comparisons before a promotion, or null for 30
       * @param margin decision margin, or null for 0.1
       * @param minSamples rewards per expert, or null for 5
       * @param queue queued feedbacks at most, or null for 1000
       * @param budgetMs replay time in ms, or null for 200
       */
      public Credit(
          @Nullable Boolean enabled,
          @Nullable Boolean promote,
          @Nullable Double alpha,
          @Nullable Integer minComparisons,
          @Nullable Double margin,
          @Nullable Integer minSamples,
          @Nullable Integer queue,
          @Nullable Long budgetMs) {
        this.enabled = enabled == null ? Boolean.TRUE : enabled;
        this.promote = promote == null ? Boolean.FALSE : promote;
        this.alpha = alpha == null ? 0.05 : alpha;
        this.minComparisons = minComparisons == null ? 30 : minComparisons;
        this.margin = margin == null ? 0.1 : margin;
        this.minSamples = minSamples == null ? 5 : minSamples;
        this.queue = queue == null ? 1000 : queue;
        this.budgetMs = budgetMs == null ? 200L : budgetMs;
      }
    }
  }

  /**
   * An A/B rollout between routers: requests the orchestrator sends to one of its routers go to the
   * arm of their unit.
   *
   * @param name its name (unique); required (absent reads as empty, refused)
   * @param unit what is assigned to an arm and stays in it: {@code session}, {@code user} or {@code
   *     request} (default)
   * @param arms the routers and their shares, the control first (at least two)
   * @param alpha significance level of the sequential test, in (0, 1), default 0.05
   * @param minFeedback rewards each of two arms needs before a decision is suggested, default 50
   */
  public record Experiment(
      String name, String unit, List<Arm> arms, Double alpha, Integer minFeedback) {
    /**
     * Applies defaults.
     *
     * @param name its name, or null (refused)
     * @param unit the unit, or null for {@code request}
     * @param arms the arms, or null for none (refused)
     * @param alpha significance level, or null for 0.05
     * @param minFeedback rewards per arm, or null for 50
     */
    public Experiment(
        @Nullable String name,
        @Nullable String unit,
        @Nullable List<Arm> arms,
        @Nullable Double alpha,
        @Nullable Integer minFeedback) {
      this.name = name == null ? "" : name;
      this.unit = unit == null ? "request" : unit;
      this.arms = arms == null ? List.of() : List.copyOf(arms);
      this.alpha = alpha == null ? 0.05 : alpha;
      this.minFeedback = minFeedback == null ? 50 : minFeedback;
    }

    /**
     * One arm.
     *
     * @param router a router id; required (absent reads as empty, refused)
     * @param weight its share of the units, &gt;= 0 (the shares are normalised), default 1
     */
    public record Arm(String router, Double weight) {
      /**
       * Applies defaults.
       *
       * @param router the router, or null (refused)
       * @param weight its share, or null for 1
       */
      public Arm(@Nullable String router, @Nullable Double weight) {
        this.router = router == null ? "" : router;
        this.weight = weight == null ? 1.0 : weight;
      }
    }
  }

  /**
   * Learned routers' settings: {@code loss = task + λ·load_balance + μ·entropy}.
   *
   * @param lambda load-balance weight λ &gt;= 0, default 0.01
   * @param mu entropy weight μ &gt;= 0, default 0.001
   * @param optimiser {@code sgd} or {@code adam} (default)
   * @param learningRate step size &gt; 0, default 0.01
   * @param snapshotPath where learned state is saved; absent means not saved
   */
  public record Learning(
      Double lambda,
      Double mu,
      String optimiser,
      Double learningRate,
      @Nullable String snapshotPath) {

    /** Every default: learned state not saved. */
    public static final Learning DEFAULTS = new Learning(null, null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param lambda load-balance weight, or null for 0.01
     * @param mu entropy weight, or null for 0.001
     * @param optimiser the optimiser, or null for {@code adam}
     * @param learningRate the step size, or null for 0.01
     * @param snapshotPath where learned state is saved, or null for nowhere
     */
    public Learning(
        @Nullable Double lambda,
        @Nullable Double mu,
        @Nullable String optimiser,
        @Nullable Double learningRate,
        @Nullable String snapshotPath) {
      this.lambda = lambda == null ? 0.01 : lambda;
      this.mu = mu == null ? 0.001 : mu;
      this.optimiser = optimiser == null ? "adam" : optimiser;
      this.learningRate = learningRate == null ? 0.01 : learningRate;
      this.snapshotPath = snapshotPath;
    }
  }

  /**
   * Expert management.
   *
   * @param autoScale whether {@code max_instances} grows for busy, well-performing experts
   * @param performanceThreshold success rate in [0, 1] under which an expert underperforms, default
   *     0.85
   * @param removeUnderperforming whether underperforming experts are removed, default false
   * @param minCalls calls observed before an expert is judged, default 20
   */
  public record Management(
      Boolean autoScale,
      Double performanceThreshold,
      Boolean removeUnderperforming,
      Integer minCalls) {

    /** Every default: no scaling, no removal. */
    public static final Management DEFAULTS = new Management(null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param autoScale whether it scales, or null for false
     * @param performanceThreshold the success-rate floor, or null for 0.85
     * @param removeUnderperforming whether it removes, or null for false
     * @param minCalls calls before judging, or null for 20
     */
    public Management(
        @Nullable Boolean autoScale,
        @Nullable Double performanceThreshold,
        @Nullable Boolean removeUnderperforming,
        @Nullable Integer minCalls) {
      this.autoScale = autoScale != null && autoScale;
      this.performanceThreshold = performanceThreshold == null ? 0.85 : performanceThreshold;
      this.removeUnderperforming = removeUnderperforming != null && removeUnderperforming;
      this.minCalls = minCalls == null ? 20 : minCalls;
    }
  }

  /**
   * OpenTelemetry export.
   *
   * @param exporter {@code none} (default), {@code logging} (spans in the log) or {@code otlp}
   *     (OTLP over HTTP/protobuf to {@code endpoint}, batched off the request path)
   * @param serviceName the service name on spans, default {@code himoe}
   * @param endpoint the OTLP traces URL, default {@code http://localhost:4318/v1/traces}
   */
  public record Telemetry(String exporter, String serviceName, String endpoint) {

    /** Every default: no export. */
    public static final Telemetry DEFAULTS = new Telemetry(null, null, null);

    /**
     * Applies defaults.
     *
     * @param exporter the exporter, or null for {@code none}
     * @param serviceName the service name, or null for {@code himoe}
     * @param endpoint the OTLP URL, or null for the local collector's
     */
    public Telemetry(
        @Nullable String exporter, @Nullable String serviceName, @Nullable String endpoint) {
      this.exporter = exporter == null ? "none" : exporter;
      this.serviceName = serviceName == null ? "himoe" : serviceName;
      this.endpoint = endpoint == null ? "http://localhost:4318/v1/traces" : endpoint;
    }
  }

  /**
   * Dynamic resource allocation (seed 003, module {@code himoe-runtime}): per request, the prompt's
   * complexity and this machine's battery, memory and CPU choose a performance mode, which caps how
   * many experts top-k calls, sizes a bulkhead per expert, and turns a response cache on or off.
   *
   * @param enabled whether requests run under the runtime, default false
   * @param mode {@code auto} (default: complexity and device decide) or a fixed mode: {@code eco},
   *     {@code balanced}, {@code performance}, {@code maximum}
   * @param cacheSize response cache entries per expert, default 256
   * @param cacheTtlMs how long a cached response is served, default 300,000 (5 minutes)
   * @param memoryPools fixed budgets in bytes of the memory pools in-process model work leases from
   *     ({@code kv-cache}, {@code activations}, {@code uniforms}); empty (the default) derives them
   *     from this machine's free memory (a quarter of it, re-read as the device changes)
   */
  public record Runtime(
      Boolean enabled,
      String mode,
      Integer cacheSize,
      Long cacheTtlMs,
      Map<String, Long> memoryPools) {

    /** Every default: off. */
    public static final Runtime DEFAULTS = new Runtime(null, null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param enabled whether it is on, or null for false
     * @param mode the mode, or null for {@code auto}
     * @param cacheSize cache entries per expert, or null for 256
     * @param cacheTtlMs cache lifetime in ms, or null for 300,000
     * @param memoryPools pool budgets in bytes, or null to derive them
     */
    public Runtime(
        @Nullable Boolean enabled,
        @Nullable String mode,
        @Nullable Integer cacheSize,
        @Nullable Long cacheTtlMs,
        @Nullable Map<String, Long> memoryPools) {
      this.enabled = enabled != null && enabled;
      this.mode = mode == null ? "auto" : mode;
      this.cacheSize = cacheSize == null ? 256 : cacheSize;
      this.cacheTtlMs = cacheTtlMs == null ? 300_000L : cacheTtlMs;
      this.memoryPools = valuesOf("memory_pools", memoryPools);
    }
  }

  /**
   * Where the server keeps what several replicas must share: the feedback log, the decisions kept
   * for late feedback and the learned state. {@code sqlite} (the default) is one embedded file per
   * replica ({@code server.feedback_db}); {@code postgres} is one database shared by every replica
   * behind a load balancer.
   *
   * @param kind {@code sqlite} (default) or {@code postgres}
   * @param url for {@code postgres}: the JDBC URL, {@code jdbc:postgresql://HOST:PORT/DB}; null
   *     when absent
   * @param user for {@code postgres}: the database user; absent means the URL's or the driver's
   *     default
   * @param passwordEnv for {@code postgres}: the name of the environment variable holding the
   *     password (never the password itself); absent means no password
   * @param pool the connection pool
   * @param replicaId this replica's name in the shared store (its feedback cursor); absent means
   *     the host name and port
   * @param outboxDir where feedback is queued on local disk while the database is down, default
   *     {@code himoe-outbox}
   */
  public record Store(
      String kind,
      @Nullable String url,
      @Nullable String user,
      @Nullable String passwordEnv,
      Pool pool,
      @Nullable String replicaId,
      String outboxDir) {

    /** The default: embedded SQLite. */
    public static final Store EMBEDDED = new Store(null, null, null, null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param kind {@code sqlite} or {@code postgres}, or null for {@code sqlite}
     * @param url the JDBC URL, or null
     * @param user the database user, or null
     * @param passwordEnv the password's variable, or null
     * @param pool the pool, or null for its defaults
     * @param replicaId this replica's name, or null
     * @param outboxDir the outbox directory, or null for {@code himoe-outbox}
     */
    public Store(
        @Nullable String kind,
        @Nullable String url,
        @Nullable String user,
        @Nullable String passwordEnv,
        @Nullable Pool pool,
        @Nullable String replicaId,
        @Nullable String outboxDir) {
      this.kind = kind == null ? "sqlite" : kind;
      this.url = url;
      this.user = user;
      this.passwordEnv = passwordEnv;
      this.pool = pool == null ? Pool.DEFAULTS : pool;
      this.replicaId = replicaId;
      this.outboxDir = outboxDir == null ? "himoe-outbox" : outboxDir;
    }

    /**
     * @return whether the store is a shared PostgreSQL database
     */
    public boolean shared() {
      return kind.equals("postgres");
    }
  }

  /**
   * The database connection pool (HikariCP).
   *
   * @param max connections at most, default 10
   * @param connectTimeoutMs how long a request waits for a connection (from the pool, or a new one:
   *     TCP connect and login) before the store counts as down, in ms, default 2,000
   * @param queryTimeoutMs how long one statement may run on the server ({@code statement_timeout})
   *     and how long the replica waits for the database's answer (the socket's read timeout: a
   *     frozen database or a stalled network fails the call after it), in ms, default 2,000
   * @param startupWaitMs how long a replica that is starting keeps trying to reach its database
   *     before it exits (a database that starts beside it, or a slow first login on a busy host),
   *     in ms, default 10,000; never less than {@code connectTimeoutMs}
   */
  public record Pool(Integer max, Long connectTimeoutMs, Long queryTimeoutMs, Long startupWaitMs) {

    /** Every default. */
    public static final Pool DEFAULTS = new Pool(null, null, null, null);

    /**
     * Applies defaults.
     *
     * @param max connections at most, or null for 10
     * @param connectTimeoutMs the connect timeout in ms, or null for 2,000
     * @param queryTimeoutMs the query timeout in ms, or null for 2,000
     * @param startupWaitMs the wait for the database at start in ms, or null for 10,000
     */
    public Pool(
        @Nullable Integer max,
        @Nullable Long connectTimeoutMs,
        @Nullable Long queryTimeoutMs,
        @Nullable Long startupWaitMs) {
      this.max = max == null ? 10 : max;
      this.connectTimeoutMs = connectTimeoutMs == null ? 2_000L : connectTimeoutMs;
      this.queryTimeoutMs = queryTimeoutMs == null ? 2_000L : queryTimeoutMs;
      this.startupWaitMs = startupWaitMs == null ? 10_000L : startupWaitMs;
    }

    /**
     * A pool with the default wait at start.
     *
     * @param max connections at most, or null
     * @param connectTimeoutMs the connect timeout in ms, or null
     * @param queryTimeoutMs the query timeout in ms, or null
     */
    public Pool(
        @Nullable Integer max, @Nullable Long connectTimeoutMs, @Nullable Long queryTimeoutMs) {
      this(max, connectTimeoutMs, queryTimeoutMs, null);
    }

    /**
     * A pool with the default query timeout.
     *
     * @param max connections at most, or null
     * @param connectTimeoutMs the connect timeout in ms, or null
     */
    public Pool(@Nullable Integer max, @Nullable Long connectTimeoutMs) {
      this(max, connectTimeoutMs, null);
    }
  }
}
