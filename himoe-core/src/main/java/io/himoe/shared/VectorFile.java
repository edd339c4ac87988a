package io.himoe.shared;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * A file of encoded vectors, one per input row, with the id of the encoder that made them: the
 * cache that lets a module without an encoder (the continual-learning bench, on its own class path)
 * train on sentence embeddings computed once by {@code himoe eval embed}.
 *
 * <p>Layout (big-endian): the magic {@code HIMOEVEC}, format version, encoder id (modified UTF-8),
 * row count, dimension, the rows' floats, then a CRC-32 of everything before it. Written through
 * {@link AtomicFiles}, so a reader never sees half a file.
 *
 * @param encoder the id of the encoder that produced the vectors
 * @param rows the vectors, all of one dimension
 */
public record VectorFile(String encoder, List<float[]> rows) {

  private static final long MAGIC = 0x48494d4f45564543L; // "HIMOEVEC"
  private static final int VERSION = 1;

  /** Validates; the list is copied, the arrays are not (they can be large). */
  public VectorFile {
    Objects.requireNonNull(encoder, "encoder");
    rows = List.copyOf(rows);
    int dim = rows.isEmpty() ? 0 : rows.getFirst().length;
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).length != dim) {
        throw new IllegalArgumentException(
            "row " + i + " has " + rows.get(i).length + " values, row 0 has " + dim);
      }
    }
  }

  /**
   * @return the vectors' dimension (0 for an empty file)
   */
  public int dimension() {
    return rows.isEmpty() ? 0 : rows.getFirst().length;
  }

  /**
   * Writes the file atomically, creating its directory if needed.
   *
   * @param file the target
   * @throws IOException if it cannot be written (the previous content is then intact)
   */
  public void write(Path file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + rows.size() * dimension() * 4);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeLong(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(encoder);
    out.writeInt(rows.size());
    out.writeInt(dimension());
    for (float[] r : rows) {
      for (float v : r) {
        out.writeFloat(v);
      }
    }
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    AtomicFiles.write(file, bytes.toByteArray());
  }

  /**
   * @param file a file written by {@link #write}
   * @return its encoder id and rows
   * @throws IOException naming the file if it is missing, not a vector file, of a newer format,
   *     truncated or altered
   */
  public static VectorFile read(Path file) throws IOException {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such vector file (make it with 'himoe eval embed')", e);
    }
    if (data.length < 8 + 8) {
      throw new IOException(file + ": not a Hi-MoE vector file (too short)");
    }
    CRC32 crc = new CRC32();
    crc.update(data, 0, data.length - 8);
    try (InputStream in = new ByteArrayInputStream(data);
        DataInputStream d = new DataInputStream(in)) {
      if (d.readLong() != MAGIC) {
        throw new IOException(file + ": not a Hi-MoE vector file");
      }
      int version = d.readInt();
      if (version > VERSION) {
        throw new IOException(
            file + ": vector file format " + version + " is newer than this build's " + VERSION);
      }
      String encoder = d.readUTF();
      int n = d.readInt();
      int dim = d.readInt();
      if (n < 0 || dim < 0 || (long) n * dim * 4 > data.length) {
        throw new IOException(file + ": truncated or altered (" + n + " rows of " + dim + ")");
      }
      List<float[]> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] r = new float[dim];
        for (int j = 0; j < dim; j++) {
          r[j] = d.readFloat();
        }
        rows.add(r);
      }
      if (d.readLong() != crc.getValue() || d.available() != 0) {
        throw new IOException(file + ": altered or truncated (checksum mismatch)");
      }
      return new VectorFile(encoder, rows);
    } catch (EOFException e) {
      throw new IOException(file + ": truncated", e);
    }
  }
}
