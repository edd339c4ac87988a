package io.himoe.experts;

import java.util.List;
import java.util.Optional;

/**
 * The experts a router gates over. Reads are lock-free snapshots, so a request in flight keeps the
 * list it started with while experts are added or removed. A duplicate name or an id collision is
 * refused at registration.
 */
public interface ExpertRegistry {

  /**
   * @return an empty registry
   */
  static ExpertRegistry create() {
    return new SnapshotExpertRegistry();
  }

  /**
   * @param experts the experts to register, in order
   * @return a registry holding them
   * @throws IllegalArgumentException on a duplicate name or id collision
   */
  static ExpertRegistry of(Expert... experts) {
    ExpertRegistry r = create();
    for (Expert e : experts) {
      r.register(e);
    }
    return r;
  }

  /**
   * Registers an expert.
   *
   * @param expert the expert
   * @return its reference
   * @throws IllegalArgumentException if its name is blank or already registered, or if its id
   *     collides with another name's
   */
  ExpertRef register(Expert expert);

  /**
   * Removes an expert by name.
   *
   * @param name its name
   * @return whether it was registered
   */
  boolean remove(String name);

  /**
   * @return the registered experts, in registration order (an immutable snapshot)
   */
  List<ExpertRef> list();

  /**
   * @param id an id
   * @return the expert with that id
   */
  Optional<ExpertRef> byId(ExpertId id);

  /**
   * @param name a name
   * @return the expert with that name
   */
  Optional<ExpertRef> byName(String name);

  /**
   * @param id an expert's id
   * @return its live statistics (kept while it is registered), or empty when it is not registered
   *     (it may have been removed since it was picked)
   */
  Optional<ExpertStats> findStats(ExpertId id);

  /**
   * @param id an expert's id
   * @return its live statistics (kept while it is registered)
   * @throws IllegalArgumentException if no such expert is registered
   */
  default ExpertStats stats(ExpertId id) {
    return findStats(id)
        .orElseThrow(() -> new IllegalArgumentException("no expert registered with id " + id));
  }

  /**
   * @return the number of registered experts
   */
  default int size() {
    return list().size();
  }
}
