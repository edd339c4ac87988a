package io.himoe.shared;

/** Adapts an expert's own output type to the common {@link Value}. */
@FunctionalInterface
public interface ToValue {
  /**
   * @return this output as a {@link Value}
   */
  Value toValue();
}
