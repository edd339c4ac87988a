package io.himoe.router;

/**
 * A router whose learned state a server saves with its learning snapshot and gives back on restart
 * (or when another replica saved newer state). Built-in learning routers are saved by their own
 * types; this is the way for a router made by a {@link RouterProvider}, whose classes the server
 * does not know: the state travels as opaque {@link RouterState} bytes.
 */
public interface PersistentRouter extends Router {

  /**
   * Takes what the router has learned so far, consistent with itself (not in the middle of a
   * learning step), including feedback received but not learned yet.
   *
   * @return the state, in the router's own format
   */
  RouterState saveState();

  /**
   * Continues from a saved state: afterwards the router routes and learns as the one that saved it
   * did.
   *
   * @param state a state saved by a router of the same type
   * @throws IllegalArgumentException naming the mismatch when the state does not fit this router
   *     (another format, other experts, another encoder dimension, corrupt bytes); the router then
   *     keeps its own state unchanged
   */
  void restoreState(RouterState state);
}
