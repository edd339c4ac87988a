package io.himoe.branches.model;

import io.himoe.branches.model.internal.Affine;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The network's binary form (see {@link BranchedNetwork#writeTo}): configuration, shared layers,
 * live slots with their layers and usage, the gate. Optimizer state is not written.
 */
final class NetworkCodec {

  private NetworkCodec() {}

  static void write(BranchBank bank, DataOutput out) throws IOException {
    NetworkConfig config = bank.config;
    out.writeInt(config.inputs());
    out.writeInt(config.hidden().size());
    for (int h : config.hidden()) {
      out.writeInt(h);
    }
    out.writeInt(config.classes());
    out.writeUTF(config.granularity().name());
    out.writeUTF(config.kind().name());
    out.writeInt(config.rank());
    out.writeInt(config.maxBranches());
    out.writeInt(config.gateHidden());
    out.writeLong(config.seed());
    out.writeBoolean(bank.sharedFrozen);
    for (Affine a : bank.shared) {
      writeValues(out, a.values());
    }
    for (int slot = 0; slot < bank.branches.length; slot++) {
      @Nullable Affine[] own = bank.branches[slot];
      out.writeBoolean(own != null);
      if (own != null) {
        out.writeLong(bank.usage[slot]);
        for (@Nullable Affine a : own) {
          out.writeBoolean(a != null);
          if (a != null) {
            writeValues(out, a.values());
          }
        }
      }
    }
    for (Affine a : bank.gate.layers()) {
      writeValues(out, a.values());
    }
  }

  static BranchBank read(DataInput in) throws IOException {
    int inputs = in.readInt();
    int depth = count(in.readInt(), "hidden layers");
    List<Integer> hidden = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      hidden.add(in.readInt());
    }
    NetworkConfig config;
    try {
      config =
          new NetworkConfig(
              inputs,
              hidden,
              in.readInt(),
              Granularity.valueOf(in.readUTF()),
              BranchKind.valueOf(in.readUTF()),
              in.readInt(),
              in.readInt(),
              in.readInt(),
              in.readLong());
    } catch (IllegalArgumentException e) {
      throw new IOException("bad network configuration: " + e.getMessage(), e);
    }
    BranchBank bank = new BranchBank(config);
    try {
      bank.sharedFrozen = in.readBoolean();
      for (Affine a : bank.shared) {
        a.set(readValues(in, a));
      }
      for (int slot = 0; slot < config.maxBranches(); slot++) {
        if (!in.readBoolean()) {
          // slot 0 is live in a new bank: it was removed before the save
          bank.branches[slot] = null;
          continue;
        }
        @Nullable Affine[] own = bank.branches[slot];
        if (own == null) {
          own = bank.firstVersions();
          bank.branches[slot] = own;
        }
        bank.usage[slot] = in.readLong();
        for (@Nullable Affine a : own) {
          boolean present = in.readBoolean();
          if (present != (a != null)) {
            throw new IOException("branch " + slot + " does not match the granularity");
          }
          if (a != null) {
            a.set(readValues(in, a));
          }
        }
      }
      if (bank.live().isEmpty()) {
        throw new IOException("no live branch");
      }
      for (Affine a : bank.gate.layers()) {
        a.set(readValues(in, a));
      }
      return bank;
    } catch (IOException | RuntimeException e) {
      bank.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }
  }

  private static void writeValues(DataOutput out, float[][] values) throws IOException {
    out.writeInt(values.length);
    for (float[] v : values) {
      out.writeInt(v.length);
      for (float f : v) {
        out.writeFloat(f);
      }
    }
  }

  private static float[][] readValues(DataInput in, Affine into) throws IOException {
    long[][] shapes = into.shapes();
    int n = in.readInt();
    if (n != shapes.length) {
      throw new IOException("a layer has " + n + " parameters, expected " + shapes.length);
    }
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      long want = 1;
      for (long d : shapes[i]) {
        want *= d;
      }
      int len = in.readInt();
      if (len != want) {
        throw new IOException("a parameter has " + len + " values, expected " + want);
      }
      out[i] = new float[len];
      for (int j = 0; j < len; j++) {
        out[i][j] = in.readFloat();
      }
    }
    return out;
  }

  private static int count(int n, String what) throws IOException {
    if (n < 0 || n > 1000) {
      throw new IOException("implausible number of " + what + ": " + n);
    }
    return n;
  }
}
