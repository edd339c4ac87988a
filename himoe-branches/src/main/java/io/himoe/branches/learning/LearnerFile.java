package io.himoe.branches.learning;

import io.himoe.branches.data.RandomState;
import io.himoe.branches.memory.EpisodicMemory;
import io.himoe.branches.model.BranchedNetwork;
import io.himoe.branches.model.Optimizer;
import io.himoe.shared.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;

/**
 * The versioned state file of a {@link ContinualLearner}: its configuration, its network (shared
 * layers, branches, gate, usage), its episodic memory, each branch's conflict and protection state
 * (stored gradient, Fisher, EWC/SI/L2 anchors and importances), the task -> branch map, the event
 * log and the random streams, so that learning resumes as if it had never stopped. Optimizer
 * momentum is not kept (training after a load starts it afresh).
 *
 * <p>Layout: the 8 bytes {@code HIMOEBR\n}, the format version (int), the payload, then a CRC-32 of
 * everything before it (long). Writes go to a temporary file in the same directory, which is forced
 * to disk and atomically renamed over the target (then the directory is forced), so a crash leaves
 * the old file or the new one, never a mix.
 */
final class LearnerFile {

  static final byte[] MAGIC = "HIMOEBR\n".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;

  private LearnerFile() {}

  static void save(ContinualLearner learner, Path file) throws IOException {
    AtomicFiles.write(file, toBytes(learner));
  }

  /** The file's bytes, for callers that keep them elsewhere (a router's saved state). */
  static byte[] toBytes(ContinualLearner learner) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(MAGIC);
    out.writeInt(VERSION);
    writeConfig(out, learner.config());
    learner.network().writeTo(out);
    learner.memory().writeTo(out);
    byte[] rng = RandomState.save(learner.random());
    out.writeInt(rng.length);
    out.write(rng);
    out.writeInt(learner.taskBranches().size());
    for (Map.Entry<String, Integer> e : learner.taskBranches().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue());
    }
    out.writeInt(learner.states().size());
    for (Map.Entry<Integer, BranchState> e : learner.states().entrySet()) {
      out.writeInt(e.getKey());
      e.getValue().writeTo(out);
    }
    out.writeInt(learner.eventLog().size());
    for (BranchEvent e : learner.eventLog()) {
      writeEvent(out, e);
    }
    out.flush();
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeLong(crc.getValue());
    out.flush();
    return bytes.toByteArray();
  }

  static ContinualLearner load(Path file) throws IOException {
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such learner state file", e);
    }
    return fromBytes(all, file.toString());
  }

  /**
   * Reads bytes written by {@link #toBytes}.
   *
   * @param all the bytes
   * @param file where they come from, for messages
   */
  static ContinualLearner fromBytes(byte[] all, String file) throws IOException {
    if (all.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
      throw new IOException(file + ": not a himoe branches learner state file (bad header)");
    }
    int version = ByteBuffer.wrap(all, MAGIC.length, 4).getInt();
    if (version > VERSION) {
      throw new IOException(
          file
              + ": written by a newer format version ("
              + version
              + "); this build reads versions up to "
              + VERSION);
    }
    if (version < 1) {
      throw new IOException(file + ": bad format version " + version);
    }
    if (all.length < MAGIC.length + 12) {
      throw new IOException(file + ": corrupt (truncated)");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 8);
    long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
    if (crc.getValue() != stored) {
      throw new IOException(file + ": corrupt (checksum mismatch: truncated or altered)");
    }
    DataInputStream in =
        new DataInputStream(
            new ByteArrayInputStream(all, MAGIC.length + 4, all.length - 8 - MAGIC.length - 4));
    BranchedNetwork net = null;
    try {
      LearnerConfig config = readConfig(in);
      net = BranchedNetwork.readFrom(in);
      EpisodicMemory memory = EpisodicMemory.readFrom(in);
      byte[] rng = new byte[bounded(in.readInt(), 1 << 16)];
      in.readFully(rng);
      ContinualLearner l = new ContinualLearner(net, config, memory, RandomState.load(rng));
      int tasks = bounded(in.readInt(), 1_000_000);
      for (int i = 0; i < tasks; i++) {
        l.taskBranches().put(in.readUTF(), liveBranch(net, in.readInt()));
      }
      int states = bounded(in.readInt(), net.config().maxBranches());
      for (int i = 0; i < states; i++) {
        int b = liveBranch(net, in.readInt());
        l.states().put(b, BranchState.readFrom(in, config.protection(), net, b));
      }
      int events = bounded(in.readInt(), 10_000_000);
      for (int i = 0; i < events; i++) {
        l.eventLog().add(readEvent(in));
      }
      if (in.available() != 0) {
        throw new IOException(in.available() + " unexpected bytes after the state");
      }
      return l;
    } catch (EOFException e) {
      close(net);
      throw new IOException(file + ": corrupt (ends too early)", e);
    } catch (IOException | RuntimeException e) {
      close(net);
      throw new IOException(file + ": corrupt (" + e.getMessage() + ")", e);
    }
  }

  private static void close(@Nullable BranchedNetwork net) {
    if (net != null) {
      net.close();
    }
  }

  private static int liveBranch(BranchedNetwork net, int b) throws IOException {
    if (!net.branches().contains(b)) {
      throw new IOException("branch " + b + " is not live in the saved network");
    }
    return b;
  }

  private static int bounded(int n, int max) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("implausible count " + n);
    }
    return n;
  }

  private static void writeConfig(DataOutputStream out, LearnerConfig c) throws IOException {
    out.writeInt(c.epochs());
    out.writeInt(c.batchSize());
    out.writeDouble(c.lr());
    out.writeUTF(c.measure().name());
    out.writeDouble(c.threshold());
    switch (c.protection()) {
      case Protection.None n -> out.writeUTF("none");
      case Protection.L2 l -> {
        out.writeUTF("l2");
        out.writeDouble(l.lambda());
      }
      case Protection.Ewc e -> {
        out.writeUTF("ewc");
        out.writeDouble(e.lambda());
      }
      case Protection.Si s -> {
        out.writeUTF("si");
        out.writeDouble(s.c());
        out.writeDouble(s.xi());
      }
    }
    out.writeInt(c.probeSize());
    out.writeBoolean(c.replay());
    out.writeInt(c.maxBranches());
    out.writeInt(c.gateEpochs());
    out.writeDouble(c.gateLr());
    out.writeLong(c.seed());
    writeAugmentation(out, c.gateAugmentation());
    switch (c.optimizer()) {
      case Optimizer.Sgd s -> {
        out.writeUTF("sgd");
        out.writeDouble(s.momentum());
      }
      case Optimizer.Adam a -> {
        out.writeUTF("adam");
        out.writeDouble(a.beta1());
        out.writeDouble(a.beta2());
        out.writeDouble(a.epsilon());
      }
    }
    out.writeBoolean(c.gateFreshCurrent());
    writeAugmentation(out, c.trainAugmentation());
    out.writeBoolean(c.cosineDecay());
  }

  private static LearnerConfig readConfig(DataInputStream in) throws IOException {
    int epochs = in.readInt();
    int batch = in.readInt();
    double lr = in.readDouble();
    ConflictMeasure measure = ConflictMeasure.valueOf(in.readUTF());
    double threshold = in.readDouble();
    String p = in.readUTF();
    Protection protection =
        switch (p) {
          case "none" -> Protection.none();
          case "l2" -> new Protection.L2(in.readDouble());
          case "ewc" -> new Protection.Ewc(in.readDouble());
          case "si" -> new Protection.Si(in.readDouble(), in.readDouble());
          default -> throw new IOException("unknown protection '" + p + "'");
        };
    int probe = in.readInt();
    boolean replay = in.readBoolean();
    int maxBranches = in.readInt();
    int gateEpochs = in.readInt();
    double gateLr = in.readDouble();
    long seed = in.readLong();
    Augmentation gateAug = readAugmentation(in);
    String o = in.readUTF();
    Optimizer optimizer =
        switch (o) {
          case "sgd" -> new Optimizer.Sgd(in.readDouble());
          case "adam" -> new Optimizer.Adam(in.readDouble(), in.readDouble(), in.readDouble());
          default -> throw new IOException("unknown optimizer '" + o + "'");
        };
    boolean fresh = in.readBoolean();
    Augmentation trainAug = readAugmentation(in);
    boolean cosine = in.readBoolean();
    return new LearnerConfig(
        epochs,
        batch,
        lr,
        measure,
        threshold,
        protection,
        probe,
        replay,
        maxBranches,
        gateEpochs,
        gateLr,
        seed,
        gateAug,
        optimizer,
        fresh,
        trainAug,
        cosine);
  }

  private static void writeAugmentation(DataOutputStream out, Augmentation a) throws IOException {
    switch (a) {
      case Augmentation.None n -> out.writeUTF("none");
      case Augmentation.Shift s -> {
        out.writeUTF("shift");
        out.writeInt(s.width());
        out.writeInt(s.height());
        out.writeInt(s.max());
      }
      case Augmentation.Elastic e -> {
        out.writeUTF("elastic");
        out.writeInt(e.width());
        out.writeInt(e.height());
        out.writeInt(e.grid());
        out.writeDouble(e.magnitude());
      }
      case Augmentation.Chain c -> {
        out.writeUTF("chain");
        writeAugmentation(out, c.first());
        writeAugmentation(out, c.second());
      }
    }
  }

  private static Augmentation readAugmentation(DataInputStream in) throws IOException {
    String a = in.readUTF();
    return switch (a) {
      case "none" -> Augmentation.none();
      case "shift" -> Augmentation.shift(in.readInt(), in.readInt(), in.readInt());
      case "elastic" ->
          Augmentation.elastic(in.readInt(), in.readInt(), in.readInt(), in.readDouble());
      case "chain" -> readAugmentation(in).andThen(readAugmentation(in));
      default -> throw new IOException("unknown augmentation '" + a + "'");
    };
  }

  private static void writeEvent(DataOutputStream out, BranchEvent e) throws IOException {
    switch (e) {
      case BranchEvent.FineTuned f -> {
        out.writeUTF("fine-tuned");
        out.writeUTF(f.task());
        out.writeInt(f.branch());
        out.writeDouble(f.similarity());
      }
      case BranchEvent.Spawned s -> {
        out.writeUTF("spawned");
        out.writeUTF(s.task());
        out.writeInt(s.branch());
        out.writeInt(s.parent());
        out.writeDouble(s.similarity());
      }
      case BranchEvent.Merged m -> {
        out.writeUTF("merged");
        out.writeInt(m.kept());
        out.writeInt(m.removed());
        out.writeDouble(m.distance());
      }
      case BranchEvent.Collected c -> {
        out.writeUTF("collected");
        out.writeInt(c.branch());
        out.writeInt(c.heir());
        out.writeDouble(c.usageShare());
        out.writeDouble(c.gain());
      }
    }
    out.writeUTF(e.reason());
  }

  private static BranchEvent readEvent(DataInputStream in) throws IOException {
    String kind = in.readUTF();
    return switch (kind) {
      case "fine-tuned" ->
          new BranchEvent.FineTuned(in.readUTF(), in.readInt(), in.readDouble(), in.readUTF());
      case "spawned" ->
          new BranchEvent.Spawned(
              in.readUTF(), in.readInt(), in.readInt(), in.readDouble(), in.readUTF());
      case "merged" ->
          new BranchEvent.Merged(in.readInt(), in.readInt(), in.readDouble(), in.readUTF());
      case "collected" ->
          new BranchEvent.Collected(
              in.readInt(), in.readInt(), in.readDouble(), in.readDouble(), in.readUTF());
      default -> throw new IOException("unknown event '" + kind + "'");
    };
  }
}
