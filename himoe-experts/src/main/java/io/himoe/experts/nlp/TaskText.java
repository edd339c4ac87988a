package io.himoe.experts.nlp;

import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.util.regex.Pattern;

/** The text an NLP expert works on: the input's text without its task tag, checked. */
final class TaskText {
  private TaskText() {}

  /**
   * @param expert the expert's name, for messages
   * @param input the input
   * @param taskTag the leading task tag to remove ({@code fr:tag}, {@code lang:detect})
   * @param maxChars the longest accepted text
   * @return the text to work on
   * @throws MoeError.InvalidInput for a feature vector or an empty text
   * @throws MoeError.Unprocessable for a text over the limit
   */
  static String of(String expert, InputData input, Pattern taskTag, int maxChars) {
    if (input instanceof InputData.Features f) {
      throw new MoeError.InvalidInput(
          expert + " reads text; got a feature vector of dimension " + f.dimension());
    }
    String text = taskTag.matcher(input.toText()).replaceFirst("");
    if (text.isBlank()) {
      throw new MoeError.InvalidInput(expert + ": the text is empty");
    }
    if (text.length() > maxChars) {
      throw new MoeError.Unprocessable(
          expert + ": text is " + text.length() + " chars, the limit is " + maxChars);
    }
    return text;
  }

  /**
   * @param name an expert name
   * @param kind the kind of expert, for the message
   * @return the name
   * @throws IllegalArgumentException if it is null or blank
   */
  static String requireName(String name, String kind) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(kind + ": name is empty");
    }
    return name;
  }
}
