package io.himoe.experts.nlp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import opennlp.tools.langdetect.LanguageDetectorModel;
import opennlp.tools.postag.POSModel;
import opennlp.tools.sentdetect.SentenceModel;

/**
 * The OpenNLP models, read once per JVM from the Apache model jars on the class path (Maven
 * artifacts {@code opennlp-models-pos-fr}, {@code opennlp-models-sentdetect-fr}, {@code
 * opennlp-models-langdetect}, version 1.3.0). Each holder class loads on first use, so an
 * application that never tags French never pays for the model. Models are immutable and shared; the
 * {@code *ME} wrappers around them are not thread-safe and are created per call.
 */
final class OpenNlpModels {
  static final String POS_FR = "opennlp-fr-ud-gsd-pos-1.3-2.5.4.bin";
  static final String SENT_FR = "opennlp-fr-ud-gsd-sentence-1.3-2.5.4.bin";
  static final String LANGDETECT = "langdetect-183.bin";

  private OpenNlpModels() {}

  static POSModel posFr() {
    return PosFr.MODEL;
  }

  static SentenceModel sentencesFr() {
    return SentFr.MODEL;
  }

  static LanguageDetectorModel langDetect() {
    return LangDetect.MODEL;
  }

  private static InputStream open(String resource) {
    InputStream in = OpenNlpModels.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException(
          "OpenNLP model " + resource + " is not on the class path (missing model jar)");
    }
    return in;
  }

  /** Reads a model; the holders below call it from their static initialisers. */
  private static <T> T load(String resource, ModelReader<T> reader) {
    try (InputStream in = open(resource)) {
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read OpenNLP model " + resource, e);
    }
  }

  @FunctionalInterface
  private interface ModelReader<T> {
    T read(InputStream in) throws IOException;
  }

  private static final class PosFr {
    static final POSModel MODEL = load(POS_FR, POSModel::new);
  }

  private static final class SentFr {
    static final SentenceModel MODEL = load(SENT_FR, SentenceModel::new);
  }

  private static final class LangDetect {
    static final LanguageDetectorModel MODEL = load(LANGDETECT, LanguageDetectorModel::new);
  }
}
