package io.himoe.server.http;

import io.himoe.server.LocalUpstream;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
 * against the same local streaming upstream called directly, at several concurrencies (issue 15's
 * benchmark; docs/BENCHMARKS.md, gateway section). A benchmark, not a test: run it with {@code
 * himoe-server/bench-gateway.sh [SECONDS_PER_CELL] [CONCURRENCY,...]}.
 *
 * <p>Each client opens a connection per request (as most SDKs do per stream under load: no pooling
 * assumptions), sends the request, and times the arrival of the first SSE line carrying content and
 * of {@code data: [DONE]} from the moment the request was written. The upstream streams 5 tokens,
 * {@value #TOKEN_DELAY_MS} ms apart. Client, gateway and upstream share this JVM: the CPU time per
 * request of the direct path (client + upstream) subtracted from the gateway path's gives the
 * gateway's own CPU cost, a figure that holds better than latencies on a loaded machine.
 */
public final class GatewayTtftBench {

  static final int TOKEN_DELAY_MS = 20;
  static final String BODY =
      "{\"model\":\"main\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";

  private GatewayTtftBench() {}

  /**
   * @param args seconds per cell (default 10), concurrencies (default 1,64)
   */
  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<Integer> levels = new ArrayList<>();
    for (String s : (args.length > 1 ? args[1] : "1,64").split(",")) {
      levels.add(Integer.parseInt(s.strip()));
    }
    Path dir = Files.createTempDirectory("himoe-ttft-bench");
    try (LocalUpstream upstream = new LocalUpstream()) {
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
        System.out.printf(
            "# upstream: 5 tokens %d ms apart; %d s per cell after a %d s warm-up%n",
            TOKEN_DELAY_MS, seconds, Math.max(2, seconds / 2));
        System.out.println(
            "| path | concurrency | requests | TTFT p50 ms | TTFT p99 ms | total p50 ms | total p99"
                + " ms | CPU ms/request | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (int c : levels) {
          Cell d = null;
          Cell g = null;
          for (String path : List.of("direct", "gateway")) {
            URI uri = path.equals("direct") ? direct : gateway;
            run(uri, c, Math.max(2, seconds / 2)); // warm-up (JIT, connections), not recorded
            Cell cell = run(uri, c, seconds);
            System.out.println(cell.row(path, c));
            if (path.equals("direct")) {
              d = cell;
            } else {
              g = cell;
            }
          }
          System.out.printf(
              "| gateway adds (p50 / p99) | %d | | %.2f / %.2f | | %.2f / %.2f | | %.2f | |%n",
              c,
              ms(g.ttft.getValueAtPercentile(50)) - ms(d.ttft.getValueAtPercentile(50)),
              ms(g.ttft.getValueAtPercentile(99)) - ms(d.ttft.getValueAtPercentile(99)),
              ms(g.total.getValueAtPercentile(50)) - ms(d.total.getValueAtPercentile(50)),
              ms(g.total.getValueAtPercentile(99)) - ms(d.total.getValueAtPercentile(99)),
              g.cpuMsPerRequest - d.cpuMsPerRequest);
        }
      }
    }
  }

  /** One cell's histograms (ns). */
  record Cell(Histogram ttft, Histogram total, long errors, double cpuMsPerRequest) {
    String row(String path, int concurrency) {
      return String.format(
          "| %s | %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f | %d |",
          path,
          concurrency,
          total.getTotalCount(),
          ms(ttft.getValueAtPercentile(50)),
          ms(ttft.getValueAtPercentile(99)),
          ms(total.getValueAtPercentile(50)),
          ms(total.getValueAtPercentile(99)),
          cpuMsPerRequest,
          errors);
    }
  }

  static double ms(long ns) {
    return ns / 1e6;
  }

  static Cell run(URI uri, int concurrency, int seconds) throws Exception {
    long cpu0 = processCpuNanos();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Cell>> parts = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < concurrency; i++) {
        parts.add(pool.submit(() -> client(uri, end)));
      }
    }
    Histogram ttft = new Histogram(3);
    Histogram total = new Histogram(3);
    long errors = 0;
    for (Future<Cell> f : parts) {
      Cell c = f.get();
      ttft.add(c.ttft);
      total.add(c.total);
      errors += c.errors;
    }
    long n = Math.max(1, total.getTotalCount());
    return new Cell(ttft, total, errors, (processCpuNanos() - cpu0) / 1e6 / n);
  }

  /** CPU time of this whole process (client, gateway and upstream), in ns. */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static Cell client(URI uri, long end) {
    Histogram ttft = new Histogram(3);
    Histogram total = new Histogram(3);
    long errors = 0;
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    byte[] head =
        ("POST "
                + uri.getPath()
                + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + uri.getPort()
                + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
                + "Connection: close\r\nContent-Length: "
                + body.length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    while (System.nanoTime() < end) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), uri.getPort())) {
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        long t0 = System.nanoTime();
        out.write(head);
        out.write(body);
        out.flush();
        InputStream in = s.getInputStream();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        long first = -1;
        boolean done = false;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (first < 0 && line.startsWith("data: {") && line.contains("\"content\":\"")) {
            first = System.nanoTime();
          }
          if (line.startsWith("data: [DONE]")) {
            done = true;
            break;
          }
        }
        long t1 = System.nanoTime();
        if (first < 0 || !done) {
          errors++;
        } else {
          ttft.recordValue(first - t0);
          total.recordValue(t1 - t0);
        }
      } catch (java.io.IOException e) {
        errors++;
      }
    }
    return new Cell(ttft, total, errors, 0);
  }
}
