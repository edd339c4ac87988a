package io.himoe.server.store;

/**
 * The state of a replica's store, shown by {@code /readyz}.
 *
 * @param kind {@code sqlite} or {@code postgres}
 * @param up whether the store answered its latest use
 * @param queuedFeedback feedback accepted while the database was down, waiting on local disk
 * @param position the feedback log id up to which this replica has trained (0 for sqlite)
 * @param stateVersion the version of the shared learned state this replica's state descends from (0
 *     when none was saved yet, or for sqlite)
 */
public record StoreHealth(
    String kind, boolean up, long queuedFeedback, long position, long stateVersion) {

  /**
   * @return whether the replica serves without all of its store: from its last loaded state,
   *     queueing feedback locally
   */
  public boolean degraded() {
    return !up || queuedFeedback > 0;
  }
}
