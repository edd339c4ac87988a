package io.himoe.server.store;

import io.himoe.server.ServerFixtures;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replicas benchmark (not a test; {@code himoe-server/bench-replicas.sh} runs it): chat
 * requests/s and latency (anonymous, and with a key whose request limit is counted) for one replica
 * on the embedded SQLite store, one replica on PostgreSQL and three replicas on PostgreSQL (the
 * client spreads requests round robin, as a load balancer would), feedback acknowledgements, and
 * how long a feedback sent to one replica takes to be trained on by another. Every server is a
 * {@code himoe serve} process on loopback; PostgreSQL is the embedded one of the tests. Prints a
 * Markdown table with the machine's load average.
 *
 * <p>Arguments: {@code [seconds per phase, default 10] [concurrency, default 32]}.
 */
public final class ReplicaBench {

  private ReplicaBench() {}

  record Result(String setup, long requests, long errors, double seconds, long[] latenciesUs) {
    double perSecond() {
      return requests / seconds;
    }

    double percentileMs(double p) {
      if (latenciesUs.length == 0) {
        return Double.NaN;
      }
      long[] s = latenciesUs.clone();
      Arrays.sort(s);
      return s[(int) Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] / 1000.0;
    }
  }

  /**
   * @param args seconds per phase, concurrency
   * @throws Exception if a server cannot be started
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    Path dir = Files.createTempDirectory("himoe-replica-bench");
    List<String> rows = new ArrayList<>();
    System.err.println("load before: " + load());
    try (TestPostgres pg = TestPostgres.own(dir.resolve("pg"))) {
      rows.addAll(phase("1 replica, SQLite (default)", dir, null, 1, seconds, concurrency));
      rows.addAll(phase("1 replica, PostgreSQL", dir, pg.newDatabase(), 1, seconds, concurrency));
      rows.addAll(phase("3 replicas, PostgreSQL", dir, pg.newDatabase(), 3, seconds, concurrency));
    }
    System.out.println();
    System.out.println(
        "| setup | workload | requests/s | p50 ms | p99 ms | errors | replicas' CPU ms/request |"
            + " load (1/5/15 min) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  /** The key of the "limited key" workload, given to the processes in their environment. */
  static final String KEY = "bench-key-0123456789";

  /** The key whose tokens per minute and cost per day are reserved while its requests run. */
  static final String RESERVING_KEY = "bench-reserving-key-0123456789";

  /**
   * Auth on, but only the admin routes need a key: anonymous requests have no limits; requests with
   * {@link #KEY} count against a request limit too high to be reached, so that the workload
   * measures what counting costs.
   */
  static final String AUTH =
      """
      server:
        auth:
          protect: [admin]
          keys:
            - {alias: bench, key: "${HIMOE_BENCH_KEY}", requests_per_min: 1000000000}
            - alias: bench-reserving
              key: "${HIMOE_BENCH_RESERVING_KEY}"
              tokens_per_min: 1000000000000
              cost_per_day: 1000000000000
      """;

  static List<String> phase(
      String name, Path dir, String url, int replicas, int seconds, int concurrency)
      throws Exception {
    System.err.println("== " + name);
    Path config =
        dir.resolve("himoe-" + replicas + "-" + (url == null ? "sqlite" : "pg") + ".yaml");
    String store =
        url == null
            ? (AUTH + "  feedback_db: \"%s\"\n")
                .formatted(dir.resolve("fb-" + System.nanoTime() + ".db").toString())
            : AUTH
                + """
              store:
                kind: postgres
                url: %s
                user: postgres
                outbox_dir: "%s"
              """
                    .formatted(url, dir.resolve("outbox").toString());
    Files.writeString(
        config,
        ServerFixtures.TWO_EXPERTS_WITH_EXAMPLES
            + "routers:\n  - id: main\n    type: neural\n    encoder: hashing\n    seed: 7\n"
            + store,
        StandardCharsets.UTF_8);
    List<ReplicaProcess> procs = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    try {
      for (int i = 0; i < replicas; i++) {
        procs.add(
            new ReplicaProcess(
                    config,
                    ReplicaProcess.freePort(),
                    dir.resolve("replica-" + replicas + "-" + i + ".log"))
                .env("HIMOE_BENCH_KEY", KEY)
                .env("HIMOE_BENCH_RESERVING_KEY", RESERVING_KEY)
                .start());
      }
      List<ReplicaClient> clients = new ArrayList<>();
      for (ReplicaProcess p : procs) {
        clients.add(p.awaitReady(120_000));
      }
      run(clients, 5, concurrency, Workload.FEEDBACK); // warm-up (every path)
      run(clients, 2, concurrency, Workload.LIMITED);
      run(clients, 2, concurrency, Workload.RESERVED);
      for (Workload w : Workload.values()) {
        String l = load();
        double cpu0 = cpuMs(procs);
        Result r = run(clients, seconds, concurrency, w);
        rows.add(row(name, w.label, r, (cpuMs(procs) - cpu0) / Math.max(1, r.requests()), l));
      }
      if (replicas > 1) {
        String l = load();
        Result spread = propagation(clients.get(0), clients.get(replicas - 1), 50);
        rows.add(
            "| %s | feedback on replica 1 trained on by replica %d (50 samples) | – | %.1f | %.1f | %d | – | %s |"
                .formatted(
                    name,
                    replicas,
                    spread.percentileMs(0.5),
                    spread.percentileMs(0.99),
                    spread.errors(),
                    l));
      }
    } finally {
      procs.forEach(ReplicaProcess::close);
    }
    return rows;
  }

  static String row(String name, String workload, Result r, double cpuMsPerRequest, String load) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.0f | %.1f | %.1f | %d | %.2f | %s |",
        name,
        workload,
        r.perSecond(),
        r.percentileMs(0.5),
        r.percentileMs(0.99),
        r.errors(),
        cpuMsPerRequest,
        load);
  }

  /** The replicas' CPU time so far, in ms (the database's processes are not counted). */
  static double cpuMs(List<ReplicaProcess> procs) {
    double ms = 0;
    for (ReplicaProcess p : procs) {
      ms += p.cpu().toNanos() / 1e6;
    }
    return ms;
  }

  /** What each request of a closed loop does. */
  enum Workload {
    /** An anonymous chat completion. */
    CHAT("chat"),
    /** A chat completion with {@link #KEY}: its limit is counted (in the shared store with PG). */
    LIMITED("chat with a key that has a request limit"),
    /**
     * A chat completion with {@link #RESERVING_KEY}: its token bound (and cost bound, when an
     * expert has a price) is reserved before it runs and settled after.
     */
    RESERVED("chat with a key whose tokens/min and cost/day are reserved in flight"),
    /** A chat on one replica, its feedback sent to the next (only the feedback timed). */
    FEEDBACK("chat + feedback (feedback timed)");

    final String label;

    Workload(String label) {
      this.label = label;
    }
  }

  /** Closed loop: {@code concurrency} clients, round robin over the replicas. */
  static Result run(List<ReplicaClient> clients, int seconds, int concurrency, Workload work)
      throws InterruptedException {
    boolean feedback = work == Workload.FEEDBACK;
    java.util.Map<String, String> headers =
        switch (work) {
          case LIMITED -> java.util.Map.of("Authorization", "Bearer " + KEY);
          case RESERVED -> java.util.Map.of("Authorization", "Bearer " + RESERVING_KEY);
          default -> java.util.Map.<String, String>of();
        };
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    AtomicLong next = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    List<long[]> perThread = new ArrayList<>();
    int[] counts = new int[concurrency];
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      long[] lat = new long[200_000];
      int slot = c;
      perThread.add(lat);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < end) {
                      long i = next.getAndIncrement();
                      ReplicaClient r = clients.get((int) (i % clients.size()));
                      try {
                        long s = System.nanoTime();
                        String trace = r.ask("compute " + (i % 1000) + " * 3", headers);
                        if (feedback) {
                          ReplicaClient other = clients.get((int) ((i + 1) % clients.size()));
                          s = System.nanoTime();
                          HttpResponse<String> resp = other.feedbackReward(trace, 0.8);
                          if (resp.statusCode() != 202) {
                            errors.incrementAndGet();
                            continue;
                          }
                        }
                        if (counts[slot] < lat.length) {
                          lat[counts[slot]++] = (System.nanoTime() - s) / 1000;
                        }
                      } catch (Exception e) {
                        errors.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    long total = 0;
    for (int c : counts) {
      total += c;
    }
    long[] all = new long[(int) total];
    int k = 0;
    for (int c = 0; c < concurrency; c++) {
      System.arraycopy(perThread.get(c), 0, all, k, counts[c]);
      k += counts[c];
    }
    return new Result("", total, errors.get(), secs, all);
  }

  /** Feedback to {@code from}: time until {@code to} has trained on it (its log position). */
  static Result propagation(ReplicaClient from, ReplicaClient to, int samples) throws Exception {
    long[] ms = new long[samples];
    long errors = 0;
    for (int i = 0; i < samples; i++) {
      String trace = from.ask("compute " + i + " + 5");
      HttpResponse<String> r = from.feedbackReward(trace, 0.7);
      long t0 = System.nanoTime();
      long id = ReplicaClient.JSON.readTree(r.body()).path("feedback_id").asLong(-1);
      if (id < 0) {
        errors++;
        continue;
      }
      while (to.get("/readyz").get("store").get("position").asLong() < id
          && System.nanoTime() - t0 < 10_000_000_000L) {
        Thread.onSpinWait();
      }
      ms[i] = (System.nanoTime() - t0) / 1000;
    }
    return new Result("", samples, errors, 1, ms);
  }

  static String load() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII).strip();
      String[] p = s.split(" ");
      return p[0] + " / " + p[1] + " / " + p[2];
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
