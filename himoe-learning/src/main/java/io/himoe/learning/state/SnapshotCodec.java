package io.himoe.learning.state;

import io.himoe.learning.bandit.BanditState;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.nn.Adam;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary layout of a snapshot body (version 1), big-endian. Every array is length-prefixed and
 * every length is bounded by the bytes left, so a corrupted length fails cleanly instead of
 * allocating gigabytes.
 */
final class SnapshotCodec {

  static final int VERSION = 1;

  private SnapshotCodec() {}

  static void write(DataOutputStream out, LearningSnapshot s) throws IOException {
    out.writeLong(s.savedAt().getEpochSecond());
    out.writeInt(s.savedAt().getNano());
    out.writeInt(s.gates().size());
    for (Map.Entry<String, GateState> e : s.gates().entrySet()) {
      out.writeUTF(e.getKey());
      writeGate(out, e.getValue());
    }
    out.writeInt(s.bandits().size());
    for (Map.Entry<String, BanditState> e : s.bandits().entrySet()) {
      out.writeUTF(e.getKey());
      writeBandit(out, e.getValue());
    }
  }

  static LearningSnapshot read(DataInputStream in, long bodyBytes) throws IOException {
    Bounds b = new Bounds(bodyBytes);
    Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
    int gates = b.count(in.readInt(), "gate count", 8);
    Map<String, GateState> gs = new LinkedHashMap<>();
    for (int i = 0; i < gates; i++) {
      gs.put(in.readUTF(), readGate(in, b));
    }
    int bandits = b.count(in.readInt(), "bandit count", 8);
    Map<String, BanditState> bs = new LinkedHashMap<>();
    for (int i = 0; i < bandits; i++) {
      bs.put(in.readUTF(), readBandit(in, b));
    }
    return new LearningSnapshot(at, gs, bs);
  }

  private static void writeGate(DataOutputStream out, GateState g) throws IOException {
    GateConfig c = g.config();
    out.writeInt(c.hidden());
    out.writeDouble(c.learningRate());
    out.writeDouble(c.l2());
    out.writeUTF(c.balancing().name());
    out.writeDouble(c.lambda());
    out.writeDouble(c.biasRate());
    out.writeDouble(c.mu());
    out.writeInt(c.window());
    out.writeDouble(c.baselineDecay());
    out.writeLong(c.seed());
    out.writeInt(g.inputs());
    out.writeInt(g.experts());
    doubles(out, g.params());
    out.writeLong(g.optimiser().step());
    doubles(out, g.optimiser().m());
    doubles(out, g.optimiser().v());
    doubles(out, g.bias());
    out.writeDouble(g.baseline());
    out.writeLong(g.updates());
  }

  private static GateState readGate(DataInputStream in, Bounds b) throws IOException {
    int hidden = in.readInt();
    double lr = in.readDouble();
    double l2 = in.readDouble();
    String balancing = in.readUTF();
    Balancing bal;
    try {
      bal = Balancing.valueOf(balancing);
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown balancing '" + balancing + "'", e);
    }
    GateConfig c =
        new GateConfig(
            hidden,
            lr,
            l2,
            bal,
            in.readDouble(),
            in.readDouble(),
            in.readDouble(),
            in.readInt(),
            in.readDouble(),
            in.readLong());
    int inputs = in.readInt();
    int experts = in.readInt();
    double[] params = doubles(in, b);
    Adam.State opt = new Adam.State(in.readLong(), doubles(in, b), doubles(in, b));
    double[] bias = doubles(in, b);
    return new GateState(c, inputs, experts, params, opt, bias, in.readDouble(), in.readLong());
  }

  private static void writeBandit(DataOutputStream out, BanditState s) throws IOException {
    out.writeUTF(s.kind());
    out.writeDouble(s.param());
    out.writeInt(s.arms());
    out.writeInt(s.dim());
    long[] counts = s.counts();
    out.writeInt(counts.length);
    for (long c : counts) {
      out.writeLong(c);
    }
    doubles(out, s.sums());
    doubles(out, s.sumSquares());
    double[][] m = s.matrices();
    out.writeInt(m.length);
    for (double[] row : m) {
      doubles(out, row);
    }
    double[][] v = s.vectors();
    out.writeInt(v.length);
    for (double[] row : v) {
      doubles(out, row);
    }
    out.writeLong(s.seed());
  }

  private static BanditState readBandit(DataInputStream in, Bounds b) throws IOException {
    String kind = in.readUTF();
    double param = in.readDouble();
    int arms = in.readInt();
    int dim = in.readInt();
    long[] counts = new long[b.count(in.readInt(), "bandit counts", 8)];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = in.readLong();
    }
    double[] sums = doubles(in, b);
    double[] squares = doubles(in, b);
    double[][] m = new double[b.count(in.readInt(), "bandit matrices", 4)][];
    for (int i = 0; i < m.length; i++) {
      m[i] = doubles(in, b);
    }
    double[][] v = new double[b.count(in.readInt(), "bandit vectors", 4)][];
    for (int i = 0; i < v.length; i++) {
      v[i] = doubles(in, b);
    }
    return new BanditState(kind, param, arms, dim, counts, sums, squares, m, v, in.readLong());
  }

  private static void doubles(DataOutputStream out, double[] xs) throws IOException {
    out.writeInt(xs.length);
    for (double x : xs) {
      out.writeDouble(x);
    }
  }

  private static double[] doubles(DataInputStream in, Bounds b) throws IOException {
    double[] xs = new double[b.count(in.readInt(), "array length", 8)];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = in.readDouble();
    }
    return xs;
  }

  /** Refuses counts that could not fit in the file. */
  private record Bounds(long bytes) {
    int count(int n, String what, int minBytesEach) throws IOException {
      if (n < 0 || (long) n * minBytesEach > bytes) {
        throw new IOException(what + " " + n + " does not fit in " + bytes + " bytes");
      }
      return n;
    }
  }
}
