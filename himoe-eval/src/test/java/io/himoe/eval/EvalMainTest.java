package io.himoe.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EvalMainTest {

  /** The server's {@code himoe eval} finds the entry point by reflection, exactly like this. */
  @Test
  void serverReflectionContractHolds() throws Exception {
    Method run =
        Class.forName("io.himoe.eval.EvalMain")
            .getMethod("run", String[].class, PrintStream.class, PrintStream.class);
    assertThat(Modifier.isStatic(run.getModifiers())).isTrue();
    assertThat(run.getReturnType()).isEqualTo(int.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Object code =
        run.invoke(
            null,
            new String[] {"outcomes", "--help"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(0);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--cost-weight")
        .contains("--learner");
  }
}
