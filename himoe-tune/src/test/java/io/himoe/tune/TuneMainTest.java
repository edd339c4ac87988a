package io.himoe.tune;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The command line of {@code himoe tune}: a misspelt option is refused by name, nothing runs. */
class TuneMainTest {

  @Test
  void anUnknownOptionIsRefusedByNameWithExitCodeTwo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        TuneMain.run(
            new String[] {
              "--model", "minilm-full", "--train", "t.jsonl", "--out", "o", "--epoch", "3"
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(TuneMain.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("Unknown option", "'--epoch'")
        .contains("Possible solutions: --epochs");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
