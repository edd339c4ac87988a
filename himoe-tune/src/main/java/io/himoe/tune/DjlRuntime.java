package io.himoe.tune;

import ai.djl.engine.Engine;

/** The PyTorch engine, offline, with a bounded thread count. */
public final class DjlRuntime {

  private DjlRuntime() {}

  /**
   * Sets defaults the caller did not set: offline mode (the native library comes from the {@code
   * pytorch-native-cpu} jar, nothing is downloaded) and {@code threads} intra-op threads.
   *
   * @param threads PyTorch intra-op threads
   * @return the engine
   */
  public static synchronized Engine pytorch(int threads) {
    setDefault("ai.djl.offline", "true");
    setDefault("offline", "true");
    setDefault("ai.djl.pytorch.num_threads", Integer.toString(threads));
    setDefault("ai.djl.pytorch.num_interop_threads", "1");
    return Engine.getEngine("PyTorch");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
