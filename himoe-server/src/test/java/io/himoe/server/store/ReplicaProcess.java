package io.himoe.server.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hi-MoE server in a process of its own ({@code io.himoe.server.Main serve}, on this JVM's class
 * path), so that a test can {@code kill -9} it and start it again on the same port.
 */
final class ReplicaProcess implements AutoCloseable {

  private final Path config;
  private final int port;
  private final Path log;
  private final java.util.Map<String, String> env = new java.util.HashMap<>();
  private Process process;

  ReplicaProcess(Path config, int port, Path log) {
    this.config = config;
    this.port = port;
    this.log = log;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The CPU time the process used so far (zero when the platform does not tell). */
  java.time.Duration cpu() {
    return process == null
        ? java.time.Duration.ZERO
        : process.toHandle().info().totalCpuDuration().orElse(java.time.Duration.ZERO);
  }

  /** Adds an environment variable of the process (before {@link #start}). */
  ReplicaProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Starts the process (does not wait for it to be ready). */
  ReplicaProcess start() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // Tests want a quick start (C1 only); the benchmark wants the optimising compiler.
    String jit =
        Boolean.getBoolean("himoe.bench") ? "-XX:+TieredCompilation" : "-XX:TieredStopAtLevel=1";
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "-Xmx384m",
                    jit,
                    "-Dhimoe.cache.dir=" + log.getParent().resolve("cache"),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.himoe.server.Main",
                    "serve",
                    "--config",
                    config.toString(),
                    "--port",
                    Integer.toString(port)))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    process = pb.start();
    return this;
  }

  /** Waits until {@code /readyz} answers (at most {@code ms}). */
  ReplicaClient awaitReady(long ms) throws Exception {
    ReplicaClient c = client();
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("replica on port " + port + " exited: " + logTail());
      }
      try {
        if (c.get("/readyz").has("store")) {
          return c;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(25); // poll interval
    }
    throw new IllegalStateException("replica on port " + port + " not ready: " + logTail());
  }

  ReplicaClient client() {
    return new ReplicaClient("http://127.0.0.1:" + port);
  }

  /** {@code kill -9}: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  String logTail() throws IOException {
    String all = Files.readString(log, StandardCharsets.UTF_8);
    return all.substring(Math.max(0, all.length() - 3000));
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
