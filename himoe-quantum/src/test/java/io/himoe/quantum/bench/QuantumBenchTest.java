package io.himoe.quantum.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuantumBenchTest {

  private record Outcome(int code, String out, String err) {
    JsonNode json() throws Exception {
      String[] lines = out.strip().split("\n");
      return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
  }

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        QuantumBench.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theSyntheticProtocolComparesBothGates() throws Exception {
    Outcome o =
        run("quantum", "--protocol", "synthetic", "--train", "40", "--epochs", "8", "--shots", "4");
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("quantum gate (simulated)", "classical gate", "4 shots, noisy");
    assertThat(o.err()).contains("task 3 (blobs 3) learnt");
    JsonNode j = o.json();
    assertThat(j.get("tasks").asInt()).isEqualTo(4);
    for (String gate : new String[] {"quantum", "classical"}) {
      JsonNode g = j.get(gate);
      assertThat(g.get("average_accuracy").asDouble()).as(gate).isGreaterThan(0.5);
      assertThat(g.get("accuracy_matrix")).hasSize(4);
      assertThat(g.get("selections").get(0).get("decisions_per_second").asDouble()).isPositive();
    }
    assertThat(j.get("quantum").get("circuit_runs").asLong()).isPositive();
    assertThat(j.get("quantum").get("selections")).hasSize(4); // exact, 4 shots, and both noisy
    assertThat(j.get("quantum").get("selections").get(1).get("shots").asInt()).isEqualTo(4);
  }

  @Test
  void badArgumentsExitTwoWithTheReason() {
    Outcome o = run("--protocol", "cifar");
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("--protocol: 'cifar'", "usage: quantum");
    assertThat(run("--protocol", "synthetic", "--shots", "0").err()).contains("--shots: 0");
    assertThat(run("--protocol", "synthetic", "--readout", "0.7").err())
        .contains("readout flip: 0.7");
    assertThat(run("--protocol", "synthetic", "--epochs").err()).contains("--epochs needs a value");
    assertThat(run("--bogus", "1").err()).contains("unknown option '--bogus'");
    assertThat(run().err()).contains("--protocol is required");
  }

  @Test
  void helpExplainsTheOptions() {
    Outcome o = run("--help");
    assertThat(o.code()).isZero();
    assertThat(o.out()).contains("classical simulation", "--shots LIST");
  }

  @Test
  void missingMnistFailsWithTheFetchHint(@TempDir Path dir) {
    Outcome o = run("--protocol", "split-mnist", "--mnist", dir.toString());
    assertThat(o.code()).isEqualTo(1);
    assertThat(o.err()).contains("fetch-mnist.sh");
  }
}
