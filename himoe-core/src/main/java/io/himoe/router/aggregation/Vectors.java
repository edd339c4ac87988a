package io.himoe.router.aggregation;

/** Small vector and text helpers shared by the aggregators. */
final class Vectors {

  private Vectors() {}

  static double cosine(float[] a, float[] b) {
    if (a.length != b.length) {
      return 0;
    }
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? (na == nb ? 1 : 0) : dot / Math.sqrt(na * nb);
  }

  /**
   * Lower-cases, trims, collapses whitespace and drops trailing punctuation, without regular
   * expressions (aggregation runs on every request).
   */
  static String normalizeText(String s) {
    StringBuilder b = new StringBuilder(s.length());
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isWhitespace(c)) {
        space = b.length() > 0;
      } else {
        if (space) {
          b.append(' ');
          space = false;
        }
        b.append(Character.toLowerCase(c));
      }
    }
    int end = b.length();
    while (end > 0 && ".!?;:,".indexOf(b.charAt(end - 1)) >= 0) {
      end--;
    }
    b.setLength(end);
    return b.toString();
  }
}
