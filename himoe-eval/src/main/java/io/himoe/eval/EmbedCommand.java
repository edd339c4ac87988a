package io.himoe.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.eval.data.DataFiles;
import io.himoe.eval.data.DataRow;
import io.himoe.experts.encoders.Encoders;
import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.Progress;
import io.himoe.shared.VectorFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code himoe eval embed}: encodes the text of every row of a data file once and writes the
 * vectors, in row order, to a {@link VectorFile} — the features the continual-learning bench
 * ({@code himoe cl run --protocol clinc-domains --clinc-features DIR}) trains on without carrying
 * an encoder on its own class path.
 */
@Command(
    name = "embed",
    mixinStandardHelpOptions = true,
    description = {
      "Encode the --text-field of every row of --data and write the vectors, in row order, to"
          + " --out (a Hi-MoE vector file: encoder id, rows, dimension, CRC). Prints one JSON"
          + " line: rows, dimension, encoder, out, seconds.",
      "Files are JSONL (.jsonl/.ndjson) or CSV with a header (.csv); blank lines are skipped,"
          + " as every reader of these files does."
    })
final class EmbedCommand implements Callable<Integer> {

  private static final int BATCH = 256;

  private final PrintStream out;
  private final PrintStream err;
  private final LongSupplier ticker;

  EmbedCommand(PrintStream out, PrintStream err, LongSupplier ticker) {
    this.out = out;
    this.err = err;
    this.ticker = ticker;
  }

  @Option(names = "--data", required = true, paramLabel = "FILE", description = "Rows to encode.")
  Path data;

  @Option(
      names = "--text-field",
      defaultValue = "text",
      paramLabel = "NAME",
      description = "Name of the text field. Default: ${DEFAULT-VALUE}.")
  String textField;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Vector file to write (replaced atomically).")
  Path target;

  @Option(
      names = "--encoder",
      defaultValue = "minilm",
      paramLabel = "NAME",
      description =
          "Text encoder: minilm (in-process all-MiniLM-L6-v2), hashing, hashing-N or"
              + " minilm+hashing. Default: ${DEFAULT-VALUE}.")
  String encoderName;

  @Override
  public Integer call() throws Exception {
    long start = ticker.getAsLong();
    List<DataRow> rows = DataFiles.read(data);
    List<String> texts = new ArrayList<>(rows.size());
    for (DataRow r : rows) {
      texts.add(r.text(textField));
    }
    Encoder encoder = Encoders.byName(encoderName);
    List<float[]> vectors = new ArrayList<>(texts.size());
    Progress progress = Progress.start(err, "embed", "rows", texts.size());
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<InputData> batch =
          texts.subList(from, Math.min(texts.size(), from + BATCH)).stream()
              .map(InputData::text)
              .toList();
      for (Encoded e : encoder.encodeAll(batch)) {
        vectors.add(e.vector());
      }
      progress.advance(batch.size());
    }
    progress.finish();
    VectorFile file = new VectorFile(encoder.id(), vectors);
    file.write(target);
    ObjectNode o = Json.object();
    o.put("rows", vectors.size());
    o.put("dimension", file.dimension());
    o.put("encoder", encoder.id());
    o.put("out", target.toString());
    Json.put(o, "seconds", (ticker.getAsLong() - start) / 1e9);
    out.println(Json.line(o));
    return EvalMain.OK;
  }
}
