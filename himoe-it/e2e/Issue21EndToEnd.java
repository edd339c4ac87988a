import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * Issue 21 row by row through the product as a user runs it: {@code ./himoe serve --with branches}
 * processes on 127.0.0.1 (a local OpenAI-compatible upstream stands in for the LLM provider), and
 * {@code ./himoe quantum}. Prints one line per check and a summary; exits 1 if any check fails.
 *
 * <p>Run with {@code himoe-it/e2e/issue21.sh LEARNER} (a learner file saved by {@code ./himoe cl run
 * --save}); MNIST from {@code himoe-branches/fetch-mnist.sh}. Not a unit test: it starts several
 * JVMs and takes about a minute on an idle machine.
 */
public class Issue21EndToEnd {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final List<String> upstreamRequests = new CopyOnWriteArrayList<>();
  static int failures;
  static Path root;
  static Path work;

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Issue21EndToEnd ROOT LEARNER MNIST_DIR");
      System.exit(2);
    }
    root = Path.of(args[0]).toAbsolutePath();
    Path learner = Path.of(args[1]).toAbsolutePath();
    Path mnist = Path.of(args[2]);
    work = Files.createTempDirectory("himoe-e2e-21");
    HttpServer upstream = upstream();
    long t0 = System.nanoTime();
    try {
      String config =
          CONFIG
              .replace("SNAP", work.resolve("learning.snap").toString())
              .replace("LEARNER", learner.toString())
              .replace("UPSTREAM", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1");
      Path cfg = write("himoe.yaml", config);
      Server first = Server.start(cfg, "first");
      visionRow(first, mnist);
      String before = expertOf(chat(first, "learnt", "checklist for the office move", false));
      check("2 branched router: new route unknown before feedback", !before.equals("checklist"), before);
      for (int i = 0; i < 32; i++) {
        String answer = chat(first, "learnt", CHECKLISTS[i % CHECKLISTS.length], false);
        post(first, "/v1/feedback",
            "{\"trace_id\":\"" + field(answer, "trace_id") + "\",\"best_expert\":\"checklist\"}");
      }
      String after = expertOf(chat(first, "learnt", "checklist for the office move", false));
      check("2 branched router: 32 feedbacks teach the route", after.equals("checklist"), after);
      modesRow(first);
      first.stop();
      Server second = Server.start(cfg, "second");
      String kept = expertOf(chat(second, "learnt", "checklist for the product launch", false));
      String math = expertOf(chat(second, "learnt", "compute 8 * 9", false));
      check("2 branched router: route kept after SIGTERM + restart", kept.equals("checklist"), kept);
      check("2 branched router: fitted route kept after restart", math.equals("math"), math);
      second.stop();

      Path small = write("small-pool.yaml", SMALL_POOL);
      Server pooled = Server.start(small, "small-pool");
      HttpResponse<String> res = send(pooled, "/v1/chat/completions", chatBody("pooled", "compute 8 * 9", false));
      check(
          "3 memory pools: router encoder without memory -> 503 memory_exhausted",
          res.statusCode() == 503 && res.body().contains("memory_exhausted"),
          res.statusCode() + " " + res.body());
      pooled.stop();

      quantumRow();
    } finally {
      upstream.stop(0);
    }
    System.out.printf(
        Locale.ROOT,
        "%n%s: %d failed check(s), %.0f s; logs in %s%n",
        failures == 0 ? "PASS" : "FAIL",
        failures,
        (System.nanoTime() - t0) / 1e9,
        work);
    System.exit(failures == 0 ? 0 : 1);
  }

  static final String[] CHECKLISTS = {
    "checklist for the office move", "packing checklist for a ski trip",
    "checklist before the release", "a checklist for opening the shop",
    "safety checklist for the lab", "checklist to onboard a new hire",
    "wedding day checklist", "checklist for closing the quarter"
  };

  static final String PLANNING_AND_MATH =
      """
        - name: planning
          kind: planner
          examples: ["plan the trip: book; pack", "steps to move house",
                     "roadmap for the launch", "plan my week", "steps to learn french"]
        - name: math
          kind: math
          examples: ["what is 2 + 2", "compute 7 * 6", "combien font 3 * 4",
                     "12 / 4", "what is 15 - 9"]
      """;

  static final String CONFIG =
      """
      server:
        auth:
          enabled: false
      runtime:
        enabled: true
        mode: eco
        memory_pools: {kv-cache: 67108864, activations: 67108864, uniforms: 8388608}
      learning:
        snapshot_path: "SNAP"
      experts:
        - name: digits
          kind: branched
          options: {learner: "LEARNER", save: none}
        - name: writer
          kind: llm
          endpoint: UPSTREAM
          models: [mini, big]
          options: {tiers: "small: mini, large: big"}
        - name: local-gen
          kind: generator
      """
          + PLANNING_AND_MATH
          + """
        - name: checklist
          kind: planner
      routers:
        - id: vision
          experts: [digits]
          fallback: digits
        - id: llm
          experts: [writer]
          fallback: writer
        - id: gen
          experts: [local-gen]
          fallback: local-gen
        - id: learnt
          type: branched
          encoder: hashing
          experts: [planning, math, checklist]
      """;

  static final String SMALL_POOL =
      """
      server:
        auth:
          enabled: false
      runtime:
        enabled: true
        memory_pools: {activations: 4194304}
      experts:
      """
          + PLANNING_AND_MATH
          + """
      routers:
        - id: pooled
          type: neural
          encoder: minilm
      """;

  /** Row 1: MNIST test digits as PNG data URLs through the chat API; an http URL refused. */
  static void visionRow(Server s, Path mnist) throws Exception {
    byte[] images = Files.readAllBytes(mnist.resolve("t10k-images-idx3-ubyte"));
    byte[] labels = Files.readAllBytes(mnist.resolve("t10k-labels-idx1-ubyte"));
    int n = 100;
    int right = 0;
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          int v = images[16 + i * 784 + y * 28 + x] & 0xff;
          img.getRaster().setSample(x, y, 0, v);
        }
      }
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(img, "png", png);
      String url = "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
      String body =
          "{\"model\":\"vision\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\","
              + "\"image_url\":{\"url\":\""
              + url
              + "\"}}]}]}";
      HttpResponse<String> res = send(s, "/v1/chat/completions", body);
      Matcher m = Pattern.compile("label\\\\?\"\\s*:\\s*\\\\?\"?(\\w+)").matcher(res.body());
      if (res.statusCode() == 200 && m.find() && m.group(1).equals(Integer.toString(labels[8 + i]))) {
        right++;
      }
    }
    double ms = (System.nanoTime() - start) / 1e6 / n;
    check(
        "1 vision: first " + n + " MNIST test digits as image_url data: URLs",
        right >= 80,
        String.format(Locale.ROOT, "%d/%d right, %.0f ms per request", right, n, ms));
    HttpResponse<String> remote =
        send(
            s,
            "/v1/chat/completions",
            "{\"model\":\"vision\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":"
                + "\"image_url\",\"image_url\":{\"url\":\"http://example.com/7.png\"}}]}]}");
    check(
        "1 vision: http image URL refused by default (400, names the field)",
        remote.statusCode() == 400 && remote.body().contains("image_url.url"),
        remote.statusCode() + " " + remote.body());
    HttpResponse<String> text = send(s, "/v1/chat/completions", chatBody("vision", "seven", false));
    check(
        "1 vision: a text-only message to the vision expert is a client error (4xx)",
        text.statusCode() >= 400 && text.statusCode() < 500,
        text.statusCode() + " " + text.body());
  }

  /** Row 3: ECO's tier and token cap reach the upstream, streamed too; the generator streams. */
  static void modesRow(Server s) throws Exception {
    upstreamRequests.clear();
    String body =
        "{\"model\":\"llm\",\"max_tokens\":1000,\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"write a long story about a robot\"}]}";
    HttpResponse<String> res = send(s, "/v1/chat/completions", body);
    String up = upstreamRequests.isEmpty() ? "" : upstreamRequests.getFirst();
    check(
        "3 modes: ECO sends the small tier's model with max_tokens capped at 64",
        res.statusCode() == 200 && up.contains("\"model\":\"mini\"") && up.contains("\"max_tokens\":64"),
        res.statusCode() + " upstream got " + up);
    upstreamRequests.clear();
    HttpResponse<String> streamed =
        send(
            s,
            "/v1/chat/completions",
            // another story: ECO's response cache would answer the same conversation whole
            body.replace("{\"model\"", "{\"stream\":true,\"model\"").replace("robot", "cat"));
    String up2 = upstreamRequests.isEmpty() ? "" : upstreamRequests.getFirst();
    int chunks = count(streamed.body(), "\"delta\":{\"content\"");
    check(
        "3 modes: a streamed chat to the tiered llm expert streams from the small model",
        up2.contains("\"stream\":true") && up2.contains("\"model\":\"mini\"") && chunks == 4,
        chunks + " content chunks; upstream got " + up2);
    HttpResponse<String> gen =
        send(s, "/v1/chat/completions", chatBody("gen", "tell me a story about the sea", true));
    int genChunks = count(gen.body(), "\"delta\":{\"content\"");
    Matcher st = Pattern.compile("\"streamed_tokens\"\\s*:\\s*(\\d+)").matcher(gen.body());
    int streamedTokens = st.find() ? Integer.parseInt(st.group(1)) : -1;
    check(
        "3 modes: the generator kind streams token by token within ECO's 64 tokens",
        gen.statusCode() == 200 && genChunks > 1 && genChunks == streamedTokens && genChunks <= 64,
        genChunks + " chunks, streamed_tokens " + streamedTokens);
  }

  /** Row 4: the simulated quantum gate's bench runs and reports. */
  static void quantumRow() throws Exception {
    Path log = work.resolve("quantum.log");
    Process p =
        new ProcessBuilder(root.resolve("himoe").toString(), "quantum", "--protocol", "synthetic", "--seed", "1")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean done = p.waitFor(15, TimeUnit.MINUTES);
    String out = Files.readString(log);
    check(
        "4 quantum: ./himoe quantum --protocol synthetic runs and compares both gates",
        done && p.exitValue() == 0 && out.contains("quantum") && out.contains("classical"),
        out.lines().filter(l -> l.contains("ACC")).findFirst().orElse(tail(out)));
  }

  static void check(String what, boolean ok, String detail) {
    System.out.printf("%s  %s  (%s)%n", ok ? "ok  " : "FAIL", what, detail.length() > 300 ? detail.substring(0, 300) + "..." : detail);
    if (!ok) {
      failures++;
    }
  }

  static String chatBody(String model, String text, boolean stream) {
    return "{\"model\":\""
        + model
        + "\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  static String chat(Server s, String model, String text, boolean stream) throws Exception {
    HttpResponse<String> res = send(s, "/v1/chat/completions", chatBody(model, text, stream));
    if (res.statusCode() != 200) {
      throw new IllegalStateException(model + ": " + res.statusCode() + " " + res.body());
    }
    return res.body();
  }

  static void post(Server s, String path, String body) throws Exception {
    HttpResponse<String> res = send(s, path, body);
    if (res.statusCode() / 100 != 2) {
      throw new IllegalStateException(path + ": " + res.statusCode() + " " + res.body());
    }
  }

  static HttpResponse<String> send(Server s, String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(s.url + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String expertOf(String completion) {
    Matcher m = Pattern.compile("\"experts\"\\s*:\\s*\\[\\s*\"([^\"]+)\"").matcher(completion);
    return m.find() ? m.group(1) : "?";
  }

  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
    return m.find() ? m.group(1) : "";
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static String tail(String s) {
    return s.substring(Math.max(0, s.length() - 300));
  }

  static Path write(String name, String text) throws IOException {
    Path p = work.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  /** An OpenAI-compatible upstream: "an answer from MODEL", whole or as SSE chunks. */
  static HttpServer upstream() throws IOException {
    HttpServer up = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    up.createContext(
        "/v1/chat/completions",
        ex -> {
          String req = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          // Hi-MoE's client writes compact JSON; spaces are removed only outside the messages
          String compact = req.replaceAll("\\s*([:,{}\\[\\]])\\s*", "$1");
          upstreamRequests.add(compact);
          String model = field(compact, "model");
          if (compact.contains("\"stream\":true")) {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream os = ex.getResponseBody()) {
              for (String w : new String[] {"an ", "answer ", "from ", model}) {
                sse(os, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\""
                    + model + "\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + w + "\"}}]}");
              }
              sse(os, "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\""
                  + model + "\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
              sse(os, "[DONE]");
            }
            return;
          }
          byte[] body =
              ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"" + model
                      + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                      + "\"an answer from " + model + "\"},\"finish_reason\":\"stop\"}],"
                      + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
          }
        });
    up.start();
    return up;
  }

  static void sse(OutputStream os, String data) throws IOException {
    os.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    os.flush();
  }

  /** {@code ./himoe serve --with branches} in its own process. */
  record Server(Process process, String url, Path log) {

    static Server start(Path config, String name) throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path log = work.resolve(name + ".log");
      Process p =
          new ProcessBuilder(
                  root.resolve("himoe").toString(), "serve", "--with", "branches",
                  "--config", config.toString(), "--port", Integer.toString(port),
                  "--feedback-db", work.resolve("feedback.db").toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      Server s = new Server(p, "http://127.0.0.1:" + port, log);
      long startNs = System.nanoTime();
      long deadline = startNs + TimeUnit.MINUTES.toNanos(5);
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new IllegalStateException(name + " exited: " + tail(Files.readString(log)));
        }
        try {
          HttpResponse<String> r =
              HTTP.send(HttpRequest.newBuilder(URI.create(s.url + "/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            System.out.printf(Locale.ROOT, "      (%s server ready in %.1f s)%n", name,
                (System.nanoTime() - startNs) / 1e9);
            return s;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException(name + " not ready: " + tail(Files.readString(log)));
    }

    /** SIGTERM, as Ctrl+C or a supervisor: the server saves its learning and exits. */
    void stop() throws Exception {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("server ignored SIGTERM: " + tail(Files.readString(log)));
      }
    }
  }
}
