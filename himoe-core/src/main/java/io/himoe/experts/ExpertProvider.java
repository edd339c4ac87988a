package io.himoe.experts;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A kind of expert supplied by a module that is only sometimes on the class path (it needs a heavy
 * runtime, such as {@code himoe-branches} and PyTorch), found with {@link ServiceLoader}: the
 * module lists its implementation in {@code META-INF/services/io.himoe.experts.ExpertProvider}. A
 * server asks {@link #find} for a configured kind it does not build itself, so its own jar stays
 * free of that runtime.
 */
public interface ExpertProvider {

  /**
   * @return the kind a configuration names, e.g. {@code branched}
   */
  String kind();

  /**
   * Builds one expert of this kind.
   *
   * @param name the expert's name
   * @param options its options as configured (string values)
   * @return the expert
   * @throws IllegalArgumentException naming the option and the problem (a missing or unreadable
   *     file, a value out of range)
   */
  Expert create(String name, Map<String, String> options);

  /**
   * @param kind a kind
   * @return the provider of that kind on the class path, if any (the first one found)
   */
  static Optional<ExpertProvider> find(String kind) {
    for (ExpertProvider p : ServiceLoader.load(ExpertProvider.class)) {
      if (p.kind().equals(kind)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
