package io.himoe.learning.state;

import io.himoe.learning.bandit.BanditState;
import io.himoe.learning.gate.Balancing;
import io.himoe.learning.gate.GateConfig;
import io.himoe.learning.gate.GateState;
import io.himoe.learning.nn.Adam;
import io.himoe.learning.router.Provenance;
import io.himoe.router.RouterState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary layout of a snapshot body, big-endian. Every array is length-prefixed and every length
 * is bounded by the bytes left, so a corrupted length fails cleanly instead of allocating
 * gigabytes. Version 2 adds, per gate, the per-output feedback counts and added-at-run-time flags,
 * and, after the bandits, each router's {@link Provenance}; version 1 files are still read (no
 * provenance, no per-output counts). Version 3 adds, at the end, the persistent routers' states
 * (router id, format, length-prefixed bytes); versions 1 and 2 read as having none.
 */
final class SnapshotCodec {

  static final int VERSION = 3;
  static final int OLDEST_READABLE = 1;

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
    out.writeInt(s.provenance().size());
    for (Map.Entry<String, Provenance> e : s.provenance().entrySet()) {
      out.writeUTF(e.getKey());
      writeProvenance(out, e.getValue());
    }
    out.writeInt(s.routerStates().size());
    for (Map.Entry<String, RouterState> e : s.routerStates().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue().format());
      out.writeInt(e.getValue().bytes().length);
      out.write(e.getValue().bytes());
    }
  }

  static LearningSnapshot read(DataInputStream in, long bodyBytes, int version) throws IOException {
    Bounds b = new Bounds(bodyBytes);
    Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
    int gates = b.count(in.readInt(), "gate count", 8);
    Map<String, GateState> gs = new LinkedHashMap<>();
    for (int i = 0; i < gates; i++) {
      gs.put(in.readUTF(), readGate(in, b, version));
    }
    int bandits = b.count(in.readInt(), "bandit count", 8);
    Map<String, BanditState> bs = new LinkedHashMap<>();
    for (int i = 0; i < bandits; i++) {
      bs.put(in.readUTF(), readBandit(in, b));
    }
    Map<String, Provenance> ps = new LinkedHashMap<>();
    if (version >= 2) {
      int n = b.count(in.readInt(), "provenance count", 8);
      for (int i = 0; i < n; i++) {
        ps.put(in.readUTF(), readProvenance(in, b));
      }
    }
    Map<String, RouterState> rs = new LinkedHashMap<>();
    if (version >= 3) {
      int n = b.count(in.readInt(), "router state count", 8);
      for (int i = 0; i < n; i++) {
        String id = in.readUTF();
        String format = in.readUTF();
        byte[] bytes = new byte[b.count(in.readInt(), "router state length", 1)];
        in.readFully(bytes);
        rs.put(id, new RouterState(format, bytes));
      }
    }
    return new LearningSnapshot(at, gs, bs, ps, rs);
  }

  private static void writeProvenance(DataOutputStream out, Provenance p) throws IOException {
    out.writeUTF(p.routerId());
    out.writeUTF(p.kind());
    out.writeUTF(p.encoderId());
    out.writeInt(p.dimension());
    out.writeInt(p.experts().size());
    for (String e : p.experts()) {
      out.writeUTF(e);
    }
    out.writeUTF(p.configHash());
    out.writeLong(p.updates());
    out.writeLong(p.feedbacks());
    out.writeUTF(p.examplesDigest());
    out.writeUTF(p.feedbackDigest());
  }

  private static Provenance readProvenance(DataInputStream in, Bounds b) throws IOException {
    String router = in.readUTF();
    String kind = in.readUTF();
    String encoder = in.readUTF();
    int dim = in.readInt();
    int n = b.count(in.readInt(), "provenance experts", 2);
    List<String> experts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      experts.add(in.readUTF());
    }
    return new Provenance(
        router,
        kind,
        encoder,
        dim,
        experts,
        in.readUTF(),
        in.readLong(),
        in.readLong(),
        in.readUTF(),
        in.readUTF());
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
    long[] feedbacks = g.feedbacks();
    boolean[] added = g.added();
    out.writeInt(feedbacks.length);
    for (int k = 0; k < feedbacks.length; k++) {
      out.writeLong(feedbacks[k]);
      out.writeBoolean(added[k]);
    }
  }

  private static GateState readGate(DataInputStream in, Bounds b, int version) throws IOException {
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
    double baseline = in.readDouble();
    long updates = in.readLong();
    if (version < 2) {
      return new GateState(c, inputs, experts, params, opt, bias, baseline, updates);
    }
    int n = b.count(in.readInt(), "gate outputs", 9);
    long[] feedbacks = new long[n];
    boolean[] added = new boolean[n];
    for (int k = 0; k < n; k++) {
      feedbacks[k] = in.readLong();
      added[k] = in.readBoolean();
    }
    return new GateState(
        c, inputs, experts, params, opt, bias, baseline, updates, feedbacks, added);
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
