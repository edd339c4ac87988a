package io.himoe.tune;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.himoe.eval.data.Labelled;
import io.himoe.experts.encoders.Pooling;
import io.himoe.experts.encoders.SentenceModel;
import io.himoe.shared.AtomicFiles;
import io.himoe.tune.bert.BertEncoder;
import io.himoe.tune.bert.BertWeights;
import io.himoe.tune.onnx.OnnxGraph;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code himoe tune}: fine-tune a float32 ONNX sentence encoder on labelled routes. */
@Command(
    name = "tune",
    mixinStandardHelpOptions = true,
    description = {
      "Fine-tune a BERT-style ONNX sentence encoder (float32) on labelled texts, in Java: the"
          + " graph's weights are read, the transformer is rebuilt in DJL (PyTorch CPU) and checked"
          + " against ONNX Runtime, trained with cross-entropy through the pooled vector, and"
          + " written back into a copy of the graph (OUT/model.onnx with OUT/tokenizer.json), which"
          + " any encoder option reads as onnx:OUT/model.onnx,pooling=...",
      "The last stdout line is one JSON object: out, encoder, parity_max_diff (DJL vs ONNX"
          + " Runtime before training), written_max_diff (the written graph vs the tuned DJL"
          + " model), val_accuracy (per epoch, the training head on --val), checkpoints (with"
          + " --save-epochs), seconds."
    })
final class TuneCommand implements Callable<Integer> {

  /** Largest difference of hidden states between DJL and ONNX Runtime that passes the checks. */
  static final double PARITY = 2e-3;

  private final PrintStream out;
  private final PrintStream err;
  private final LongSupplier nanos;

  TuneCommand(PrintStream out, PrintStream err, LongSupplier nanos) {
    this.out = out;
    this.err = err;
    this.nanos = nanos;
  }

  @Option(
      names = "--model",
      paramLabel = "NAME",
      description = "A built-in float32 encoder: minilm-full or bge-small (or use --onnx).")
  String model;

  @Option(names = "--onnx", paramLabel = "FILE", description = "A float32 ONNX encoder graph.")
  Path onnx;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description = "Its tokenizer.json (with --onnx; default: beside the graph).")
  Path tokenizerFile;

  @Option(
      names = "--pooling",
      paramLabel = "MODE",
      defaultValue = "mean",
      description = "mean or cls (with --onnx). Default: ${DEFAULT-VALUE}.")
  String pooling;

  @Option(
      names = "--heads",
      paramLabel = "N",
      defaultValue = "12",
      description = "Attention heads (with --onnx). Default: ${DEFAULT-VALUE}.")
  int heads;

  @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training rows.")
  Path train;

  @Option(
      names = "--val",
      paramLabel = "FILE",
      description = "Rows scored after each epoch (the calibration half, never the test set).")
  Path val;

  @Option(
      names = "--text-field",
      defaultValue = "text",
      paramLabel = "NAME",
      description = "JSON field of a row's text. Default: ${DEFAULT-VALUE}.")
  String textField;

  @Option(
      names = "--label-field",
      defaultValue = "intent",
      paramLabel = "NAME",
      description = "JSON field of a row's label (its route). Default: ${DEFAULT-VALUE}.")
  String labelField;

  @Option(
      names = "--oos-label",
      paramLabel = "LABEL",
      description = "Label of out-of-scope rows (trained towards the uniform distribution).")
  String oosLabel;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path outDir;

  @Option(
      names = "--epochs",
      defaultValue = "3",
      paramLabel = "N",
      description = "Passes over the training rows. Default: ${DEFAULT-VALUE}.")
  int epochs;

  @Option(
      names = "--batch-size",
      defaultValue = "32",
      paramLabel = "N",
      description = "Texts per step. Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(
      names = "--learning-rate",
      defaultValue = "5e-5",
      paramLabel = "X",
      description =
          "Peak AdamW learning rate of the encoder's weights (linear warm-up, then linear decay"
              + " to 0 at the last step). Default: ${DEFAULT-VALUE}.")
  double learningRate;

  @Option(
      names = "--head-learning-rate",
      defaultValue = "3e-3",
      paramLabel = "X",
      description =
          "Learning rate of the training head (a linear layer over the pooled vector, dropped"
              + " afterwards). Default: ${DEFAULT-VALUE}.")
  double headLearningRate;

  @Option(
      names = "--weight-decay",
      defaultValue = "0.01",
      paramLabel = "X",
      description = "AdamW weight decay. Default: ${DEFAULT-VALUE}.")
  double weightDecay;

  @Option(
      names = "--warmup",
      defaultValue = "0.06",
      paramLabel = "SHARE",
      description = "Share of the steps with a rising learning rate. Default: ${DEFAULT-VALUE}.")
  double warmup;

  @Option(
      names = "--max-steps",
      defaultValue = "2147483647",
      paramLabel = "N",
      description = "Stop after N steps (a quick run).")
  int maxSteps;

  @Option(names = "--train-word-embeddings", description = "Train the token table too.")
  boolean trainWordEmbeddings;

  @Option(
      names = "--train-layers",
      defaultValue = "2147483647",
      paramLabel = "N",
      description =
          "Train only the last N transformer layers (the rest and the embeddings stay frozen,"
              + " and the backward pass stops above them). Default: all.")
  int trainLayers;

  @Option(
      names = "--threads",
      defaultValue = "2",
      paramLabel = "N",
      description = "PyTorch threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(
      names = "--seed",
      defaultValue = "42",
      paramLabel = "N",
      description =
          "Seed of the head's initial weights and the batch order. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--save-epochs",
      description =
          "Also write the encoder after each epoch but the last to OUT/epoch-N/ (model.onnx,"
              + " tokenizer.json), so that the epoch count can be chosen afterwards on a"
              + " calibration set without training again.")
  boolean saveEpochs;

  /** The graph, tokenizer, pooling and prefix to tune. */
  private record Source(
      byte[] graph, byte[] tokenizer, Pooling pooling, String prefix, int heads) {}

  @Override
  public Integer call() throws Exception {
    TuneOptions options =
        new TuneOptions(
            epochs,
            batchSize,
            learningRate,
            headLearningRate,
            weightDecay,
            warmup,
            maxSteps,
            trainWordEmbeddings,
            trainLayers,
            seed);
    Source src = source();
    List<Labelled> rows = Labelled.read(train, textField, labelField);
    List<Labelled> valRows = val == null ? List.of() : Labelled.read(val, textField, labelField);
    TreeSet<String> labelSet = new TreeSet<>();
    for (Labelled r : rows) {
      if (!r.label().equals(oosLabel)) {
        labelSet.add(r.label());
      }
    }
    if (labelSet.isEmpty()) {
      throw new IllegalArgumentException(train + ": no in-scope row to learn from");
    }
    List<String> labels = List.copyOf(labelSet);
    Map<String, Integer> index = FineTuner.index(labels);
    List<FineTuner.Example> examples = new ArrayList<>();
    for (Labelled r : rows) {
      examples.add(
          new FineTuner.Example(
              src.prefix() + r.text(),
              r.label().equals(oosLabel) ? -1 : classOf(index, r.label())));
    }
    long t0 = nanos.getAsLong();
    OnnxGraph graph = OnnxGraph.parse(src.graph());
    BertWeights weights = BertWeights.of(graph);
    HuggingFaceTokenizer tokenizer =
        TokenBatch.tokenizer(new ByteArrayInputStream(src.tokenizer()));
    List<String> probe =
        examples.subList(0, Math.min(8, examples.size())).stream()
            .map(FineTuner.Example::text)
            .toList();
    ObjectNode result = new ObjectMapper().createObjectNode();
    try (NDManager nd = DjlRuntime.pytorch(threads).newBaseManager();
        BertEncoder encoder = new BertEncoder(nd.newSubManager(), weights, src.heads());
        OrtReference ort = new OrtReference(src.graph())) {
      double before = Parity.maxDiff(encoder, ort, TokenBatch.of(tokenizer, probe), nd);
      err.printf(
          Locale.ROOT,
          "tune: %d layers, hidden %d; DJL vs ONNX Runtime before training: max |diff| %.2e%n",
          weights.layers(),
          weights.hidden(),
          before);
      if (!(before <= PARITY)) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "the DJL transformer does not reproduce this graph (max |diff| %.3g > %.0e): not a"
                    + " BERT export this tool reads, or the wrong --heads",
                before,
                PARITY));
      }
      result.put("parity_max_diff", before);
      FineTuner tuner =
          new FineTuner(nd, encoder, src.pooling(), tokenizer, labels.size(), options);
      ArrayNode valAcc = result.putArray("val_accuracy");
      tuner.precompute(
          valRows.stream()
              .filter(r -> index.containsKey(r.label()))
              .map(r -> src.prefix() + r.text())
              .toList(),
          err,
          nanos);
      ArrayNode checkpoints = result.putArray("checkpoints");
      int lastEpoch = FineTuner.epochsRun(examples.size(), options);
      tuner.train(
          examples,
          err,
          epoch -> {
            if (!valRows.isEmpty()) {
              double acc = accuracy(tuner, valRows, index, src.prefix());
              err.printf(Locale.ROOT, "tune: epoch %d, --val in-scope accuracy %.4f%n", epoch, acc);
              valAcc.add(acc);
            }
            if (saveEpochs && epoch < lastEpoch) {
              Path dir = outDir.resolve("epoch-" + epoch);
              try {
                write(dir, graph, weights, encoder, src, tokenizer, probe, nd);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              } catch (ai.onnxruntime.OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot load the written graph", e);
              }
              checkpoints.add(encoderSpec(dir, src));
            }
          },
          nanos);
      result.put(
          "written_max_diff", write(outDir, graph, weights, encoder, src, tokenizer, probe, nd));
    }
    result.put("out", outDir.toAbsolutePath().toString());
    result.put("encoder", encoderSpec(outDir, src));
    result.put("labels", labels.size());
    result.put("seconds", Math.round((nanos.getAsLong() - t0) / 1e8) / 10.0);
    ObjectNode record = result.deepCopy();
    record.putPOJO("options", options);
    record.put("source", model != null ? model : String.valueOf(onnx));
    AtomicFiles.write(
        outDir.resolve("tune.json"),
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
    out.println(result);
    return TuneMain.OK;
  }

  /**
   * Writes the tuned encoder into DIR (model.onnx, tokenizer.json) and checks that ONNX Runtime
   * reproduces the tuned DJL model from the written graph; returns that largest difference.
   */
  private double write(
      Path dir,
      OnnxGraph graph,
      BertWeights weights,
      BertEncoder encoder,
      Source src,
      HuggingFaceTokenizer tokenizer,
      List<String> probe,
      NDManager nd)
      throws IOException, ai.onnxruntime.OrtException {
    Files.createDirectories(dir);
    Map<String, float[]> tuned = new java.util.LinkedHashMap<>();
    encoder.values().forEach((n, v) -> tuned.put(weights.onnxName(n), v));
    byte[] written = graph.withFloats(tuned);
    AtomicFiles.write(dir.resolve("model.onnx"), written);
    AtomicFiles.write(dir.resolve("tokenizer.json"), src.tokenizer());
    double after;
    try (OrtReference check = new OrtReference(written)) {
      after = Parity.maxDiff(encoder, check, TokenBatch.of(tokenizer, probe), nd);
    }
    err.printf(
        Locale.ROOT, "tune: %s: written graph vs tuned DJL model: max |diff| %.2e%n", dir, after);
    if (!(after <= PARITY)) {
      throw new IllegalStateException("the written graph does not reproduce the tuned model");
    }
    return after;
  }

  private static String encoderSpec(Path dir, Source src) {
    return "onnx:"
        + dir.resolve("model.onnx").toAbsolutePath()
        + ",pooling="
        + src.pooling().label()
        + (src.prefix().isEmpty() ? "" : ",prefix=" + src.prefix().strip());
  }

  private static double accuracy(
      FineTuner tuner, List<Labelled> rows, Map<String, Integer> index, String prefix) {
    List<Labelled> inScope = rows.stream().filter(r -> index.containsKey(r.label())).toList();
    int[] pred = tuner.predict(inScope.stream().map(r -> prefix + r.text()).toList());
    int right = 0;
    for (int i = 0; i < pred.length; i++) {
      right += pred[i] == classOf(index, inScope.get(i).label()) ? 1 : 0;
    }
    return inScope.isEmpty() ? 0 : (double) right / inScope.size();
  }

  /** The class of an in-scope label; the index was built from the same rows' labels. */
  private static int classOf(Map<String, Integer> index, String label) {
    return Objects.requireNonNull(index.get(label), "label outside the index");
  }

  private Source source() throws IOException {
    if ((model == null) == (onnx == null)) {
      throw new IllegalArgumentException("give either --model NAME or --onnx FILE");
    }
    if (model != null) {
      SentenceModel m =
          SentenceModel.byName(model)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "--model: unknown '" + model + "', expected minilm-full or bge-small"));
      if (m != SentenceModel.MINILM_L6_V2 && m != SentenceModel.BGE_SMALL_EN_V15) {
        throw new IllegalArgumentException(
            "--model: '"
                + model
                + "' is int8; its weights are quantised and cannot be trained: use minilm-full or"
                + " bge-small");
      }
      return new Source(
          resource(m.onnxResource()), resource(m.tokenizerResource()), m.pooling(), m.prefix(), 12);
    }
    Path tok =
        tokenizerFile != null
            ? tokenizerFile
            : onnx.toAbsolutePath().resolveSibling("tokenizer.json");
    for (Path p : List.of(onnx, tok)) {
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException("no such file " + p);
      }
    }
    return new Source(
        Files.readAllBytes(onnx), Files.readAllBytes(tok), Pooling.parse(pooling), "", heads);
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = TuneCommand.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("resource " + name + " is not on the class path");
      }
      return in.readAllBytes();
    }
  }
}
