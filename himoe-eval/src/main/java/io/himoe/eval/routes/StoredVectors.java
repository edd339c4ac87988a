package io.himoe.eval.routes;

import io.himoe.shared.Encoded;
import io.himoe.shared.Encoder;
import io.himoe.shared.InputData;
import io.himoe.shared.Progress;
import io.himoe.shared.VectorFile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The vectors of the training and validation texts, kept in a directory between runs, so that
 * comparing gate settings over a slow encoder pays for the encoding once. The file is named after a
 * SHA-256 of the encoder id and the texts, and is a core {@link VectorFile} (checksummed, written
 * atomically). While {@linkplain #serving() serving}, known texts come from the file and others
 * from the encoder; {@link #stopServing()} turns it into the plain encoder, so test rows are always
 * encoded for real (their latency is the encoder's).
 */
final class StoredVectors implements Encoder {

  /** Texts encoded per call while building the file: small enough for progress to move. */
  private static final int BATCH = 256;

  private final Encoder encoder;
  private final Map<String, float[]> known;
  private volatile boolean serving = true;

  private StoredVectors(Encoder encoder, Map<String, float[]> known) {
    this.encoder = encoder;
    this.known = known;
  }

  /**
   * @param encoder the real encoder
   * @param texts the texts to keep (duplicates once)
   * @param dir the directory of stored vectors (created if missing)
   * @param progress where to say whether the file was found
   * @return the encoder, serving those texts
   * @throws UncheckedIOException if the directory cannot be used
   */
  static StoredVectors of(Encoder encoder, List<String> texts, Path dir, PrintStream progress) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(texts));
    Path file = dir.resolve(key(encoder.id(), distinct) + ".vec");
    try {
      List<float[]> rows;
      if (Files.isRegularFile(file)) {
        rows = VectorFile.read(file).rows();
        progress.println("vectors: " + distinct.size() + " texts read from " + file);
      } else {
        progress.println("vectors: encoding " + distinct.size() + " texts with " + encoder.id());
        rows = encode(encoder, distinct, progress);
        Files.createDirectories(dir);
        new VectorFile(encoder.id(), rows).write(file);
        progress.println("vectors: stored in " + file);
      }
      if (rows.size() != distinct.size()) {
        throw new IOException(
            file + " holds " + rows.size() + " rows, expected " + distinct.size());
      }
      Map<String, float[]> known = new HashMap<>();
      for (int i = 0; i < rows.size(); i++) {
        known.put(distinct.get(i), rows.get(i));
      }
      return new StoredVectors(encoder, known);
    } catch (IOException e) {
      throw new UncheckedIOException("--vector-cache: " + e.getMessage(), e);
    }
  }

  /**
   * The same without a file: the texts are encoded now and kept in memory for this run.
   *
   * @param encoder the real encoder
   * @param texts the texts to keep (duplicates once)
   * @param progress where progress goes
   * @return the encoder, serving those texts
   */
  static StoredVectors inMemory(Encoder encoder, List<String> texts, PrintStream progress) {
    List<String> distinct = new ArrayList<>(new LinkedHashSet<>(texts));
    progress.println("vectors: encoding " + distinct.size() + " texts with " + encoder.id());
    List<float[]> rows = encode(encoder, distinct, progress);
    Map<String, float[]> known = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      known.put(distinct.get(i), rows.get(i));
    }
    return new StoredVectors(encoder, known);
  }

  private static List<float[]> encode(Encoder encoder, List<String> texts, PrintStream progress) {
    List<float[]> rows = new ArrayList<>(texts.size());
    Progress bar = Progress.start(progress, "vectors", "texts", texts.size());
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      for (Encoded e : encoder.encodeAll(batch.stream().map(InputData::text).toList())) {
        rows.add(e.vector());
      }
      bar.advance(batch.size());
    }
    bar.finish();
    return rows;
  }

  private static String key(String encoderId, List<String> texts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(encoderId.getBytes(StandardCharsets.UTF_8));
      for (String t : texts) {
        sha.update((byte) 0);
        sha.update(t.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean serving() {
    return serving;
  }

  /** From now on every text goes to the real encoder. */
  void stopServing() {
    serving = false;
  }

  @Override
  public Encoded encode(InputData input) {
    if (serving && input instanceof InputData.Text t) {
      float[] v = known.get(t.text());
      if (v != null) {
        return new Encoded(v.clone());
      }
    }
    return encoder.encode(input);
  }

  @Override
  public List<Encoded> encodeAll(List<? extends InputData> inputs) {
    if (!serving) {
      return encoder.encodeAll(inputs);
    }
    List<Encoded> out = new ArrayList<>(inputs.size());
    for (InputData in : inputs) {
      out.add(encode(in));
    }
    return out;
  }

  @Override
  public String id() {
    return encoder.id();
  }
}
