package io.himoe.server.config;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The whole Hi-MoE configuration, as read from one YAML file (keys in {@code snake_case}). Every
 * section is optional except {@code experts} and {@code routers}; absent values take the defaults
 * documented on each record. Parse it with {@link ConfigLoader}, which refuses unknown keys and
 * names the path of any bad field.
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
      Server server,
      Budgets budgets,
      Aggregation aggregation,
      List<ExpertSpec> experts,
      List<Router> routers,
      Orchestrator orchestrator,
      Shadows shadows,
      Learning learning,
      Management management,
      Telemetry telemetry,
      Runtime runtime,
      Store store) {
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
        null,
        null,
        List.of());
  }

  /** Applies defaults and copies. */
  public HimoeConfig {
    server = server == null ? new Server(null, null, null, null, null, null) : server;
    budgets = budgets == null ? new Budgets(null, null, null) : budgets;
    aggregation = aggregation == null ? new Aggregation(null, null, null) : aggregation;
    experts = experts == null ? List.of() : List.copyOf(experts);
    routers = routers == null ? List.of() : List.copyOf(routers);
    orchestrator = orchestrator == null ? new Orchestrator(null, null, null, null) : orchestrator;
    shadows = shadows == null ? new Shadows(null, null, null, null, null, null) : shadows;
    learning = learning == null ? new Learning(null, null, null, null, null) : learning;
    management = management == null ? new Management(null, null, null, null) : management;
    telemetry = telemetry == null ? new Telemetry(null, null, null) : telemetry;
    runtime = runtime == null ? new Runtime(null, null, null, null, null) : runtime;
    store = store == null ? Store.EMBEDDED : store;
    gateway = gateway == null ? GatewayConfig.DEFAULTS : gateway;
    sessions = sessions == null ? SessionsConfig.DEFAULTS : sessions;
    experiments = experiments == null ? List.of() : List.copyOf(experiments);
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
    /** Applies defaults. */
    public Server {
      host = host == null ? "127.0.0.1" : host;
      port = port == null ? 8080 : port;
      maxBodyBytes = maxBodyBytes == null ? 1_048_576L : maxBodyBytes;
      auth = auth == null ? new Auth(null, null, null, null, null) : auth;
      feedbackDb = feedbackDb == null ? "himoe-feedback.db" : feedbackDb;
      traceCapacity = traceCapacity == null ? 10_000 : traceCapacity;
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
    /** Applies defaults. */
    public Auth {
      enabled = enabled == null || enabled;
      apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
      keys = keys == null ? List.of() : List.copyOf(keys);
      protect = protect == null ? List.of("feedback", "admin") : List.copyOf(protect);
      expertKeyEnv = expertKeyEnv == null ? List.of("*_API_KEY") : List.copyOf(expertKeyEnv);
    }
  }

  /**
   * One named API key (a tenant) and its limits; metrics and logs name it by its alias, never by
   * the key.
   *
   * @param alias the key's name in metrics and traces
   * @param key the key; write it as {@code ${ENV_VAR}}, never literally
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
      Integer requestsPerMin,
      Long tokensPerMin,
      Double costPerDay,
      Integer defaultMaxTokens) {
    /** Completion tokens reserved for a request that names no {@code max_tokens}. */
    public static final int DEFAULT_MAX_TOKENS = 1024;

    /** Applies defaults. */
    public Key {
      admin = admin != null && admin;
      if (defaultMaxTokens == null) {
        // A small tokens-per-minute limit must still fit a prompt beside the completion bound.
        defaultMaxTokens =
            tokensPerMin == null
                ? DEFAULT_MAX_TOKENS
                : (int) Math.max(1, Math.min(DEFAULT_MAX_TOKENS, tokensPerMin / 2));
      }
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
        String alias,
        String key,
        Boolean admin,
        Integer requestsPerMin,
        Long tokensPerMin,
        Double costPerDay) {
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
  public record Budgets(Long deadlineMs, Double cost, Long cpuMs) {
    /** Applies defaults. */
    public Budgets {
      deadlineMs = deadlineMs == null ? 2000L : deadlineMs;
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
  public record Aggregation(String strategy, String synthesisExpert, Double cascadeThreshold) {
    /** Applies defaults. */
    public Aggregation {
      strategy = strategy == null ? "best-score" : strategy;
      cascadeThreshold = cascadeThreshold == null ? 0.8 : cascadeThreshold;
    }
  }

  /**
   * One expert as written in a configuration file or an add-expert request; {@link ExpertSpecs}
   * turns it into its typed {@link ExpertSpec}, checking each field for its kind.
   *
   * @param name unique name
   * @param kind what it is: {@code planner}, {@code openai} (an OpenAI-compatible chat endpoint),
   *     or a kind contributed by the experts module
   * @param models for endpoint kinds: the model names, tried in order
   * @param endpoint for endpoint kinds: the base URL (e.g. {@code https://api.example.com/v1})
   * @param apiKey for endpoint kinds: the key, always as {@code ${ENV_VAR}}
   * @param costPerCall cost units charged per call, default 0
   * @param costPer1kTokens cost units per 1,000 tokens, default 0
   * @param maxInstances calls in flight at once, default unbounded
   * @param fallbacks experts tried in order when this one fails
   * @param keywords words that make keyword routers favour this expert
   * @param timeoutMs for endpoint kinds: HTTP timeout in ms, default 30,000
   * @param options kind-specific settings (strings)
   * @param examples example requests this expert should get: learned routers ({@code neural},
   *     {@code hybrid}) fit their gate from them at start-up, as routes defined by utterances
   * @param guard the resilience4j guard in front of it (breaker, retry, time and rate limits);
   *     absent means the defaults of {@link GuardSpec#DEFAULT}
   */
  public record Expert(
      String name,
      String kind,
      List<String> models,
      String endpoint,
      String apiKey,
      Double costPerCall,
      // SNAKE_CASE would spell it cost_per1k_tokens.
      @JsonProperty("cost_per_1k_tokens") Double costPer1kTokens,
      Integer maxInstances,
      List<String> fallbacks,
      List<String> keywords,
      Long timeoutMs,
      Map<String, String> options,
      List<String> examples,
      GuardSpec guard) {
    /** Applies defaults (the kind-specific ones are applied by {@link ExpertSpecs}). */
    public Expert {
      examples = examples == null ? List.of() : List.copyOf(examples);
      models = models == null ? List.of() : List.copyOf(models);
      costPerCall = costPerCall == null ? 0.0 : costPerCall;
      costPer1kTokens = costPer1kTokens == null ? 0.0 : costPer1kTokens;
      fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
      keywords = keywords == null ? List.of() : List.copyOf(keywords);
      options = options == null ? Map.of() : Map.copyOf(options);
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
        String name,
        String kind,
        List<String> models,
        String endpoint,
        String apiKey,
        Double costPerCall,
        Double costPer1kTokens,
        Integer maxInstances,
        List<String> fallbacks,
        List<String> keywords,
        Long timeoutMs,
        Map<String, String> options,
        List<String> examples) {
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
   * @param id unique id (also the {@code model} name clients use to force it)
   * @param type {@code keyword} (default), {@code neural}, {@code bandit}, {@code hybrid}, {@code
   *     cost-quality} or a type a module on the class path provides ({@code branched})
   * @param experts the experts it gates over; absent means all
   * @param topK experts called per request, default 1
   * @param minConfidence experts whose gate weight is under this are not called (the best one
   *     always is), in [0, 1], default 0
   * @param temperature softmax temperature, &gt; 0, default 1
   * @param epsilon exploration floor in [0, 1], default 0
   * @param seed tie-break seed, default 0
   * @param keywords per expert name, extra keywords for this router
   * @param fallback the expert that leads when nothing matches
   * @param aggregation overrides the default aggregation
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
      List<String> experts,
      Integer topK,
      Double minConfidence,
      Double temperature,
      Double epsilon,
      Long seed,
      Map<String, List<String>> keywords,
      String fallback,
      Aggregation aggregation,
      String encoder,
      String bandit,
      Double gateWeight,
      Double selfWeight,
      Reroute reroute,
      CostQuality costQuality,
      Hedge hedge) {
    /** Applies defaults. */
    public Router {
      reroute = reroute == null ? new Reroute(null, null) : reroute;
      hedge = hedge == null ? new Hedge(null, null, null, null) : hedge;
      costQuality =
          costQuality == null ? new CostQuality(null, null, null, null, null, null) : costQuality;
      // Learned gates read sentence embeddings and hashed n-grams by default (issue 18); the
      // other kinds only read an encoder when told to (LinUCB), so theirs stays the cheap one.
      encoder =
          encoder != null
              ? encoder
              : "neural".equals(type) || "hybrid".equals(type) || "cost-quality".equals(type)
                  ? io.himoe.experts.encoders.Encoders.DEFAULT_ROUTING
                  : "hashing";
      bandit = bandit == null ? "ucb1" : bandit;
      gateWeight = gateWeight == null ? 0.7 : gateWeight;
      selfWeight = selfWeight == null ? 0.3 : selfWeight;
      type = type == null ? "keyword" : type;
      topK = topK == null ? 1 : topK;
      minConfidence = minConfidence == null ? 0.0 : minConfidence;
      temperature = temperature == null ? 1.0 : temperature;
      epsilon = epsilon == null ? 0.0 : epsilon;
      seed = seed == null ? 0L : seed;
      keywords = keywords == null ? Map.of() : Map.copyOf(keywords);
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
   *     calibrates {@code w}; required
   * @param targetQuality the cheapest choice reaching this share of the best single expert's
   *     quality on the held-out rows, in (0, 1.5]; default 1.0 unless {@code max_cost} is set
   * @param maxCost instead: the best quality whose mean expected cost per request stays under this,
   *     in cost units, &gt;= 0
   * @param outputTokens output tokens assumed per answer when pricing an expert by the token
   *     ({@code cost_per_1k_tokens}), &gt;= 0, default 256
   * @param learningRate step of a feedback's reward on the answering expert's predictor, &gt;= 0
   *     (0: feedback teaches nothing), default 0.1
   * @param recalibrateEvery rewards between two calibrations of {@code w}, &gt;= 1, default 50
   */
  public record CostQuality(
      String outcomes,
      Double targetQuality,
      Double maxCost,
      Integer outputTokens,
      Double learningRate,
      Integer recalibrateEvery) {
    /** Applies defaults. */
    public CostQuality {
      targetQuality =
          targetQuality == null && maxCost == null ? Double.valueOf(1.0) : targetQuality;
      outputTokens = outputTokens == null ? 256 : outputTokens;
      learningRate = learningRate == null ? 0.1 : learningRate;
      recalibrateEvery = recalibrateEvery == null ? 50 : recalibrateEvery;
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
    /** Applies defaults. */
    public Reroute {
      max = max == null ? 2 : max;
      confidenceFloor = confidenceFloor == null ? 0.05 : confidenceFloor;
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
    /** Applies defaults. */
    public Hedge {
      enabled = enabled != null && enabled;
      percentile = percentile == null ? 95.0 : percentile;
      minAnswers = minAnswers == null ? 20 : minAnswers;
      minDelayMs = minDelayMs == null ? 1L : minDelayMs;
    }
  }

  /**
   * Which router handles which request.
   *
   * @param defaultRouter the router for requests no rule matches; default the first router
   * @param rules ordered rules
   * @param planSteps when set, a plan answered by the first stage has each step routed by this
   *     router
   * @param onStepFailure a plan step (or chained stage) that still fails after its router re-routed
   *     it: {@code partial} (default) answers with the completed steps and marks the failed one,
   *     {@code fail} fails the request
   */
  public record Orchestrator(
      String defaultRouter, List<Rule> rules, String planSteps, String onStepFailure) {
    /** Applies defaults. */
    public Orchestrator {
      rules = rules == null ? List.of() : List.copyOf(rules);
      onStepFailure = onStepFailure == null ? "partial" : onStepFailure;
    }
  }

  /**
   * A rule: when the request text matches, the named router handles it. A rule with several
   * conditions needs all of them.
   *
   * @param router the router
   * @param contains any of these words or phrases (case-insensitive)
   * @param regex a Java regular expression found in the text
   * @param minLength the text has at least this many characters
   */
  public record Rule(String router, List<String> contains, String regex, Integer minLength) {
    /** Applies defaults. */
    public Rule {
      contains = contains == null ? List.of() : List.copyOf(contains);
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
   * @param credit how feedback credits the shadows
   */
  public record Shadows(
      List<String> routers,
      Long minRemainingMs,
      Double margin,
      Double sampleRate,
      Double maxCpuShare,
      Credit credit) {
    /** Applies defaults. */
    public Shadows {
      routers = routers == null ? List.of() : List.copyOf(routers);
      minRemainingMs = minRemainingMs == null ? 50L : minRemainingMs;
      margin = margin == null ? 0.05 : margin;
      sampleRate = sampleRate == null ? 0.1 : sampleRate;
      maxCpuShare = maxCpuShare == null ? 0.25 : maxCpuShare;
      credit = credit == null ? new Credit(null, null, null, null, null, null, null, null) : credit;
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
      /** Applies defaults. */
      public Credit {
        enabled = enabled == null ? Boolean.TRUE : enabled;
        promote = promote == null ? Boolean.FALSE : promote;
        alpha = alpha == null ? 0.05 : alpha;
        minComparisons = minComparisons == null ? 30 : minComparisons;
        margin = margin == null ? 0.1 : margin;
        minSamples = minSamples == null ? 5 : minSamples;
        queue = queue == null ? 1000 : queue;
        budgetMs = budgetMs == null ? 200L : budgetMs;
      }
    }
  }

  /**
   * An A/B rollout between routers: requests the orchestrator sends to one of its routers go to the
   * arm of their unit.
   *
   * @param name its name (unique)
   * @param unit what is assigned to an arm and stays in it: {@code session}, {@code user} or {@code
   *     request} (default)
   * @param arms the routers and their shares, the control first (at least two)
   * @param alpha significance level of the sequential test, in (0, 1), default 0.05
   * @param minFeedback rewards each of two arms needs before a decision is suggested, default 50
   */
  public record Experiment(
      String name, String unit, List<Arm> arms, Double alpha, Integer minFeedback) {
    /** Applies defaults. */
    public Experiment {
      unit = unit == null ? "request" : unit;
      arms = arms == null ? List.of() : List.copyOf(arms);
      alpha = alpha == null ? 0.05 : alpha;
      minFeedback = minFeedback == null ? 50 : minFeedback;
    }

    /**
     * One arm.
     *
     * @param router a router id
     * @param weight its share of the units, &gt;= 0 (the shares are normalised), default 1
     */
    public record Arm(String router, Double weight) {
      /** Applies defaults. */
      public Arm {
        weight = weight == null ? 1.0 : weight;
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
      Double lambda, Double mu, String optimiser, Double learningRate, String snapshotPath) {
    /** Applies defaults. */
    public Learning {
      lambda = lambda == null ? 0.01 : lambda;
      mu = mu == null ? 0.001 : mu;
      optimiser = optimiser == null ? "adam" : optimiser;
      learningRate = learningRate == null ? 0.01 : learningRate;
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
    /** Applies defaults. */
    public Management {
      autoScale = autoScale != null && autoScale;
      performanceThreshold = performanceThreshold == null ? 0.85 : performanceThreshold;
      removeUnderperforming = removeUnderperforming != null && removeUnderperforming;
      minCalls = minCalls == null ? 20 : minCalls;
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
    /** Applies defaults. */
    public Telemetry {
      exporter = exporter == null ? "none" : exporter;
      serviceName = serviceName == null ? "himoe" : serviceName;
      endpoint = endpoint == null ? "http://localhost:4318/v1/traces" : endpoint;
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
    /** Applies defaults. */
    public Runtime {
      enabled = enabled != null && enabled;
      mode = mode == null ? "auto" : mode;
      cacheSize = cacheSize == null ? 256 : cacheSize;
      cacheTtlMs = cacheTtlMs == null ? 300_000L : cacheTtlMs;
      memoryPools = memoryPools == null ? Map.of() : Map.copyOf(memoryPools);
    }
  }

  /**
   * Where the server keeps what several replicas must share: the feedback log, the decisions kept
   * for late feedback and the learned state. {@code sqlite} (the default) is one embedded file per
   * replica ({@code server.feedback_db}); {@code postgres} is one database shared by every replica
   * behind a load balancer.
   *
   * @param kind {@code sqlite} (default) or {@code postgres}
   * @param url for {@code postgres}: the JDBC URL, {@code jdbc:postgresql://HOST:PORT/DB}
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
      String url,
      String user,
      String passwordEnv,
      Pool pool,
      String replicaId,
      String outboxDir) {

    /** The default: embedded SQLite. */
    public static final Store EMBEDDED = new Store(null, null, null, null, null, null, null);

    /** Applies defaults. */
    public Store {
      kind = kind == null ? "sqlite" : kind;
      pool = pool == null ? new Pool(null, null, null) : pool;
      outboxDir = outboxDir == null ? "himoe-outbox" : outboxDir;
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
   */
  public record Pool(Integer max, Long connectTimeoutMs, Long queryTimeoutMs) {
    /** Applies defaults. */
    public Pool {
      max = max == null ? 10 : max;
      connectTimeoutMs = connectTimeoutMs == null ? 2_000L : connectTimeoutMs;
      queryTimeoutMs = queryTimeoutMs == null ? 2_000L : queryTimeoutMs;
    }

    /**
     * A pool with the default query timeout.
     *
     * @param max connections at most, or null
     * @param connectTimeoutMs the connect timeout in ms, or null
     */
    public Pool(Integer max, Long connectTimeoutMs) {
      this(max, connectTimeoutMs, null);
    }
  }
}
