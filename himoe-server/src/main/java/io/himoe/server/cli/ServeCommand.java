package io.himoe.server.cli;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.HimoeConfig;
import io.himoe.server.http.HimoeServer;
import io.himoe.server.telemetry.Tracing;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code himoe serve}: runs the HTTP server until interrupted. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serve the OpenAI-compatible API, route previews, feedback, expert administration,"
            + " traces, /metrics and the dashboard at /.")
final class ServeCommand implements Callable<Integer> {

  @ParentCommand Cli cli;

  @Mixin ConfigOption config;

  @Option(
      names = "--port",
      paramLabel = "N",
      description = "TCP port (default: server.port of the configuration, 8080)")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "interface to bind (default: server.host of the configuration, 127.0.0.1)")
  String host;

  @Option(
      names = "--feedback-db",
      paramLabel = "FILE",
      description = "SQLite feedback file (default: server.feedback_db)")
  Path feedbackDb;

  @Option(
      names = "--store-url",
      paramLabel = "JDBC_URL",
      description =
          "share feedback, decisions and learned state with other replicas through PostgreSQL"
              + " (jdbc:postgresql://HOST:PORT/DB; user and password from store.user and"
              + " store.password_env). Default: store.url, or the embedded SQLite store")
  String storeUrl;

  @Override
  public Integer call() throws InterruptedException {
    if (port != null && (port < 0 || port > 65_535)) {
      throw new CliFailure("--port: expected a port in [0, 65535], got " + port, ExitCodes.USAGE);
    }
    if (storeUrl != null && !storeUrl.startsWith("jdbc:postgresql://")) {
      throw new CliFailure(
          "--store-url: expected jdbc:postgresql://HOST:PORT/DB, got '" + storeUrl + "'",
          ExitCodes.USAGE);
    }
    HimoeConfig cfg = config.load(cli.env());
    if (storeUrl != null && cfg.learning().snapshotPath() != null) {
      throw new CliFailure(
          "--store-url: the learned state is then kept in the database; remove"
              + " learning.snapshot_path from the configuration",
          ExitCodes.CONFIG);
    }
    // Say so now, not after seconds of loading models: the port must be free.
    requireFreePort(
        host != null ? host : cfg.server().host(), port != null ? port : cfg.server().port());
    Assembly assembly = Assembly.build(cfg);
    assembly.warmUp(cli.err());
    HimoeServer.Builder b =
        HimoeServer.builder(assembly)
            .env(cli.env())
            .tracing(
                Tracing.of(
                    cfg.telemetry().exporter(),
                    cfg.telemetry().serviceName(),
                    cfg.telemetry().endpoint()));
    if (port != null) {
      b.port(port);
    }
    if (host != null) {
      b.host(host);
    }
    if (feedbackDb != null) {
      b.feedbackDb(feedbackDb);
    }
    if (storeUrl != null) {
      b.storeUrl(storeUrl);
    }
    HimoeServer server;
    try {
      server = b.start();
    } catch (RuntimeException e) {
      assembly.close();
      throw new CliFailure("cannot start the server: " + rootMessage(e), ExitCodes.FAILED);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    ScheduledExecutorService management =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "himoe-management");
              t.setDaemon(true);
              return t;
            });
    if (assembly.managementEnabled()) {
      management.scheduleWithFixedDelay(
          () -> {
            try {
              assembly.manage();
            } catch (RuntimeException e) {
              // A failed pass must not end the schedule; the next one may succeed.
              cli.err().println("himoe: management pass failed: " + rootMessage(e));
            }
          },
          10,
          10,
          TimeUnit.SECONDS);
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  management.shutdownNow();
                  server.close();
                  assembly.close();
                  stopped.countDown();
                },
                "himoe-shutdown"));
    cli.out()
        .println(
            "Hi-MoE serving on "
                + server.url()
                + " ("
                + config.describe()
                + "; routers "
                + String.join(", ", assembly.routerIds())
                + "). Dashboard: "
                + server.url()
                + "/  Press Ctrl+C to stop.");
    stopped.await();
    return ExitCodes.OK;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * Binds the address for a moment, so that a port in use is reported before models load (the
   * server binds again when it starts; a port taken in between is still reported then).
   */
  static void requireFreePort(String host, int port) {
    if (port == 0) {
      return;
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
    } catch (BindException e) {
      throw new CliFailure(
          "port "
              + port
              + " on "
              + host
              + " is already in use: stop the program using it, or choose another with --port",
          ExitCodes.FAILED);
    } catch (IOException e) {
      throw new CliFailure(
          "cannot bind " + host + ":" + port + ": " + e.getMessage(), ExitCodes.FAILED);
    }
  }
}
