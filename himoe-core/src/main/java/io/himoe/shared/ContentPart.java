package io.himoe.shared;

import java.net.URI;
import java.util.Arrays;
import java.util.Objects;

/** A part of a {@link Message}: text, an image given inline, or an image by URL. */
public sealed interface ContentPart {

  /**
   * Text.
   *
   * @param text the text
   */
  record Text(String text) implements ContentPart {
    /** Validates. */
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image given inline (from a {@code data:} URL). The array is copied on the way in and out.
   *
   * @param bytes the encoded image, not empty
   * @param mediaType its media type, e.g. {@code image/png}
   */
  record Image(byte[] bytes, String mediaType) implements ContentPart {
    /** Validates and copies. */
    public Image {
      if (bytes == null || bytes.length == 0) {
        throw new MoeError.InvalidInput("image is empty");
      }
      if (mediaType == null || !mediaType.startsWith("image/")) {
        throw new MoeError.InvalidInput("image media type must be image/*, got " + mediaType);
      }
      bytes = bytes.clone();
    }

    /**
     * @return a copy of the encoded image
     */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    /**
     * @return the image's size in bytes, without copying it
     */
    public int size() {
      return bytes.length;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Image i && mediaType.equals(i.mediaType) && Arrays.equals(bytes, i.bytes);
    }

    @Override
    public int hashCode() {
      return 31 * mediaType.hashCode() + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Image[" + mediaType + ", " + bytes.length + " bytes]";
    }
  }

  /**
   * An image by URL (http or https), which the server's configuration allowed; experts that reach
   * the network (LLM endpoints) pass it on, the others see only the text parts.
   *
   * @param url the image's URL
   */
  record ImageUrl(URI url) implements ContentPart {
    /** Validates. */
    public ImageUrl {
      Objects.requireNonNull(url, "url");
      String s = url.getScheme();
      if (s == null || !(s.equals("http") || s.equals("https"))) {
        throw new MoeError.InvalidInput("image URL must be http or https, got " + url);
      }
    }
  }
}
