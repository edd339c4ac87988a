package io.himoe.tune.onnx;

/** An ONNX file that cannot be read or written as asked; the message says why. */
public final class OnnxException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong
   */
  public OnnxException(String message) {
    super(message);
  }
}
