package io.himoe.branches.memory;

import io.himoe.branches.data.RandomState;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A bounded episodic memory with a semantic index: per task at most {@code perTask} episodes, kept
 * by reservoir sampling (every example of a task has the same chance to be kept, whatever the
 * stream's length), and a cosine nearest-neighbour lookup over the embeddings. Thread-safe.
 */
public final class EpisodicMemory {

  private final int perTask;
  private final Random random;
  private final Map<String, List<Episode>> byTask = new LinkedHashMap<>();
  private final Map<String, Long> seen = new LinkedHashMap<>();

  /**
   * @param perTask episodes kept per task, at least 1
   * @param seed seed of the reservoir sampling
   */
  public EpisodicMemory(int perTask, long seed) {
    this(perTask, new Random(seed));
  }

  private EpisodicMemory(int perTask, Random random) {
    if (perTask < 1) {
      throw new IllegalArgumentException("perTask must be >= 1, got " + perTask);
    }
    this.perTask = perTask;
    this.random = random;
  }

  /**
   * Offers an episode; it is kept with probability {@code perTask / seen} once the task is full.
   *
   * @param e the episode
   * @return whether it was kept
   */
  public synchronized boolean add(Episode e) {
    List<Episode> list = byTask.computeIfAbsent(e.task(), t -> new ArrayList<>());
    long n = seen.merge(e.task(), 1L, Long::sum);
    if (list.size() < perTask) {
      list.add(e);
      return true;
    }
    long j = (long) (random.nextDouble() * n);
    if (j < perTask) {
      list.set((int) j, e);
      return true;
    }
    return false;
  }

  /**
   * Writes the bound, the sampling state and every episode (for the learner's state file).
   *
   * @param out the stream
   * @throws IOException if writing fails
   */
  public synchronized void writeTo(DataOutput out) throws IOException {
    out.writeInt(perTask);
    byte[] rng = RandomState.save(random);
    out.writeInt(rng.length);
    out.write(rng);
    out.writeInt(byTask.size());
    for (Map.Entry<String, List<Episode>> t : byTask.entrySet()) {
      out.writeUTF(t.getKey());
      out.writeLong(seen.getOrDefault(t.getKey(), 0L));
      out.writeInt(t.getValue().size());
      for (Episode e : t.getValue()) {
        float[] x = e.raw();
        out.writeInt(x.length);
        for (float f : x) {
          out.writeFloat(f);
        }
        out.writeInt(e.label());
        out.writeDouble(e.score());
        out.writeInt(e.branch());
      }
    }
  }

  /**
   * Reads a memory written by {@link #writeTo}; reservoir sampling continues where it stopped.
   *
   * @param in the stream
   * @return the memory
   * @throws IOException if reading fails or the data is inconsistent
   */
  public static EpisodicMemory readFrom(DataInput in) throws IOException {
    int perTask = in.readInt();
    if (perTask < 1) {
      throw new IOException("memory bound is " + perTask);
    }
    byte[] rng = new byte[checked(in.readInt(), 1 << 16)];
    in.readFully(rng);
    EpisodicMemory m = new EpisodicMemory(perTask, RandomState.load(rng));
    int tasks = checked(in.readInt(), 1_000_000);
    for (int t = 0; t < tasks; t++) {
      String task = in.readUTF();
      m.seen.put(task, in.readLong());
      int n = checked(in.readInt(), perTask);
      List<Episode> list = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        float[] x = new float[checked(in.readInt(), 100_000_000)];
        for (int j = 0; j < x.length; j++) {
          x[j] = in.readFloat();
        }
        try {
          list.add(new Episode(x, in.readInt(), in.readDouble(), in.readInt(), task));
        } catch (IllegalArgumentException e) {
          throw new IOException("bad episode of task '" + task + "': " + e.getMessage(), e);
        }
      }
      m.byTask.put(task, list);
    }
    return m;
  }

  private static int checked(int n, int max) throws IOException {
    if (n < 0 || n > max) {
      throw new IOException("implausible count " + n + " (at most " + max + ")");
    }
    return n;
  }

  /**
   * @return every episode, task by task in arrival order of the tasks
   */
  public synchronized List<Episode> episodes() {
    List<Episode> out = new ArrayList<>();
    byTask.values().forEach(out::addAll);
    return out;
  }

  /**
   * @param branch a branch
   * @return the episodes that branch produced
   */
  public synchronized List<Episode> ofBranch(int branch) {
    return episodes().stream().filter(e -> e.branch() == branch).toList();
  }

  /**
   * Reassigns every episode of one branch to another (after a merge or a collection).
   *
   * @param from the removed branch
   * @param to the branch that takes its episodes
   * @return episodes reassigned
   */
  public synchronized int reassign(int from, int to) {
    int n = 0;
    for (List<Episode> list : byTask.values()) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i).branch() == from) {
          list.set(i, list.get(i).withBranch(to));
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The semantic index: the k episodes whose embeddings are closest (cosine) to a query.
   *
   * @param query an embedding of the same width
   * @param k how many
   * @return up to k episodes, closest first
   */
  public synchronized List<Episode> nearest(float[] query, int k) {
    record Scored(Episode e, double sim) {}
    List<Scored> all = new ArrayList<>();
    for (Episode e : episodes()) {
      float[] v = e.raw();
      if (v.length != query.length) {
        throw new IllegalArgumentException(
            "query has " + query.length + " dimensions, memory holds " + v.length);
      }
      all.add(new Scored(e, cosine(query, v)));
    }
    all.sort(Comparator.comparingDouble(Scored::sim).reversed());
    return all.stream().limit(k).map(Scored::e).toList();
  }

  /**
   * @return episodes held
   */
  public synchronized int size() {
    return byTask.values().stream().mapToInt(List::size).sum();
  }

  /**
   * @return the per-task bound
   */
  public int perTask() {
    return perTask;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
