package io.himoe.branches.model.internal;

import ai.djl.engine.Engine;

/** Configures DJL once, before the PyTorch engine loads. */
public final class DjlRuntime {

  private DjlRuntime() {}

  /**
   * Sets defaults the caller did not set: offline mode (a missing native library fails instead of
   * being downloaded; the native comes from the {@code pytorch-native-cpu} jar) and one intra-op
   * and one inter-op thread (these networks are small, and PyTorch's spinning thread pool made a
   * training step 10-30x slower on a shared 2-core machine).
   *
   * @return the PyTorch engine
   */
  public static synchronized Engine pytorch() {
    setDefault("ai.djl.offline", "true");
    setDefault("offline", "true");
    setDefault("ai.djl.pytorch.num_threads", "1");
    setDefault("ai.djl.pytorch.num_interop_threads", "1");
    return Engine.getEngine("PyTorch");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
