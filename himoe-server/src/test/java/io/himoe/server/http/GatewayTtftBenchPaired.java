package io.himoe.server.http;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link GatewayTtftBench}'s concurrency-1 cell: one client that alternates, request by request,
 * between the upstream called directly and the gateway, each on its own connection (or a new one
 * per request in {@code close} mode). Both paths then see the same machine state (the same
 * collector cycles, the same compiler activity, the same other load), and neither sits idle for a
 * whole round while the other is measured: the longest gap between two gateway requests is one
 * direct request (~100 ms). Before the cell the same alternation runs until the JIT has settled
 * (the JVM's total compilation time grew by at most {@value #SETTLED_JIT_MS} ms in each of {@value
 * #QUIET_WINDOWS} windows of {@value #QUIET_SECONDS} s in a row: its work comes in bursts), so that
 * the cell does not measure the compiler working on the concurrency-1 path.
 *
 * <p>Percentiles are nearest-rank over the raw samples (the p99 of 1,000 is the 10th-slowest). The
 * spread of the p99 added is given by a bootstrap over the request pairs (seeded): how much the
 * figure moves when the same run is resampled, not a confidence about other runs.
 */
final class GatewayTtftBenchPaired {

  static final int QUIET_SECONDS = 5;
  static final int SETTLED_JIT_MS = 10;
  static final int QUIET_WINDOWS = 3;
  static final int MAX_SETTLE_SECONDS = 120;
  private static final int BOOTSTRAP = 2000;

  private GatewayTtftBenchPaired() {}

  /** The samples of one path, in request order: start, TTFT and total (ns). */
  record Samples(long[] start, long[] ttft, long[] total, int n, long errors) {

    static Samples of(List<SseBenchClient.Timing> ts, long errors) {
      long[] s = new long[ts.size()];
      long[] f = new long[ts.size()];
      long[] t = new long[ts.size()];
      for (int i = 0; i < ts.size(); i++) {
        SseBenchClient.Timing x = ts.get(i);
        s[i] = x.start();
        f[i] = x.first() - x.start();
        t[i] = x.done() - x.start();
      }
      return new Samples(s, f, t, ts.size(), errors);
    }
  }

  /**
   * Nearest-rank percentile (ns) of the first {@code n} values.
   *
   * @param p percentile, 0-100
   */
  static long percentile(long[] values, int n, double p) {
    long[] sorted = Arrays.copyOf(values, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * n);
    return sorted[Math.max(0, Math.min(n - 1, rank - 1))];
  }

  /**
   * Alternates direct and gateway requests until the JIT has settled: at most {@value
   * #SETTLED_JIT_MS} ms of compilation in each of {@value #QUIET_WINDOWS} windows of {@value
   * #QUIET_SECONDS} s in a row (at least {@code minSeconds}, at most {@value #MAX_SETTLE_SECONDS});
   * prints how long that took and the compilation time of each window. (Strictly no compilation for
   * a few seconds is not reached at concurrency 1 within minutes: a few rarely-run methods keep
   * being compiled.)
   */
  static void settle(URI direct, URI gateway, SseBenchClient.Connection mode, int minSeconds) {
    var jit = ManagementFactory.getCompilationMXBean();
    SseBenchClient d = new SseBenchClient(direct, mode, GatewayTtftBench.BODY);
    SseBenchClient g = new SseBenchClient(gateway, mode, GatewayTtftBench.BODY);
    long t0 = System.nanoTime();
    long jit0 = jit.getTotalCompilationTime();
    long windowStart = t0;
    long windowJit = jit0;
    StringBuilder windows = new StringBuilder();
    int pairs = 0;
    int quietWindows = 0;
    boolean settled = false;
    long elapsed;
    try {
      while (true) {
        d.once();
        g.once();
        pairs++;
        long now = System.nanoTime();
        elapsed = now - t0;
        if (now - windowStart >= QUIET_SECONDS * 1_000_000_000L) {
          long j = jit.getTotalCompilationTime();
          windows.append(windows.isEmpty() ? "" : ", ").append(j - windowJit);
          quietWindows = j - windowJit <= SETTLED_JIT_MS ? quietWindows + 1 : 0;
          settled = quietWindows >= QUIET_WINDOWS && elapsed >= minSeconds * 1_000_000_000L;
          windowStart = now;
          windowJit = j;
        }
        if (settled || elapsed >= MAX_SETTLE_SECONDS * 1_000_000_000L) {
          break;
        }
      }
    } finally {
      d.close();
      g.close();
    }
    System.out.printf(
        "# %s, concurrency 1: JIT settle %s after %.1f s (%d request pairs, %d ms of compilation;"
            + " ms per %d s window: %s)%n",
        mode.label(),
        settled ? "reached" : "NOT reached (cap)",
        elapsed / 1e9,
        pairs,
        windowJit - jit0,
        QUIET_SECONDS,
        windows);
  }

  /**
   * Measures {@code pairs} request pairs (direct then gateway) and prints the two rows, the row of
   * what the gateway adds, the bootstrap spread of the p99 added, the longest gap between gateway
   * requests, and the CPU per thread group.
   */
  static void cell(
      JvmWatch jvm, URI direct, URI gateway, SseBenchClient.Connection mode, int pairs) {
    SseBenchClient dc = new SseBenchClient(direct, mode, GatewayTtftBench.BODY);
    SseBenchClient gc = new SseBenchClient(gateway, mode, GatewayTtftBench.BODY);
    List<SseBenchClient.Timing> ds = new ArrayList<>(pairs);
    List<SseBenchClient.Timing> gs = new ArrayList<>(pairs);
    long dErr = 0;
    long gErr = 0;
    JvmWatch.Mark a = jvm.mark();
    try {
      for (int i = 0; i < pairs; i++) {
        SseBenchClient.Timing t = dc.once();
        if (t == null) {
          dErr++;
        } else {
          ds.add(t);
        }
        t = gc.once();
        if (t == null) {
          gErr++;
        } else {
          gs.add(t);
        }
      }
    } finally {
      dc.close();
      gc.close();
    }
    JvmWatch.Mark b = jvm.mark();
    Samples d = Samples.of(ds, dErr);
    Samples g = Samples.of(gs, gErr);
    long cpuNs = b.processCpuNs() - a.processCpuNs();
    List<JvmWatch.Pause> pauses = jvm.pausesBetween(a, b);
    long pauseMs = pauses.stream().mapToLong(JvmWatch.Pause::durationMs).sum();
    long jitMs = b.jitMs() - a.jitMs();
    System.out.println(row("direct", mode, d, jvm, pauses.size(), pauseMs, jitMs));
    System.out.println(row("gateway", mode, g, jvm, pauses.size(), pauseMs, jitMs));
    System.out.printf(
        "| gateway adds (p50 / p99) | %s | 1 | | %.2f / %.2f | | | %.2f / %.2f | | | | | | |%n",
        mode.label(),
        ms(percentile(g.ttft, g.n, 50) - percentile(d.ttft, d.n, 50)),
        ms(percentile(g.ttft, g.n, 99) - percentile(d.ttft, d.n, 99)),
        ms(percentile(g.total, g.n, 50) - percentile(d.total, d.n, 50)),
        ms(percentile(g.total, g.n, 99) - percentile(d.total, d.n, 99)));
    double[] spread = bootstrapP99Added(d, g, new SplittableRandom(15));
    System.out.printf(
        "# %s, concurrency 1, interleaved: %d pairs in %.1f s; process CPU %.2f ms per pair"
            + " (direct + gateway request); TTFT p99 added, bootstrap over pairs: 5 %% %.2f,"
            + " median %.2f, 95 %% %.2f ms; gateway alone p99 5-95 %%: %.2f-%.2f ms; longest idle"
            + " gap between two gateway requests: %.1f ms%n",
        mode.label(),
        pairs,
        (b.nanos() - a.nanos()) / 1e9,
        cpuNs / 1e6 / Math.max(1, Math.min(d.n, g.n)),
        spread[0],
        spread[1],
        spread[2],
        spread[3],
        spread[4],
        longestGapMs(g));
    StringBuilder sb = new StringBuilder("# CPU ms per thread group over the cell:");
    for (Map.Entry<String, Long> e : jvm.threadCpuMs(a, b).stream().limit(8).toList()) {
      sb.append(' ').append(e.getKey()).append(' ').append(e.getValue()).append(',');
    }
    sb.setLength(sb.length() - 1);
    System.out.println(sb);
  }

  private static String row(
      String path,
      SseBenchClient.Connection mode,
      Samples s,
      JvmWatch jvm,
      int pauses,
      long pauseMs,
      long jitMs) {
    return String.format(
        "| %s | %s | 1 | %d | %.2f | %.2f | %.2f | %.2f | %.2f | (per pair, below) | %d / %d | %d"
            + " | %s | %d |",
        path,
        mode.label(),
        s.n,
        ms(percentile(s.ttft, s.n, 50)),
        ms(percentile(s.ttft, s.n, 99)),
        ms(percentile(s.ttft, s.n, 100)),
        ms(percentile(s.total, s.n, 50)),
        ms(percentile(s.total, s.n, 99)),
        pauses,
        pauseMs,
        jitMs,
        slowInPause(s, jvm),
        s.errors);
  }

  /** How many of the requests at or above the TTFT p99 overlapped a GC pause, "k of n". */
  private static String slowInPause(Samples s, JvmWatch jvm) {
    long p99 = percentile(s.ttft, s.n, 99);
    int n = 0;
    int in = 0;
    for (int i = 0; i < s.n; i++) {
      if (s.ttft[i] >= p99) {
        n++;
        if (jvm.overlapsPause(s.start[i], s.ttft[i])) {
          in++;
        }
      }
    }
    return in + " of " + n;
  }

  /**
   * Bootstrap of the TTFT p99 added over request pairs: {5 %, 50 %, 95 %} of (gateway p99 - direct
   * p99), then {5 %, 95 %} of the gateway's own p99, in ms.
   */
  static double[] bootstrapP99Added(Samples d, Samples g, SplittableRandom random) {
    int n = Math.min(d.n, g.n);
    double[] added = new double[BOOTSTRAP];
    double[] alone = new double[BOOTSTRAP];
    long[] dr = new long[n];
    long[] gr = new long[n];
    for (int b = 0; b < BOOTSTRAP; b++) {
      for (int i = 0; i < n; i++) {
        int k = random.nextInt(n);
        dr[i] = d.ttft[k];
        gr[i] = g.ttft[k];
      }
      long gp = percentile(gr, n, 99);
      added[b] = ms(gp - percentile(dr, n, 99));
      alone[b] = ms(gp);
    }
    Arrays.sort(added);
    Arrays.sort(alone);
    return new double[] {
      added[BOOTSTRAP / 20],
      added[BOOTSTRAP / 2],
      added[BOOTSTRAP - BOOTSTRAP / 20],
      alone[BOOTSTRAP / 20],
      alone[BOOTSTRAP - BOOTSTRAP / 20]
    };
  }

  private static double longestGapMs(Samples g) {
    long max = 0;
    for (int i = 1; i < g.n; i++) {
      max = Math.max(max, g.start[i] - g.start[i - 1] - g.total[i - 1]);
    }
    return ms(max);
  }

  private static double ms(long ns) {
    return ns / 1e6;
  }
}
