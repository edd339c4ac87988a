package io.himoe.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code himoe serve} in a process of its own ({@code io.himoe.server.Main} on this module's test
 * class path, which holds himoe-branches as {@code ./himoe serve --with branches} does), so that a
 * test can stop it the way an operator does (SIGTERM) and start the next one.
 */
final class ServerProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code serve --config config --feedback-db db} on a free port and waits until {@code
   * /readyz} answers.
   */
  static ServerProcess start(Path config, Path db, Path log) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx512m",
                    "-XX:TieredStopAtLevel=1",
                    "-Dhimoe.cache.dir=" + log.getParent().resolve("cache"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.himoe.server.Main",
                    "serve",
                    "--config",
                    config.toString(),
                    "--feedback-db",
                    db.toString(),
                    "--port",
                    Integer.toString(port)))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ServerProcess server = new ServerProcess(p, log, port);
    server.awaitReady(120_000);
    return server;
  }

  private void awaitReady(long ms) throws Exception {
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("server exited: " + logTail());
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url() + "/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50); // poll interval
    }
    throw new IllegalStateException("server not ready: " + logTail());
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** POSTs JSON with the bearer key and returns the 2xx body. */
  JsonNode post(String path, Object body, String key) throws Exception {
    HttpResponse<String> res =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 != 2) {
      throw new AssertionError(path + " answered " + res.statusCode() + ": " + res.body());
    }
    return JSON.readTree(res.body());
  }

  /** SIGTERM, as an operator's Ctrl+C or a supervisor's stop: the shutdown hook runs. */
  int stop() throws Exception {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("server ignored SIGTERM for 60 s: " + logTail());
    }
    return process.exitValue();
  }

  String logTail() throws IOException {
    String all = Files.readString(log, StandardCharsets.UTF_8);
    return all.substring(Math.max(0, all.length() - 3000));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
