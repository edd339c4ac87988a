package io.himoe.tune.onnx;

import java.nio.charset.StandardCharsets;

/**
 * The protobuf wire format, read-only: just enough to walk the fields of an ONNX file. Every
 * length-delimited field is kept as a span of the file's bytes, so a tensor's payload is known by
 * its offset and can be overwritten in place.
 */
final class Wire {

  /** Wire types. */
  static final int VARINT = 0;

  static final int FIXED64 = 1;
  static final int BYTES = 2;
  static final int FIXED32 = 5;

  /**
   * One field.
   *
   * @param number the field number
   * @param type the wire type
   * @param value the value of a varint field
   * @param from the first byte of a length-delimited field's payload
   * @param to one past its last byte
   */
  record Field(int number, int type, long value, int from, int to) {
    String string(byte[] b) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
  }

  private final byte[] bytes;
  private int at;
  private final int end;

  Wire(byte[] bytes, int from, int to) {
    this.bytes = bytes;
    this.at = from;
    this.end = to;
  }

  boolean hasNext() {
    return at < end;
  }

  Field next() {
    long key = varint();
    int number = (int) (key >>> 3);
    int type = (int) (key & 7);
    return switch (type) {
      case VARINT -> new Field(number, type, varint(), at, at);
      case FIXED64 -> skip(number, type, 8);
      case FIXED32 -> skip(number, type, 4);
      case BYTES -> {
        long len = varint();
        if (len < 0 || at + len > end) {
          throw new OnnxException("a field of " + len + " bytes runs past its message at " + at);
        }
        yield skip(number, type, (int) len);
      }
      default -> throw new OnnxException("unsupported protobuf wire type " + type + " at " + at);
    };
  }

  private Field skip(int number, int type, int len) {
    if (at + len > end) {
      throw new OnnxException("truncated field " + number + " at " + at);
    }
    Field f = new Field(number, type, 0, at, at + len);
    at += len;
    return f;
  }

  long varint() {
    long r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= end) {
        throw new OnnxException("truncated varint at " + at);
      }
      byte b = bytes[at++];
      r |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return r;
      }
    }
    throw new OnnxException("malformed varint before " + at);
  }
}
