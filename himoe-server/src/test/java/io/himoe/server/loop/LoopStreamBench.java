package io.himoe.server.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.himoe.engine.Answer;
import io.himoe.engine.Feedback;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.shared.Context;
import io.himoe.shared.InputData;
import io.himoe.shared.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The learning loop over a replayed feedback stream (not a test; {@code himoe-server/bench-loop.sh}
 * runs it): CLINC150 queries as simulated users of a two-level Hi-MoE (a router picks one of 10
 * domain experts, each a {@code knowledge} expert whose passages are that domain's 15 intents
 * described by 8 example queries; the answer's top passage is the intent), the users rating every
 * answer (reward 1 when the intent is right, else 0) and 30% of them also naming the domain that
 * should have answered. Everything goes through a real {@link Assembly} built from YAML: the
 * primary is a keyword router whose keywords are the words of the domains' intent names, the shadow
 * a neural router fitted on 2 example queries per domain. Four runs: with or without shadow
 * promotion ({@code shadows.credit.promote}) and with or without expert learning (the knowledge
 * experts' passage priors, {@code options.prior_weight}). Prints the quality of the served answer
 * per block of 500 requests as a Markdown table, and when the promotion happened.
 *
 * <p>Arguments: {@code DATA_DIR [requests, default 6000] [seed, default 1]}; DATA_DIR holds {@code
 * train.jsonl}, {@code val.jsonl} and {@code domains.json} of CLINC150.
 */
public final class LoopStreamBench {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BLOCK = 500;
  private static final int DOC_EXAMPLES = 8;
  private static final int FIT_EXAMPLES = 2;
  private static final double NAMES_EXPERT = 0.3;

  private LoopStreamBench() {}

  record Row(String text, String intent, String domain) {}

  record Run(String name, boolean promote, boolean expertLearning) {}

  record Outcome(double[] quality, int promotedAt, long shadowWins, long primaryWins) {}

  /**
   * @param args data directory, request count, seed, the knowledge experts' prior weight when they
   *     learn (default 0.005, the default of the kind), the runs whose name starts with this
   *     (default all)
   * @throws Exception on a failure
   */
  public static void main(String[] args) throws Exception {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/clinc150");
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 6000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    String priorWeight = args.length > 3 ? args[3] : "0.005";
    String only = args.length > 4 ? args[4] : "";
    List<Row> train = rows(data.resolve("train.jsonl"));
    List<Row> val = rows(data.resolve("val.jsonl"));
    Map<String, List<String>> domains = domains(data.resolve("domains.json"));
    Path work = Files.createTempDirectory("himoe-loop-bench");
    Map<String, List<Row>> byIntent = new TreeMap<>();
    train.forEach(r -> byIntent.computeIfAbsent(r.intent(), k -> new ArrayList<>()).add(r));
    writeDocs(work.resolve("docs"), domains, byIntent);
    // The stream: the validation queries, then unseen training queries, shuffled once.
    Set<String> inDocs = new LinkedHashSet<>();
    byIntent
        .values()
        .forEach(l -> l.stream().limit(DOC_EXAMPLES).forEach(r -> inDocs.add(r.text())));
    List<Row> pool = new ArrayList<>(val);
    train.stream().filter(r -> !inDocs.contains(r.text())).forEach(pool::add);
    Collections.shuffle(pool, new Random(seed));
    List<Row> stream = pool.subList(0, Math.min(requests, pool.size()));
    List<Run> runs =
        List.of(
            new Run("static (shadow credited, not promoted; no expert learning)", false, false),
            new Run("shadow promotion", true, false),
            new Run("expert learning (passage priors)", false, true),
            new Run("shadow promotion + expert learning", true, true));
    Map<Run, Outcome> out = new LinkedHashMap<>();
    for (Run run : runs) {
      if (!only.isEmpty() && !run.name().startsWith(only)) {
        continue;
      }
      System.err.printf("run: %s%n", run.name());
      out.put(run, run(run, work, domains, byIntent, stream, seed, priorWeight));
    }
    print(out, stream.size(), seed);
  }

  private static Outcome run(
      Run run,
      Path work,
      Map<String, List<String>> domains,
      Map<String, List<Row>> byIntent,
      List<Row> stream,
      long seed,
      String priorWeight)
      throws Exception {
    Path runDir = Files.createTempDirectory(work, "run");
    String yaml = config(run, work.resolve("docs"), runDir, domains, byIntent, priorWeight);
    Random users = new Random(seed * 31 + 7);
    int blocks = (stream.size() + BLOCK - 1) / BLOCK;
    double[] quality = new double[blocks];
    int promotedAt = -1;
    try (Assembly a = Assembly.build(ConfigLoader.of(Map.of()).parse(yaml, "bench"))) {
      for (int i = 0; i < stream.size(); i++) {
        Row r = stream.get(i);
        Context ctx = a.newContext("q" + i, null);
        Answer ans = a.engine().ask(InputData.text(r.text()), ctx);
        boolean right = intentOf(ans.value()).map(r.intent()::equals).orElse(false);
        quality[i / BLOCK] += right ? 1 : 0;
        Optional<String> best =
            users.nextDouble() < NAMES_EXPERT ? Optional.of(r.domain()) : Optional.empty();
        a.engine()
            .feedback(
                new Feedback(
                    ans.traceId(), OptionalDouble.of(right ? 1 : 0), best, Optional.empty()));
        if (promotedAt < 0 && !a.loop().promotions().current().isEmpty()) {
          promotedAt = i;
        }
        if ((i + 1) % BLOCK == 0) {
          a.loop().shadows().awaitIdle(Duration.ofMinutes(1));
          System.err.printf(
              "  %d requests, block quality %.3f%s%n",
              i + 1,
              quality[i / BLOCK] / BLOCK,
              promotedAt >= 0 ? " (shadow promoted at request " + promotedAt + ")" : "");
        }
      }
      a.loop().shadows().awaitIdle(Duration.ofMinutes(1));
      for (int b = 0; b < blocks; b++) {
        int n = Math.min(BLOCK, stream.size() - b * BLOCK);
        quality[b] /= n;
      }
      // The configured pair's record: at the promotion (which starts a new record the other way
      // round), else now.
      var promoted =
          a.loop().shadows().events().stream().filter(e -> e.kind().equals("promoted")).findFirst();
      var pair =
          a.loop().shadows().records().stream()
              .filter(p -> p.primary().equals("main") && p.shadow().equals("candidate"))
              .findFirst();
      return new Outcome(
          quality,
          promotedAt,
          promoted.map(ShadowEvent::shadowWins).or(() -> pair.map(p -> p.shadowWins())).orElse(0L),
          promoted
              .map(ShadowEvent::primaryWins)
              .or(() -> pair.map(p -> p.primaryWins()))
              .orElse(0L));
    }
  }

  private static Optional<String> intentOf(Value v) {
    return v.asJson()
        .map(j -> j.path("passages").path(0).path("source").asText(""))
        .filter(s -> s.endsWith(".md"))
        .map(s -> s.substring(s.lastIndexOf('/') + 1, s.length() - 3));
  }

  private static String config(
      Run run,
      Path docs,
      Path runDir,
      Map<String, List<String>> domains,
      Map<String, List<Row>> byIntent,
      String priorWeight) {
    StringBuilder y = new StringBuilder();
    y.append("budgets: {deadline_ms: 20000}\n");
    y.append("server: {trace_capacity: 20000}\n");
    y.append("experts:\n");
    Random pickFit = new Random(5);
    for (Map.Entry<String, List<String>> d : domains.entrySet()) {
      String domain = d.getKey();
      Set<String> words = new LinkedHashSet<>();
      for (String intent : d.getValue()) {
        for (String w : intent.split("_")) {
          if (w.length() > 2) {
            words.add(w);
          }
        }
      }
      List<String> fit = new ArrayList<>();
      List<String> intents = new ArrayList<>(d.getValue());
      for (int k = 0; k < FIT_EXAMPLES; k++) {
        List<Row> rows = byIntent.get(intents.get(pickFit.nextInt(intents.size())));
        fit.add(rows.get(DOC_EXAMPLES + pickFit.nextInt(rows.size() - DOC_EXAMPLES)).text());
      }
      y.append("  - name: ").append(domain).append('\n');
      y.append("    kind: knowledge\n");
      y.append("    keywords: ").append(list(words)).append('\n');
      y.append("    examples: ").append(list(fit)).append('\n');
      y.append("    options: {docs: \"")
          .append(docs.resolve(domain).toString().replace("\\", "/"))
          .append("\", index: \"")
          .append(runDir.resolve("index-" + domain).toString().replace("\\", "/"))
          .append("\", encoder: hashing, passages: \"1\", prior_weight: \"")
          .append(run.expertLearning() ? priorWeight : "0")
          .append("\"}\n");
    }
    String first = domains.keySet().iterator().next();
    y.append(
        """
        routers:
          - id: main
            type: keyword
            fallback: %s
          - id: candidate
            type: neural
            encoder: hashing
        orchestrator: {default_router: main}
        shadows:
          routers: [candidate]
          sample_rate: 0
          credit: {promote: %s, min_comparisons: 30, queue: 100000, budget_ms: 5000}
        learning: {learning_rate: 0.05}
        """
            .formatted(first, run.promote()));
    return y.toString();
  }

  private static String list(Iterable<String> items) {
    List<String> quoted = new ArrayList<>();
    for (String s : items) {
      quoted.add("\"" + s.replace("\\", "").replace("\"", "'") + "\"");
    }
    return "[" + String.join(", ", quoted) + "]";
  }

  private static void writeDocs(
      Path dir, Map<String, List<String>> domains, Map<String, List<Row>> byIntent)
      throws IOException {
    for (Map.Entry<String, List<String>> d : domains.entrySet()) {
      Path domainDir = dir.resolve(d.getKey());
      Files.createDirectories(domainDir);
      for (String intent : d.getValue()) {
        StringBuilder b = new StringBuilder("# " + intent.replace('_', ' ') + "\n\n");
        byIntent.get(intent).stream()
            .limit(DOC_EXAMPLES)
            .forEach(r -> b.append(r.text()).append(".\n"));
        Files.writeString(domainDir.resolve(intent + ".md"), b.toString());
      }
    }
  }

  private static List<Row> rows(Path file) throws IOException {
    List<Row> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      if (!n.path("intent").asText().equals("oos")) {
        out.add(
            new Row(n.path("text").asText(), n.path("intent").asText(), n.path("domain").asText()));
      }
    }
    return out;
  }

  private static Map<String, List<String>> domains(Path file) throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    JsonNode root = JSON.readTree(file.toFile());
    root.properties()
        .forEach(
            e -> {
              List<String> intents = new ArrayList<>();
              e.getValue().forEach(i -> intents.add(i.asText()));
              out.put(e.getKey(), intents);
            });
    return out;
  }

  private static void print(Map<Run, Outcome> out, int requests, long seed) {
    System.out.printf(
        Locale.ROOT,
        "CLINC150 stream, %d requests, seed %d; quality = share of answers with the right intent%n%n",
        requests,
        seed);
    int blocks = out.values().iterator().next().quality().length;
    StringBuilder head = new StringBuilder("| run |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int b = 0; b < blocks; b++) {
      head.append(' ').append((b + 1) * BLOCK).append(" |");
      rule.append("---|");
    }
    head.append(" last 2,000 | promoted at | shadow wins / losses (at the promotion) |");
    rule.append("---|---|---|");
    System.out.println(head);
    System.out.println(rule);
    for (Map.Entry<Run, Outcome> e : out.entrySet()) {
      StringBuilder line = new StringBuilder("| " + e.getKey().name() + " |");
      for (double q : e.getValue().quality()) {
        line.append(String.format(Locale.ROOT, " %.3f |", q));
      }
      double[] q = e.getValue().quality();
      int tail = Math.min(q.length, 2000 / BLOCK);
      double last = 0;
      for (int b = q.length - tail; b < q.length; b++) {
        last += q[b] / tail;
      }
      line.append(String.format(Locale.ROOT, " **%.3f** |", last));
      line.append(
          e.getValue().promotedAt() < 0 ? " – |" : " request " + e.getValue().promotedAt() + " |");
      line.append(" ")
          .append(e.getValue().shadowWins())
          .append(" / ")
          .append(e.getValue().primaryWins())
          .append(" |");
      System.out.println(line);
    }
  }
}
