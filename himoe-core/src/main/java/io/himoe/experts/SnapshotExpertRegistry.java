package io.himoe.experts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** Copy-on-write registry: writers swap an immutable snapshot, readers never lock. */
final class SnapshotExpertRegistry implements ExpertRegistry {

  private record Snapshot(
      List<ExpertRef> list,
      Map<ExpertId, ExpertRef> byId,
      Map<String, ExpertRef> byName,
      Map<ExpertId, ExpertStats> stats) {}

  private final AtomicReference<Snapshot> snap =
      new AtomicReference<>(new Snapshot(List.of(), Map.of(), Map.of(), Map.of()));

  @Override
  public ExpertRef register(Expert expert) {
    Objects.requireNonNull(expert, "expert");
    String name = expert.name();
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("expert name must not be blank");
    }
    ExpertRef ref = ExpertRef.of(expert);
    while (true) {
      Snapshot cur = snap.get();
      if (cur.byName.containsKey(name)) {
        throw new IllegalArgumentException("duplicate expert name '" + name + "'");
      }
      ExpertRef clash = cur.byId.get(ref.id());
      if (clash != null) {
        throw new IllegalArgumentException(
            "expert id collision: '"
                + name
                + "' and '"
                + clash.name()
                + "' both hash to "
                + ref.id());
      }
      List<ExpertRef> list = new ArrayList<>(cur.list);
      list.add(ref);
      Map<ExpertId, ExpertRef> byId = new HashMap<>(cur.byId);
      byId.put(ref.id(), ref);
      Map<String, ExpertRef> byName = new HashMap<>(cur.byName);
      byName.put(name, ref);
      Map<ExpertId, ExpertStats> stats = new HashMap<>(cur.stats);
      stats.put(ref.id(), new ExpertStats());
      Snapshot next =
          new Snapshot(List.copyOf(list), Map.copyOf(byId), Map.copyOf(byName), Map.copyOf(stats));
      if (snap.compareAndSet(cur, next)) {
        return ref;
      }
    }
  }

  @Override
  public boolean remove(String name) {
    while (true) {
      Snapshot cur = snap.get();
      ExpertRef ref = cur.byName.get(name);
      if (ref == null) {
        return false;
      }
      List<ExpertRef> list = new ArrayList<>(cur.list);
      list.remove(ref);
      Map<ExpertId, ExpertRef> byId = new HashMap<>(cur.byId);
      byId.remove(ref.id());
      Map<String, ExpertRef> byName = new HashMap<>(cur.byName);
      byName.remove(name);
      Map<ExpertId, ExpertStats> stats = new HashMap<>(cur.stats);
      stats.remove(ref.id());
      Snapshot next =
          new Snapshot(List.copyOf(list), Map.copyOf(byId), Map.copyOf(byName), Map.copyOf(stats));
      if (snap.compareAndSet(cur, next)) {
        return true;
      }
    }
  }

  @Override
  public List<ExpertRef> list() {
    return snap.get().list;
  }

  @Override
  public Optional<ExpertRef> byId(ExpertId id) {
    return Optional.ofNullable(snap.get().byId.get(id));
  }

  @Override
  public Optional<ExpertRef> byName(String name) {
    return Optional.ofNullable(snap.get().byName.get(name));
  }

  @Override
  public Optional<ExpertStats> findStats(ExpertId id) {
    return Optional.ofNullable(snap.get().stats.get(id));
  }

  @Override
  public int size() {
    return snap.get().list.size();
  }
}
