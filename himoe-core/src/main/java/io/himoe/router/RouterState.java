package io.himoe.router;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link PersistentRouter} has learned, in the router's own binary layout: the server keeps
 * it in its learning snapshot without reading it, so a router type from a module the server does
 * not depend on (a {@link RouterProvider}'s) survives a restart like the built-in learning routers.
 * The bytes are not copied (a learned state can be megabytes): do not modify them once handed over.
 *
 * @param format the layout's name and version, e.g. {@code branched-router/1}; a router refuses a
 *     format it does not read
 * @param bytes the state
 */
public record RouterState(String format, byte[] bytes) {

  /** Checks that both parts are present. */
  public RouterState {
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(bytes, "bytes");
    if (format.isBlank()) {
      throw new IllegalArgumentException("router state format is empty");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouterState s && s.format.equals(format) && Arrays.equals(s.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return 31 * format.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "RouterState[" + format + ", " + bytes.length + " bytes]";
  }
}
