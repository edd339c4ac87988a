package io.himoe.orchestrator;

import io.himoe.router.Router;
import java.util.Objects;

/**
 * A named reference to a router (seed 001 §2.6).
 *
 * @param id the id requests and traces use
 * @param router the router
 */
public record RouterRef(String id, Router router) {

  /** Validates. */
  public RouterRef {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("router id must not be blank");
    }
    Objects.requireNonNull(router, "router");
  }

  /**
   * @param router a router
   * @return a reference under the router's own id
   */
  public static RouterRef of(Router router) {
    return new RouterRef(router.id(), router);
  }
}
