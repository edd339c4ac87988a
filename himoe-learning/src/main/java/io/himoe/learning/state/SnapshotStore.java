package io.himoe.learning.state;

import io.himoe.shared.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * Saves and loads {@link LearningSnapshot}s in one file, atomically: the bytes go to a temporary
 * file in the same directory, which is fsynced and then renamed over the old file (and the
 * directory fsynced), so a crash at any point leaves either the previous snapshot or the new one,
 * never a mix. The file is {@code magic "HIMOESNP", version, body length, body, CRC-32}; a wrong
 * magic, an unknown version, a truncated body or a checksum mismatch is a {@link SnapshotException}
 * naming the file and the problem, and the file is left as it is for inspection.
 */
public final class SnapshotStore {

  private static final byte[] MAGIC = "HIMOESNP".getBytes(StandardCharsets.US_ASCII);

  private final Path file;

  private SnapshotStore(Path file) {
    this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
  }

  /**
   * @param file the snapshot file (its directory is created on the first save)
   * @return a store
   */
  public static SnapshotStore of(Path file) {
    return new SnapshotStore(file);
  }

  /**
   * @return the snapshot file
   */
  public Path file() {
    return file;
  }

  /**
   * Writes the snapshot atomically.
   *
   * @param snapshot what to save
   * @throws SnapshotException if it cannot be written (the previous snapshot stays)
   */
  public synchronized void save(LearningSnapshot snapshot) {
    try {
      AtomicFiles.write(file, toBytes(snapshot));
    } catch (IOException e) {
      throw new SnapshotException("snapshot " + file + ": cannot write: " + e.getMessage(), e);
    }
  }

  /**
   * The snapshot in this store's format ({@code magic, version, body length, body, CRC-32}), for
   * stores that keep it elsewhere than in a file (a database row).
   *
   * @param snapshot what to encode
   * @return its bytes
   */
  public static byte[] toBytes(LearningSnapshot snapshot) {
    try {
      byte[] body = encode(snapshot);
      CRC32 crc = new CRC32();
      crc.update(body);
      ByteBuffer all = ByteBuffer.allocate(MAGIC.length + 4 + 8 + body.length + 8);
      all.put(MAGIC).putInt(SnapshotCodec.VERSION).putLong(body.length);
      all.put(body).putLong(crc.getValue());
      return all.array();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] encode(LearningSnapshot s) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bytes))) {
      SnapshotCodec.write(out, s);
    }
    return bytes.toByteArray();
  }

  /**
   * @return the saved snapshot, or empty when there is no file yet
   * @throws SnapshotException if the file exists but is corrupted, truncated or of an unknown
   *     version (the file is not modified)
   */
  public synchronized Optional<LearningSnapshot> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SnapshotException("snapshot " + file + ": cannot read: " + e.getMessage(), e);
    }
    return Optional.of(fromBytes(all, "snapshot " + file));
  }

  /**
   * Reads bytes written by {@link #toBytes}.
   *
   * @param all the bytes
   * @param source where they came from, for messages (e.g. {@code snapshot /var/x.snap})
   * @return the snapshot
   * @throws SnapshotException if they are corrupted, truncated or of an unknown version
   */
  public static LearningSnapshot fromBytes(byte[] all, String source) {
    int headLen = MAGIC.length + 4 + 8;
    if (all.length < headLen + 8 || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw corrupted(source, "not a Hi-MoE snapshot (bad magic or too short)", null);
    }
    ByteBuffer b = ByteBuffer.wrap(all);
    b.position(MAGIC.length);
    int version = b.getInt();
    if (version < SnapshotCodec.OLDEST_READABLE || version > SnapshotCodec.VERSION) {
      throw corrupted(
          source,
          "version "
              + version
              + " is not supported (this build reads "
              + SnapshotCodec.OLDEST_READABLE
              + " to "
              + SnapshotCodec.VERSION
              + ")",
          null);
    }
    long bodyLen = b.getLong();
    if (bodyLen < 0 || bodyLen != all.length - headLen - 8) {
      throw corrupted(
          source,
          "truncated: body length " + bodyLen + " but file has " + all.length + " bytes",
          null);
    }
    CRC32 crc = new CRC32();
    crc.update(all, headLen, (int) bodyLen);
    long stored = ByteBuffer.wrap(all, headLen + (int) bodyLen, 8).getLong();
    if (stored != crc.getValue()) {
      throw corrupted(source, "checksum mismatch", null);
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(all, headLen, (int) bodyLen))) {
      return SnapshotCodec.read(in, bodyLen, version);
    } catch (IOException | IllegalArgumentException e) {
      throw corrupted(source, "unreadable content: " + e.getMessage(), e);
    }
  }

  private static SnapshotException corrupted(String source, String why, @Nullable Throwable cause) {
    return new SnapshotException(source + " is corrupted: " + why, cause);
  }
}
