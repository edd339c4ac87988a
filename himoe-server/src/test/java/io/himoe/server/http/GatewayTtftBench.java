package io.himoe.server.http;

import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * Time to first token and total latency of streamed chat completions, through the gateway and
 * against the same local streaming upstream called directly, at several concurrencies and with two
 * connection modes (issue 15's benchmark; docs/BENCHMARKS.md, gateway section). A benchmark, not a
 * test: run it with {@code himoe-server/bench-gateway.sh [SECONDS_PER_ROUND] [CONCURRENCY,...]
 * [close,keepalive] [MIN_REQUESTS]}.
 *
 * <p>Clients ({@link SseBenchClient}) either open a connection per request or keep one open, and
 * time the first SSE line carrying content and {@code data: [DONE]} from the moment the request was
 * written. The upstream streams 5 tokens, {@value #TOKEN_DELAY_MS} ms apart. Before any cell, both
 * paths are warmed at concurrency 64 so the JIT has compiled the request path. A cell at
 * concurrency 1 is {@link GatewayTtftBenchPaired}'s: one client alternates direct and gateway
 * requests, after a JIT settle at concurrency 1, until both have {@code MIN_REQUESTS}. A cell at a
 * higher concurrency alternates rounds of direct and gateway calls until both have {@code
 * MIN_REQUESTS} requests, and reports, beside the latencies, the process's CPU per request, the GC
 * pauses and JIT time during the cell, how many of the slowest 1 % of TTFTs overlapped a GC pause,
 * and which threads used the CPU. Client, gateway and upstream share this JVM: the direct path's
 * CPU per request (client + upstream) subtracted from the gateway path's gives the gateway's own, a
 * figure that holds better than latencies on a loaded machine.
 */
public final class GatewayTtftBench {

  static final int TOKEN_DELAY_MS = 20;
  static final String BODY =
      "{\"model\":\"main\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
  private static final int MAX_ROUNDS = 40;
  private static final int WARM_CONCURRENCY = 64;
  private static final int TOP_UP_ROUNDS = 4;
  private static final int TOP_UP_SECONDS = 4;
  private static final int TOP_UP_QUIET_JIT_MS = 100;

  private GatewayTtftBench() {}

  /**
   * @param args seconds per round (default 10), concurrencies (default 1,64), connection modes
   *     (default close,keepalive), minimum requests per path and cell (default 1000), seconds of
   *     JVM warm-up per path and mode at concurrency 64 (default 20)
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Integer> levels = new ArrayList<>();
    for (String s : (args.length > 1 ? args[1] : "1,64").split(",")) {
      levels.add(Integer.parseInt(s.strip()));
    }
    List<SseBenchClient.Connection> modes = new ArrayList<>();
    for (String s : (args.length > 2 ? args[2] : "close,keepalive").split(",")) {
      modes.add(SseBenchClient.Connection.parse(s));
    }
    int minRequests = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
    int jvmWarmSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    JvmWatch jvm = new JvmWatch();
    Path dir = Files.createTempDirectory("himoe-ttft-bench");
    try (LocalUpstream upstream = new LocalUpstream()) {
      upstream.keepRequests(false);
      upstream.behave(
          new LocalUpstream.Tokens(
              List.of("one ", "two ", "three ", "four ", "five"), TOKEN_DELAY_MS, 12));
      try (Assembly assembly =
              Assembly.build(
                  ConfigLoader.of(Map.of())
                      .parse(
                          """
                          budgets:
                            deadline_ms: 30000
                          experts:
                            - name: chat
                              kind: llm
                              endpoint: %s
                              models: [m1]
                              max_instances: 1000
                          routers:
                            - id: main
                          shadows:
                            sample_rate: 0
                          """
                              .formatted(upstream.baseUrl()),
                          "bench"));
          HimoeServer server =
              HimoeServer.builder(assembly)
                  .host("127.0.0.1")
                  .port(0)
                  .feedbackDb(dir.resolve("f.db"))
                  .start()) {
        URI direct = URI.create(upstream.baseUrl() + "/chat/completions");
        URI gateway = URI.create(server.url() + "/v1/chat/completions");
        int warm = Math.max(2, seconds / 2);
        System.out.printf(
            "# upstream: 5 tokens %d ms apart; JVM warm-up: %d s per path and connection mode at"
                + " concurrency %d; each cell: %d s warm-up per path, then rounds of %d s (direct,"
                + " gateway) until both have %d requests (at most %d rounds)%n",
            TOKEN_DELAY_MS,
            jvmWarmSeconds,
            WARM_CONCURRENCY,
            warm,
            seconds,
            minRequests,
            MAX_ROUNDS);
        // The JIT compiles a method to C2 after ~10,000 calls: at concurrency 1 (~10 requests/s)
        // the request path would still run interpreted minutes later. A long-running gateway is
        // compiled, so every path is first called at high concurrency.
        for (URI uri : List.of(direct, gateway)) {
          for (SseBenchClient.Connection m : modes) {
            List<SseBenchClient.Result> w = run(uri, m, WARM_CONCURRENCY, jvmWarmSeconds);
            long n = w.stream().mapToLong(r -> r.total().getTotalCount()).sum();
            System.out.printf(
                "# warm-up %s %s: %d requests%n",
                uri.equals(direct) ? "direct" : "gateway", m.label(), n);
          }
        }
        topUp(direct, gateway, modes);
        // What the process burns with no request at all (pollers, samplers, scheduled tasks).
        JvmWatch.Mark idle0 = jvm.mark();
        Thread.sleep(seconds * 1000L);
        JvmWatch.Mark idle1 = jvm.mark();
        System.out.printf(
            "# idle for %d s after the warm-up: %.1f ms CPU per second; by thread group:%s%n",
            seconds,
            (idle1.processCpuNs() - idle0.processCpuNs()) / 1e6 / seconds,
            jvm.threadCpuMs(idle0, idle1).stream()
                .limit(8)
                .map(e -> " " + e.getKey() + " " + e.getValue() + " ms")
                .reduce("", String::concat));
        System.out.println(
            "| path | connection | concurrency | requests | TTFT p50 ms | TTFT p99 ms | TTFT max ms"
                + " | total p50 ms | total p99 ms | CPU ms/request | GC pauses (n / ms) | JIT ms"
                + " | slowest 1 % in a GC pause | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<String> threads = new ArrayList<>();
        for (int c : levels) {
          for (SseBenchClient.Connection m : modes) {
            if (c == 1) {
              // One client alternating direct and gateway requests: both paths see the same
              // machine state and no idle round (see GatewayTtftBenchPaired).
              GatewayTtftBenchPaired.settle(direct, gateway, m, 3 * seconds);
              GatewayTtftBenchPaired.cell(jvm, direct, gateway, m, minRequests);
              continue;
            }
            run(direct, m, c, warm);
            run(gateway, m, c, warm);
            Cell d = Cell.empty();
            Cell g = Cell.empty();
            List<Double> perRound = new ArrayList<>();
            for (int round = 0;
                round < MAX_ROUNDS && (d.requests() < minRequests || g.requests() < minRequests);
                round++) {
              Cell dr = measure(jvm, direct, m, c, seconds);
              Cell gr = measure(jvm, gateway, m, c, seconds);
              perRound.add(
                  ms(gr.ttft.getValueAtPercentile(99)) - ms(dr.ttft.getValueAtPercentile(99)));
              d = d.plus(dr);
              g = g.plus(gr);
            }
            // A round's p99 moves with the collector cycles that fall in it: the spread over
            // rounds says how far one round's figure can be trusted.
            System.out.printf(
                "# %s, concurrency %d: TTFT p99 added per round pair (direct round, then gateway"
                    + " round; ms): %s%n",
                m.label(),
                c,
                perRound.stream()
                    .map(x -> String.format("%.2f", x))
                    .collect(java.util.stream.Collectors.joining(", ")));
            System.out.println(d.row("direct", m, c, jvm));
            System.out.println(g.row("gateway", m, c, jvm));
            System.out.printf(
                "| gateway adds (p50 / p99) | %s | %d | | %.2f / %.2f | | | %.2f / %.2f | | %.2f"
                    + " | | | | |%n",
                m.label(),
                c,
                ms(g.ttft.getValueAtPercentile(50)) - ms(d.ttft.getValueAtPercentile(50)),
                ms(g.ttft.getValueAtPercentile(99)) - ms(d.ttft.getValueAtPercentile(99)),
                ms(g.total.getValueAtPercentile(50)) - ms(d.total.getValueAtPercentile(50)),
                ms(g.total.getValueAtPercentile(99)) - ms(d.total.getValueAtPercentile(99)),
                g.cpuMsPerRequest() - d.cpuMsPerRequest());
            threads.add(d.threads("direct", m, c));
            threads.add(g.threads("gateway", m, c));
          }
        }
        System.out.println();
        System.out.println("CPU ms per thread group over each cell (whole process, top 8):");
        threads.forEach(System.out::println);
      }
    }
  }

  /**
   * Short bursts at concurrency 64 after the warm-up, each followed by a pause, until a burst and
   * its pause see under {@value #TOP_UP_QUIET_JIT_MS} ms of compilation (at most {@value
   * #TOP_UP_ROUNDS}). During the warm-up the compiler's queue is long, and HotSpot then raises the
   * call counts at which it compiles a method with C2 (tiered compilation's load feedback); it
   * looks at a method's counts again only every ~1,000 calls, which at concurrency 1 (~5 gateway
   * requests a second) is minutes for a method called once per request. A burst with the queue
   * drained gets those methods compiled now, as minutes of traffic would.
   */
  static void topUp(URI direct, URI gateway, List<SseBenchClient.Connection> modes)
      throws Exception {
    var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    StringBuilder rounds = new StringBuilder();
    for (int round = 0; round < TOP_UP_ROUNDS; round++) {
      long j0 = jit.getTotalCompilationTime();
      for (SseBenchClient.Connection m : modes) {
        run(gateway, m, WARM_CONCURRENCY, TOP_UP_SECONDS);
        run(direct, m, WARM_CONCURRENCY, TOP_UP_SECONDS);
      }
      Thread.sleep(TOP_UP_SECONDS * 1000L);
      long ms = jit.getTotalCompilationTime() - j0;
      rounds.append(rounds.isEmpty() ? "" : ", ").append(ms);
      if (ms < TOP_UP_QUIET_JIT_MS) {
        break;
      }
    }
    System.out.printf(
        "# top-up bursts at concurrency %d (%d s per path and mode, then %d s pause): ms of"
            + " compilation per burst: %s%n",
        WARM_CONCURRENCY, TOP_UP_SECONDS, TOP_UP_SECONDS, rounds);
  }

  /**
   * One cell's measurements, summed over its rounds.
   *
   * @param ttft time to first token, ns
   * @param total time to [DONE], ns
   * @param errors failed requests
   * @param cpuNs process CPU time over the rounds, ns
   * @param pauses GC pauses during the rounds
   * @param jitMs JIT compilation time during the rounds
   * @param slow request starts and TTFTs ([start, ttft] pairs)
   * @param threadMs CPU ms per thread group
   */
  record Cell(
      Histogram ttft,
      Histogram total,
      long errors,
      long cpuNs,
      List<JvmWatch.Pause> pauses,
      long jitMs,
      List<long[]> slow,
      Map<String, Long> threadMs) {

    static Cell empty() {
      return new Cell(new Histogram(3), new Histogram(3), 0, 0, List.of(), 0, List.of(), Map.of());
    }

    long requests() {
      return total.getTotalCount();
    }

    double cpuMsPerRequest() {
      return cpuNs / 1e6 / Math.max(1, requests());
    }

    Cell plus(Cell o) {
      Histogram t = ttft.copy();
      t.add(o.ttft);
      Histogram tot = total.copy();
      tot.add(o.total);
      List<JvmWatch.Pause> p = new ArrayList<>(pauses);
      p.addAll(o.pauses);
      List<long[]> s = new ArrayList<>(slow);
      s.addAll(o.slow);
      Map<String, Long> th = new java.util.HashMap<>(threadMs);
      o.threadMs.forEach((k, v) -> th.merge(k, v, Long::sum));
      return new Cell(t, tot, errors + o.errors, cpuNs + o.cpuNs, p, jitMs + o.jitMs, s, th);
    }

    /** How many of the requests at or above the TTFT p99 overlapped a GC pause, "k of n". */
    String slowInPause(JvmWatch jvm) {
      long p99 = ttft.lowestEquivalentValue(ttft.getValueAtPercentile(99));
      int n = 0;
      int inPause = 0;
      for (long[] part : slow) {
        for (int i = 0; i + 1 < part.length; i += 2) {
          if (part[i + 1] >= p99) {
            n++;
            if (jvm.overlapsPause(part[i], part[i + 1])) {
              inPause++;
            }
          }
        }
      }
      return inPause + " of " + n;
    }

    String row(String path, SseBenchClient.Connection mode, int concurrency, JvmWatch jvm) {
      long pauseMs = pauses.stream().mapToLong(JvmWatch.Pause::durationMs).sum();
      return String.format(
          "| %s | %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d / %d | %d | %s | %d"
              + " |",
          path,
          mode.label(),
          concurrency,
          requests(),
          ms(ttft.getValueAtPercentile(50)),
          ms(ttft.getValueAtPercentile(99)),
          ms(ttft.getMaxValue()),
          ms(total.getValueAtPercentile(50)),
          ms(total.getValueAtPercentile(99)),
          cpuMsPerRequest(),
          pauses.size(),
          pauseMs,
          jitMs,
          slowInPause(jvm),
          errors);
    }

    String threads(String path, SseBenchClient.Connection mode, int concurrency) {
      StringBuilder sb = new StringBuilder();
      sb.append("- ")
          .append(path)
          .append(", ")
          .append(mode.label())
          .append(", c=")
          .append(concurrency)
          .append(String.format(" (%.2f ms CPU/request):", cpuMsPerRequest()));
      threadMs.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(8)
          .forEach(
              e -> sb.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(','));
      sb.setLength(sb.length() - 1);
      return sb.toString();
    }
  }

  static double ms(long ns) {
    return ns / 1e6;
  }

  /** One recorded round: the clients' results and what the JVM did meanwhile. */
  static Cell measure(
      JvmWatch jvm, URI uri, SseBenchClient.Connection mode, int concurrency, int seconds)
      throws Exception {
    JvmWatch.Mark a = jvm.mark();
    List<SseBenchClient.Result> results = run(uri, mode, concurrency, seconds);
    JvmWatch.Mark b = jvm.mark();
    Histogram ttft = new Histogram(3);
    Histogram total = new Histogram(3);
    long errors = 0;
    List<long[]> slow = new ArrayList<>();
    for (SseBenchClient.Result r : results) {
      ttft.add(r.ttft());
      total.add(r.total());
      errors += r.errors();
      slow.add(java.util.Arrays.copyOf(r.slow(), 2 * r.count()));
    }
    Map<String, Long> threads = new java.util.HashMap<>();
    for (Map.Entry<String, Long> e : jvm.threadCpuMs(a, b)) {
      threads.put(e.getKey(), e.getValue());
    }
    return new Cell(
        ttft,
        total,
        errors,
        b.processCpuNs() - a.processCpuNs(),
        jvm.pausesBetween(a, b),
        b.jitMs() - a.jitMs(),
        slow,
        threads);
  }

  static List<SseBenchClient.Result> run(
      URI uri, SseBenchClient.Connection mode, int concurrency, int seconds) throws Exception {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<SseBenchClient.Result>> parts = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < concurrency; i++) {
        SseBenchClient client = new SseBenchClient(uri, mode, BODY);
        parts.add(pool.submit(() -> client.run(end)));
      }
    }
    List<SseBenchClient.Result> out = new ArrayList<>();
    for (Future<SseBenchClient.Result> f : parts) {
      out.add(f.get());
    }
    return out;
  }

  /** CPU time of this whole process (client, gateway and upstream), in ns. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
