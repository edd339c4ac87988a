package io.himoe.experts.nlp;

/**
 * A token and where it sits in the text.
 *
 * @param text the token as written
 * @param start index of its first char in the text
 * @param end index after its last char
 */
record TokenSpan(String text, int start, int end) {}
