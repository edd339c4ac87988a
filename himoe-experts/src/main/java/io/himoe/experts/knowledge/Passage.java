package io.himoe.experts.knowledge;

/**
 * A piece of a document that is indexed and returned on its own.
 *
 * @param source the document's path relative to the documents folder, with {@code /}
 * @param title the nearest Markdown heading above it (or the file name)
 * @param ordinal its position in the document, from 0
 * @param text the text
 */
record Passage(String source, String title, int ordinal, String text) {}
