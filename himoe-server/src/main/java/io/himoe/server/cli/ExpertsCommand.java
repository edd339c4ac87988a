package io.himoe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code himoe experts list|add|remove}: manages the experts of a running server. */
@Command(
    name = "experts",
    mixinStandardHelpOptions = true,
    description = "List, add or remove the experts of a running server.",
    subcommands = {
      ExpertsCommand.ListCommand.class,
      ExpertsCommand.AddCommand.class,
      ExpertsCommand.RemoveCommand.class
    })
final class ExpertsCommand implements Runnable {

  @ParentCommand Cli cli;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(cli.out());
  }

  /** {@code himoe experts list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the experts with their routers and live statistics.")
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand ExpertsCommand parent;

    @Mixin ServerOption server;

    @Override
    public Integer call() {
      JsonNode resp = server.client(parent.cli.env()).get("/v1/experts");
      var out = parent.cli.out();
      out.println(
          String.format(
              Locale.ROOT,
              "%-18s %-9s %-20s %7s %7s %6s %10s",
              "expert",
              "kind",
              "routers",
              "calls",
              "failed",
              "drops",
              "latency"));
      for (JsonNode e : resp.path("experts")) {
        List<String> routers = new java.util.ArrayList<>();
        e.path("routers").forEach(r -> routers.add(r.asText()));
        out.println(
            String.format(
                Locale.ROOT,
                "%-18s %-9s %-20s %7d %7d %6d %7.1f ms",
                e.path("name").asText(),
                e.path("kind").asText(),
                String.join(",", routers),
                e.path("calls").asLong(),
                e.path("failures").asLong(),
                e.path("drops").asLong(),
                e.path("expected_latency_ms").asDouble()));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code himoe experts add}. */
  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add an expert to a running server, e.g. an OpenAI-compatible endpoint: --name gpt"
              + " --kind openai --endpoint https://host/v1 --model gpt-4o-mini --api-key-env"
              + " OPENAI_API_KEY")
  static final class AddCommand implements Callable<Integer> {
    @ParentCommand ExpertsCommand parent;

    @Mixin ServerOption server;

    @Option(names = "--name", required = true, description = "unique expert name")
    String name;

    @Option(names = "--kind", required = true, description = "expert kind (see 'himoe version')")
    String kind;

    @Option(names = "--endpoint", paramLabel = "URL", description = "endpoint base URL")
    String endpoint;

    @Option(names = "--model", paramLabel = "NAME", description = "model name (repeatable)")
    List<String> models;

    @Option(
        names = "--api-key-env",
        paramLabel = "VAR",
        description = "the server's environment variable holding the endpoint's key")
    String apiKeyEnv;

    @Option(names = "--keyword", paramLabel = "WORD", description = "routing keyword (repeatable)")
    List<String> keywords;

    @Option(names = "--router", paramLabel = "ID", description = "router to join (default: all)")
    List<String> routers;

    @Option(names = "--cost-per-call", paramLabel = "UNITS", description = "cost per call")
    Double costPerCall;

    @Option(names = "--max-instances", paramLabel = "N", description = "calls in flight at once")
    Integer maxInstances;

    @Override
    public Integer call() {
      ObjectNode b = ApiClient.json().createObjectNode();
      b.put("name", name);
      b.put("kind", kind);
      if (endpoint != null) {
        b.put("endpoint", endpoint);
      }
      array(b, "models", models);
      array(b, "keywords", keywords);
      array(b, "routers", routers);
      if (apiKeyEnv != null) {
        b.put("api_key_env", apiKeyEnv);
      }
      if (costPerCall != null) {
        b.put("cost_per_call", costPerCall);
      }
      if (maxInstances != null) {
        b.put("max_instances", maxInstances);
      }
      JsonNode resp = server.client(parent.cli.env()).post("/v1/experts", b);
      parent
          .cli
          .out()
          .println(
              "added expert " + resp.path("name").asText() + " to routers " + resp.path("routers"));
      return ExitCodes.OK;
    }

    private static void array(ObjectNode b, String field, List<String> values) {
      if (values != null && !values.isEmpty()) {
        ArrayNode a = b.putArray(field);
        values.forEach(a::add);
      }
    }
  }

  /** {@code himoe experts remove}. */
  @Command(
      name = "remove",
      mixinStandardHelpOptions = true,
      description = "Remove an expert from every router of a running server.")
  static final class RemoveCommand implements Callable<Integer> {
    @ParentCommand ExpertsCommand parent;

    @Mixin ServerOption server;

    @Parameters(paramLabel = "NAME", description = "the expert")
    String name;

    @Override
    public Integer call() {
      server
          .client(parent.cli.env())
          .delete(
              "/v1/experts/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
      parent.cli.out().println("removed expert " + name);
      return ExitCodes.OK;
    }
  }
}
