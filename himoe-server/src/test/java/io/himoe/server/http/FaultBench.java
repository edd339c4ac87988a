package io.himoe.server.http;

import io.himoe.experts.llm.FaultyUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * Issue 16's benchmark (b): chat completions through {@code himoe serve}'s HTTP stack to three
 * equivalent {@code llm} experts, each on its own local upstream ({@link FaultyUpstream}), at a
 * fixed concurrency, in three runs: all upstreams healthy; one failing 20 % of its calls (HTTP 500)
 * and one slow at the tail, without re-route or hedging; the same faults with both. A benchmark,
 * not a test: run it with {@code himoe-server/bench-faults.sh [SECONDS] [CONCURRENCY]}
 * (docs/BENCHMARKS.md §14.4).
 *
 * <p>Every upstream answers after 20 ms plus a uniform 0-10 ms; the failing one answers 500 at once
 * on 20 % of its requests; the slow one takes 1 s on 2 % of its requests. The requests' texts
 * rotate over three keywords, so that each expert is the first pick of a third of the traffic (a
 * load balancer's spread) and the others follow it by gate weight. The llm experts' own per-model
 * retries are off ({@code options.attempts: 1}) in every run: re-route and hedging are what is
 * measured. The draws are seeded: each run sees the same fault pattern.
 */
public final class FaultBench {

  static final int BASE_MS = 20;
  static final int JITTER_MS = 10;
  static final double FAIL_RATE = 0.20;
  static final double SLOW_RATE = 0.02;
  static final int SLOW_MS = 1000;
  static final long DEADLINE_MS = 2000;
  static final List<String> WORDS = List.of("alpha", "beta", "gamma");

  private FaultBench() {}

  /**
   * @param args seconds per run (default 180), concurrency (default 16), runs (default
   *     healthy,faulty,protected)
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 180;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    List<String> runs =
        List.of((args.length > 2 ? args[2] : "healthy,faulty,protected").split(","));
    System.out.printf(
        "# three llm experts on local upstreams: %d ms + U(0, %d) ms per answer; faults: one"
            + " upstream answers 500 on %.0f %% of calls, one takes %d ms on %.0f %%; deadline %d"
            + " ms; %d clients; %d s per run after a %d s warm-up%n",
        BASE_MS,
        JITTER_MS,
        FAIL_RATE * 100,
        SLOW_MS,
        SLOW_RATE * 100,
        DEADLINE_MS,
        concurrency,
        seconds,
        warmup(seconds));
    System.out.println(
        "| run | requests | success % | p50 ms | p99 ms | p99.9 ms | max ms | errors (status:n) |"
            + " hedges (won) | re-routes | upstream calls/request | CPU ms/request | load before"
            + " -> after |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|");
    for (String run : runs) {
      boolean faults = !run.equals("healthy");
      boolean protect = run.equals("protected");
      if (!List.of("healthy", "faulty", "protected").contains(run)) {
        throw new IllegalArgumentException("unknown run " + run + " (healthy, faulty, protected)");
      }
      System.out.println(runOnce(run, faults, protect, seconds, concurrency));
    }
  }

  static int warmup(int seconds) {
    return Math.max(10, Math.min(30, seconds / 6));
  }

  /** An upstream's behaviour for request n: seeded, so every run sees the same draws. */
  static IntFunction<FaultyUpstream.Fault> upstream(long seed, double failRate, double slowRate) {
    return n -> {
      SplittableRandom r = new SplittableRandom(seed * 1_000_003L + n);
      double u = r.nextDouble();
      if (u < failRate) {
        return new FaultyUpstream.Status(500);
      }
      if (u < failRate + slowRate) {
        return new FaultyUpstream.Slow(Duration.ofMillis(SLOW_MS), "late hello");
      }
      return new FaultyUpstream.Slow(
          Duration.ofMillis(BASE_MS + r.nextInt(JITTER_MS + 1)), "hello");
    };
  }

  static String config(List<FaultyUpstream> ups, boolean protect) {
    StringBuilder experts = new StringBuilder();
    for (int i = 0; i < ups.size(); i++) {
      experts.append(
          """
            - name: %s
              kind: llm
              endpoint: "%s"
              models: [m]
              keywords: [%s]
              max_instances: 256
              timeout_ms: %d
              options: {attempts: "1"}
          """
              .formatted("up-" + WORDS.get(i), ups.get(i).baseUrl(), WORDS.get(i), DEADLINE_MS));
    }
    return """
        budgets: {deadline_ms: %d}
        experts:
        %s
        routers:
          - id: main
            type: keyword
            top_k: 1
            reroute: {max: %d}
            hedge: {enabled: %s, percentile: 95, min_answers: 20, min_delay_ms: 1}
        shadows: {sample_rate: 0}
        """
        .formatted(DEADLINE_MS, experts, protect ? 2 : 0, protect);
  }

  static String runOnce(String name, boolean faults, boolean protect, int seconds, int c)
      throws Exception {
    Path dir = Files.createTempDirectory("himoe-fault-bench");
    List<FaultyUpstream> ups = new ArrayList<>();
    try {
      ups.add(new FaultyUpstream().byRequest(upstream(1, 0, 0)));
      ups.add(new FaultyUpstream().byRequest(upstream(2, faults ? FAIL_RATE : 0, 0)));
      ups.add(new FaultyUpstream().byRequest(upstream(3, 0, faults ? SLOW_RATE : 0)));
      try (Assembly assembly =
              Assembly.build(ConfigLoader.of(Map.of()).parse(config(ups, protect), "bench"));
          HimoeServer server =
              HimoeServer.builder(assembly)
                  .host("127.0.0.1")
                  .port(0)
                  .feedbackDb(dir.resolve("f.db"))
                  .start()) {
        URI uri = URI.create(server.url() + "/v1/chat/completions");
        // Warm-up: JIT, connections, and the experts' latency percentiles (hedging needs 20
        // answers of each); not counted.
        load(uri, c, warmup(seconds));
        long[] before = counters(assembly, ups);
        String loadBefore = loadAverage();
        long cpu0 = GatewayTtftBench.processCpuNanos();
        Result r = load(uri, c, seconds);
        long cpu = GatewayTtftBench.processCpuNanos() - cpu0;
        String loadAfter = loadAverage();
        long[] after = counters(assembly, ups);
        long n = r.latency.getTotalCount();
        long hedges = after[0] - before[0];
        long wins = after[1] - before[1];
        long calls = after[2] - before[2];
        long upstreamCalls = after[3] - before[3];
        // Every expert call beyond the first of a request and its hedge is a re-route.
        long reroutes = Math.max(0, calls - n - hedges);
        return String.format(
            "| %s | %d | %.3f | %.1f | %.1f | %.1f | %.1f | %s | %d (%d) | %d | %.3f | %.2f | %s ->"
                + " %s |",
            name,
            n,
            n == 0 ? 0 : 100.0 * r.ok / n,
            ms(r.latency.getValueAtPercentile(50)),
            ms(r.latency.getValueAtPercentile(99)),
            ms(r.latency.getValueAtPercentile(99.9)),
            ms(r.latency.getMaxValue()),
            r.errors.isEmpty() ? "-" : r.errors.toString(),
            hedges,
            wins,
            reroutes,
            n == 0 ? 0 : (double) upstreamCalls / n,
            n == 0 ? 0 : cpu / 1e6 / n,
            loadBefore,
            loadAfter);
      }
    } finally {
      ups.forEach(FaultyUpstream::close);
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Hedges started, hedges won, expert calls (over the experts), upstream requests. */
  static long[] counters(Assembly a, List<FaultyUpstream> ups) {
    long[] c = new long[4];
    for (Assembly.ExpertInfo e : a.experts()) {
      c[0] += e.hedges();
      c[1] += e.hedgeWins();
      c[2] += e.calls();
    }
    for (FaultyUpstream u : ups) {
      c[3] += u.requests();
    }
    return c;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  static double ms(long micros) {
    return micros / 1000.0;
  }

  /** One run's latencies (µs, every request, failed ones too) and outcomes. */
  record Result(Histogram latency, long ok, Map<Integer, Long> errors) {}

  static Result load(URI uri, int concurrency, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Result>> parts = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < concurrency; i++) {
        int client = i;
        parts.add(pool.submit(() -> client(uri, end, client)));
      }
    }
    Histogram latency = new Histogram(3);
    long ok = 0;
    Map<Integer, Long> errors = new TreeMap<>();
    for (Future<Result> f : parts) {
      Result r = f.get();
      latency.add(r.latency);
      ok += r.ok;
      r.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
    }
    return new Result(latency, ok, errors);
  }

  static Result client(URI uri, long end, int client) {
    Histogram latency = new Histogram(3);
    long ok = 0;
    Map<Integer, Long> errors = new TreeMap<>();
    try (HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build()) {
      for (int i = client; System.nanoTime() < end; i++) {
        String body =
            "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + WORDS.get(i % WORDS.size())
                + ": say hello\"}]}";
        HttpRequest req =
            HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMillis(DEADLINE_MS * 5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long t0 = System.nanoTime();
        int status;
        try {
          HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
          status = res.statusCode();
          if (status == 200 && !res.body().contains("hello")) {
            status = -2; // a 200 without the upstream's answer
          }
        } catch (IOException e) {
          status = -1; // no HTTP answer at all
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
        if (status == 200) {
          ok++;
        } else {
          errors.merge(status, 1L, Long::sum);
        }
      }
    }
    return new Result(latency, ok, errors);
  }
}
