package io.himoe.router;

import io.himoe.experts.ExpertRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * A type of router supplied by a module that is only sometimes on the class path (e.g. {@code
 * himoe-branches}, whose gate runs on PyTorch), found with {@link ServiceLoader}: the module lists
 * its implementation in {@code META-INF/services/io.himoe.router.RouterProvider}. A server asks
 * {@link #find} for a configured type it does not build itself.
 */
public interface RouterProvider {

  /**
   * @return the type a configuration names, e.g. {@code branched}
   */
  String type();

  /**
   * Builds one router of this type.
   *
   * @param id the router's id
   * @param experts its experts, in order
   * @param config top-k, gating policy, aggregator and encoder
   * @param examples example requests per expert name, for a gate that fits its first routes from
   *     them (may be empty)
   * @return the router
   * @throws IllegalArgumentException naming the problem (e.g. no encoder configured)
   */
  Router create(
      String id, ExpertRegistry experts, RouterConfig config, Map<String, List<String>> examples);

  /**
   * @param type a router type
   * @return the provider of that type on the class path, if any
   */
  static Optional<RouterProvider> find(String type) {
    for (RouterProvider p : ServiceLoader.load(RouterProvider.class)) {
      if (p.type().equals(type)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
