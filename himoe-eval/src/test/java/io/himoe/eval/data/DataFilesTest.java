package io.himoe.eval.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFilesTest {

  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void csvHandlesQuotedCommasQuotesAndNewlines() throws IOException {
    Path f =
        write(
            "d.csv",
            "text,intent\r\n"
                + "\"hello, world\",greet\r\n"
                + "\"she said \"\"hi\"\"\",quote\n"
                + "\n"
                + "\"two\nlines\",multi\n"
                + "plain,last");
    List<Labelled> rows = Labelled.read(f, "text", "intent");
    assertThat(rows)
        .extracting(Labelled::text)
        .containsExactly("hello, world", "she said \"hi\"", "two\nlines", "plain");
    assertThat(rows).extracting(Labelled::label).containsExactly("greet", "quote", "multi", "last");
    // the row after the two-line field starts on line 7
    assertThat(rows).extracting(Labelled::line).containsExactly(2, 3, 5, 7);
  }

  @Test
  void csvRaggedRowNamesTheLine() throws IOException {
    Path f = write("r.csv", "text,intent\na,b\n\"x\ny\",z\nc,d,e\n");
    assertThatThrownBy(() -> DataFiles.read(f))
        .isInstanceOf(DataError.class)
        .hasMessageContaining("r.csv, line 5")
        .hasMessageContaining("3 fields but the header has 2");
  }

  @Test
  void csvUnclosedQuoteNamesTheLineWhereItOpened() throws IOException {
    Path f = write("u.csv", "text,intent\na,b\n\"never closed,c\nmore\n");
    assertThatThrownBy(() -> DataFiles.read(f))
        .hasMessageContaining("u.csv, line 3")
        .hasMessageContaining("never closed");
  }

  @Test
  void emptyFilesAndHeaderOnlyFilesAreRefused() throws IOException {
    assertThatThrownBy(() -> DataFiles.read(write("e.jsonl", "")))
        .hasMessageContaining("e.jsonl: file is empty");
    assertThatThrownBy(() -> DataFiles.read(write("h.csv", "text,intent\n")))
        .hasMessageContaining("h.csv: file has no data rows");
    assertThatThrownBy(() -> DataFiles.read(write("b.jsonl", "\n\n")))
        .hasMessageContaining("no data rows");
    assertThatThrownBy(() -> DataFiles.read(dir.resolve("missing.jsonl")))
        .hasMessageContaining("file not found");
    assertThatThrownBy(() -> DataFiles.read(write("x.txt", "a")))
        .hasMessageContaining("unknown file kind");
  }

  @Test
  void jsonlMissingOrWrongFieldsNameFileLineAndField() throws IOException {
    Path f = write("m.jsonl", "{\"text\":\"hi\",\"intent\":\"greet\"}\n\n{\"text\":\"bye\"}\n");
    assertThatThrownBy(() -> Labelled.read(f, "text", "intent"))
        .isInstanceOf(DataError.class)
        .hasMessageContaining("m.jsonl, line 3, field 'intent': is missing")
        .satisfies(e -> assertThat(((DataError) e).line()).isEqualTo(3));
    Path g = write("n.jsonl", "{\"text\":3,\"intent\":\"x\"}\n");
    assertThatThrownBy(() -> Labelled.read(g, "text", "intent"))
        .hasMessageContaining("field 'text': expected a string, found number 3");
    Path h = write("j.jsonl", "{\"text\":\"a\",\"intent\":\"x\"}\n[1]\n");
    assertThatThrownBy(() -> DataFiles.read(h))
        .hasMessageContaining("j.jsonl, line 2: expected a JSON object");
    Path k = write("k.jsonl", "{\"text\": oops}\n");
    assertThatThrownBy(() -> DataFiles.read(k)).hasMessageContaining("line 1: not valid JSON");
  }

  @Test
  void outcomesRefuseNonNumericScoresAndChangingModels() throws IOException {
    Path ok = write("o.jsonl", "{\"query\":\"q\",\"scores\":{\"a\":1.0,\"b\":0}}\n");
    assertThat(Outcome.read(ok).getFirst().scores())
        .containsEntry("a", 1.0)
        .containsEntry("b", 0.0);
    Path bad =
        write(
            "s.jsonl",
            "{\"query\":\"q\",\"scores\":{\"a\":1.0,\"b\":0}}\n"
                + "{\"query\":\"q\",\"scores\":{\"a\":\"high\",\"b\":0}}\n");
    assertThatThrownBy(() -> Outcome.read(bad))
        .hasMessageContaining("s.jsonl, line 2, field 'scores.a': expected a number");
    Path models =
        write(
            "c.jsonl",
            "{\"query\":\"q\",\"scores\":{\"a\":1.0,\"b\":0}}\n"
                + "{\"query\":\"q\",\"scores\":{\"a\":1.0}}\n");
    assertThatThrownBy(() -> Outcome.read(models))
        .hasMessageContaining("c.jsonl, line 2, field 'scores'");
    Path noScores = write("z.jsonl", "{\"query\":\"q\"}\n");
    assertThatThrownBy(() -> Outcome.read(noScores))
        .hasMessageContaining("field 'scores': is missing");
  }

  @Test
  void pricesAreReadAndCheckedPerModel() throws IOException {
    Path f =
        write(
            "models.json",
            "{\"a\":{\"size\":\"7B\",\"input_price_per_mtok\":0.2,\"output_price_per_mtok\":0.4}}");
    Prices p = Prices.read(f);
    assertThat(p.of("a").dollars(1_000_000, 500_000)).isEqualTo(0.4);
    assertThatThrownBy(() -> p.requireAll(List.of("a", "b"), Path.of("t.jsonl"), f))
        .hasMessageContaining("field 'b'")
        .hasMessageContaining("no price for model 'b'");
    Path bad = write("bad.json", "{\"a\":{\"input_price_per_mtok\":\"cheap\"}}");
    assertThatThrownBy(() -> Prices.read(bad))
        .hasMessageContaining("field 'a.input_price_per_mtok': expected a number");
  }
}
