package io.himoe.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.server.assembly.Assembly;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.http.HimoeServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

  record Run(int code, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Cli.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Run run(String... args) {
    return run(Map.of(), args);
  }

  @Test
  void demoRoutesEveryExampleAndPrintsItsTrace() {
    Run r = run("demo");
    assertThat(r.code()).isEqualTo(ExitCodes.OK);
    for (String example : DemoCommand.EXAMPLES) {
      assertThat(r.out()).contains(TraceFormatter.shorten(example, 200));
    }
    assertThat(r.out().split("decision ", -1)).hasSize(DemoCommand.EXAMPLES.size() + 1);
    assertThat(r.out())
        .contains("answer: ")
        .contains("stage main via main")
        .contains("planning")
        .contains("answered")
        .contains("gate entropy")
        .contains("5 of 5 inputs answered.");
  }

  @Test
  void versionAndHelp() {
    Run v = run("version");
    assertThat(v.code()).isZero();
    assertThat(v.out()).startsWith("himoe ").contains("java 25").contains("planner");
    for (String cmd :
        new String[] {"demo", "ask", "route", "serve", "feedback", "experts", "version"}) {
      Run h = run(cmd, "--help");
      assertThat(h.code()).as(cmd).isZero();
      assertThat(h.out()).as(cmd).contains("Usage: himoe " + cmd);
    }
    assertThat(run("experts", "add", "--help").out()).contains("--api-key-env");
    assertThat(run("--help").out()).contains("demo").contains("serve").contains("eval");
    // The launcher's own commands are in the help too, and named when called here.
    assertThat(run("--help").out())
        .contains("./himoe cl run --help")
        .contains("quantum")
        .contains("--with branches")
        .contains("--with models");
    Run cl = run("cl", "run");
    assertThat(cl.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(cl.err())
        .contains("runs through the ./himoe launcher")
        .contains("./himoe cl --help");
  }

  @Test
  void askExplainsAndRouteShowsTheDecision() {
    Run a = run("ask", "--explain", "plan:", "buy", "milk;", "cook");
    assertThat(a.code()).isZero();
    assertThat(a.out()).contains("buy milk").contains("decision ").contains("planning");
    Run r = run("route", "plan:", "a;", "b");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("router main").contains("would-call");
    Run j = run("route", "--json", "plan: a; b");
    assertThat(j.out()).contains("\"router_id\" : \"main\"");
  }

  @Test
  void errorsAreOneLineWithExitCodes(@TempDir Path dir) throws Exception {
    Run bad = run("ask", "--nope", "x");
    assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err().strip().lines()).hasSize(1);
    assertThat(bad.err()).startsWith("himoe: ").contains("--nope");

    Path cfg = dir.resolve("bad.yaml");
    Files.writeString(cfg, "experts: []\nroutters: []\n");
    Run c = run("demo", "--config", cfg.toString());
    assertThat(c.code()).isEqualTo(ExitCodes.CONFIG);
    assertThat(c.err().strip().lines()).hasSize(1);
    assertThat(c.err()).contains("routters: unknown key");

    Run m = run("ask", "--model", "nope", "hello");
    assertThat(m.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(m.err()).startsWith("himoe: unknown_router: ");

    Run down = run("experts", "list", "--server", "http://127.0.0.1:9");
    assertThat(down.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(down.err()).contains("cannot reach a Hi-MoE server");

    Run fb = run("feedback", "--trace", "t");
    assertThat(fb.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(fb.err()).contains("--reward or --best-expert");
  }

  @Test
  void evalRunsTheEvaluationModule(@TempDir Path dir) throws Exception {
    Run help = run("eval", "--help");
    assertThat(help.code()).as(help.err()).isEqualTo(ExitCodes.OK);
    assertThat(help.out() + help.err()).contains("routes").contains("outcomes").contains("embed");

    Path data = dir.resolve("rows.jsonl");
    Files.writeString(
        data,
        """
        {"text": "what is 2 + 2", "intent": "math"}
        {"text": "translate hello to french", "intent": "translate"}
        {"text": "plan a trip to Lyon", "intent": "plan"}
        """);
    Path vectors = dir.resolve("rows.vec");
    Run embed =
        run(
            "eval",
            "embed",
            "--data",
            data.toString(),
            "--encoder",
            "hashing-64",
            "--out",
            vectors.toString());
    assertThat(embed.code()).as(embed.err()).isEqualTo(ExitCodes.OK);
    String last = embed.out().strip().lines().reduce((x, y) -> y).orElseThrow();
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
    assertThat(json.get("rows").asInt()).isEqualTo(3);
    assertThat(json.get("dimension").asInt()).isEqualTo(64);
    assertThat(io.himoe.shared.VectorFile.read(vectors).rows()).hasSize(3);

    // Its exit codes come through: bad input is 2, with the file named.
    Run missing =
        run(
            "eval",
            "embed",
            "--data",
            dir.resolve("nope.jsonl").toString(),
            "--encoder",
            "hashing-64",
            "--out",
            vectors.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("nope.jsonl");
  }

  @Test
  void clientCommandsTalkToARunningServer(@TempDir Path dir) {
    Assembly a = Assembly.build(ConfigLoader.of(Map.of()).embeddedDefault());
    Map<String, String> env = Map.of("HIMOE_API_KEYS", "k1,k2");
    try (HimoeServer s =
        HimoeServer.builder(a).port(0).env(env).feedbackDb(dir.resolve("fb.db")).start()) {
      String url = s.url();
      Run list = run("experts", "list", "--server", url);
      assertThat(list.code()).isZero();
      assertThat(list.out()).contains("planning").contains("planner").contains("main");

      // The trace behind --explain needs a key once keys are configured.
      Run ask = run(env, "ask", "--server", url, "--explain", "plan: one; two");
      assertThat(ask.code()).isZero();
      Matcher m = Pattern.compile("decision (\\S+):").matcher(ask.out());
      assertThat(m.find()).isTrue();
      String trace = m.group(1);

      Run noKey = run("feedback", "--server", url, "--trace", trace, "--reward", "1");
      assertThat(noKey.code()).isEqualTo(ExitCodes.FAILED);
      assertThat(noKey.err()).contains("unauthorized");

      Run fb =
          run(
              Map.of("HIMOE_API_KEY", "k2"),
              "feedback",
              "--server",
              url,
              "--trace",
              trace,
              "--reward",
              "0.8");
      assertThat(fb.code()).isZero();
      assertThat(fb.out()).contains("stored for trace " + trace);

      Run rm = run(env, "experts", "remove", "--server", url, "planning");
      assertThat(rm.code()).isZero();
      assertThat(run("experts", "list", "--server", url).out())
          .doesNotContain("planning")
          .contains("math");
    } finally {
      a.close();
    }
  }

  @Test
  void aPortInUseIsReportedBeforeAnyModelLoads() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      long t0 = System.nanoTime();
      Run r = run("serve", "--port", String.valueOf(taken.getLocalPort()));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(r.code()).isEqualTo(ExitCodes.FAILED);
      assertThat(r.err())
          .contains("port " + taken.getLocalPort())
          .contains("already in use")
          .contains("--port");
      // No model was loaded: warm-up prints what it loads, and none of it is here.
      assertThat(r.err()).doesNotContain("loaded ");
      assertThat(ms).as("ms before the refusal").isLessThan(3_000);
    }
  }
}
