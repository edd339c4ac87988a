package io.himoe.runtime.mode;

/** Told of every mode change. Callbacks must be quick and should not throw. */
@FunctionalInterface
public interface ModeListener {

  /**
   * @param change the change
   */
  void onModeChange(ModeChange change);
}
