package io.himoe.eval;

import static io.himoe.eval.Cli.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.himoe.experts.encoders.Encoders;
import io.himoe.shared.InputData;
import io.himoe.shared.VectorFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedCommandTest {

  @TempDir Path dir;

  @Test
  void writesOneVectorPerRowInRowOrderWithTheEncodersId() throws IOException {
    Path out = dir.resolve("vec/val.vec");
    Cli r =
        Cli.run(
            "embed",
            "--data",
            resource("clinc/val.jsonl"),
            "--encoder",
            "minilm",
            "--out",
            out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    long lines =
        Files.readAllLines(Path.of(resource("clinc/val.jsonl"))).stream()
            .filter(l -> !l.isBlank())
            .count();
    assertThat(r.json().get("rows").asLong()).isEqualTo(lines);
    assertThat(r.json().get("dimension").asInt()).isEqualTo(384);
    assertThat(r.err()).contains("embed: " + lines + "/" + lines + " rows");
    VectorFile f = VectorFile.read(out);
    assertThat(f.rows()).hasSize((int) lines);
    assertThat(f.encoder()).isEqualTo(r.json().get("encoder").asText());
    // row 0 is the first line's text, encoded by the same encoder
    String first =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(Files.readAllLines(Path.of(resource("clinc/val.jsonl"))).getFirst())
            .get("text")
            .asText();
    assertThat(f.rows().getFirst())
        .containsExactly(
            Encoders.byName("minilm").encode(InputData.text(first)).vector(),
            org.assertj.core.data.Offset.offset(1e-5f));
  }

  @Test
  void badInputIsOneLineNamingTheProblemAndWritesNothing() {
    Path out = dir.resolve("x.vec");
    Cli noField =
        Cli.run(
            "embed",
            "--data",
            resource("clinc/val.jsonl"),
            "--text-field",
            "utterance",
            "--encoder",
            "hashing",
            "--out",
            out.toString());
    assertThat(noField.code()).isEqualTo(EvalMain.BAD_INPUT);
    assertThat(noField.err()).contains("utterance");
    Cli noFile =
        Cli.run("embed", "--data", dir.resolve("none.jsonl").toString(), "--out", out.toString());
    assertThat(noFile.code()).isEqualTo(EvalMain.BAD_INPUT);
    assertThat(noFile.err()).contains("none.jsonl");
    Cli badEncoder =
        Cli.run(
            "embed",
            "--data",
            resource("clinc/val.jsonl"),
            "--encoder",
            "bert",
            "--out",
            out.toString());
    assertThat(badEncoder.code()).isEqualTo(EvalMain.BAD_INPUT);
    assertThat(badEncoder.err()).contains("bert");
    Cli missing = Cli.run("embed", "--data", resource("clinc/val.jsonl"));
    assertThat(missing.code()).isEqualTo(EvalMain.BAD_INPUT);
    assertThat(missing.err()).contains("--out");
    assertThat(out).doesNotExist();
  }
}
