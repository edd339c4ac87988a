package io.himoe.experts.encoders;

import java.util.Locale;
import java.util.Optional;

/**
 * The sentence encoders that ship inside Maven jars (LangChain4j's in-process embedding artifacts,
 * used only as carriers of the ONNX file and its tokenizer), so nothing is downloaded at run time.
 * All have 384 dimensions. Only the default's ({@link #MINILM_L6_V2_Q}) jar is a required
 * dependency; the others are optional ones of this module, so an application (the server jar)
 * carries them only when it adds them: {@link #available()} says whether this class path has one.
 */
public enum SentenceModel {
  /** all-MiniLM-L6-v2, int8-quantised (23 MB), mean pooling: the fastest. */
  MINILM_L6_V2_Q(
      "minilm", "minilm-l6-v2-q", "all-minilm-l6-v2-q", "all-minilm-l6-v2-q", Pooling.MEAN, ""),
  /** all-MiniLM-L6-v2, full precision (90 MB), mean pooling. */
  MINILM_L6_V2(
      "minilm-full", "minilm-l6-v2", "all-minilm-l6-v2", "all-minilm-l6-v2", Pooling.MEAN, ""),
  /** BAAI bge-small-en-v1.5, full precision (133 MB, 12 layers), [CLS] pooling. */
  BGE_SMALL_EN_V15(
      "bge-small", "bge-small-en-v1.5", "bge-small-en-v1.5", "bge-small-en-v15", Pooling.CLS, ""),
  /** BAAI bge-small-en-v1.5, int8-quantised (34 MB), [CLS] pooling. */
  BGE_SMALL_EN_V15_Q(
      "bge-small-q",
      "bge-small-en-v1.5-q",
      "bge-small-en-v1.5-q",
      "bge-small-en-v15-q",
      Pooling.CLS,
      ""),
  /**
   * intfloat e5-small-v2, int8-quantised (34 MB), mean pooling; queries carry {@code "query: "}.
   */
  E5_SMALL_V2_Q(
      "e5-small-q", "e5-small-v2-q", "e5-small-v2-q", "e5-small-v2-q", Pooling.MEAN, "query: ");

  private final String configName;
  private final String id;
  private final String resource;
  private final String artifact;
  private final Pooling pooling;
  private final String prefix;

  /** The Maven coordinates' version of every model jar. */
  public static final String MODELS_VERSION = "1.20.0-beta30";

  SentenceModel(
      String configName,
      String id,
      String resource,
      String artifact,
      Pooling pooling,
      String prefix) {
    this.configName = configName;
    this.id = id;
    this.resource = resource;
    this.artifact = artifact;
    this.pooling = pooling;
    this.prefix = prefix;
  }

  /**
   * @return the short name configuration files use ({@code minilm}, {@code bge-small}, ...)
   */
  public String configName() {
    return configName;
  }

  /**
   * @return the encoder id recorded in traces and snapshots (e.g. {@code bge-small-en-v1.5})
   */
  public String id() {
    return id;
  }

  /**
   * @return the class-path resource of the ONNX graph
   */
  public String onnxResource() {
    return resource + ".onnx";
  }

  /**
   * @return the class-path resource of the Hugging Face tokenizer JSON
   */
  public String tokenizerResource() {
    return resource + "-tokenizer.json";
  }

  /**
   * @return the Maven artifact that carries the model ({@code dev.langchain4j:ARTIFACT:}{@value
   *     #MODELS_VERSION})
   */
  public String artifactId() {
    return "langchain4j-embeddings-" + artifact;
  }

  /**
   * @return whether the model's graph is on this class path (looked up, not loaded)
   */
  public boolean available() {
    return SentenceModel.class.getClassLoader().getResource(onnxResource()) != null;
  }

  /**
   * @throws IllegalArgumentException naming the model, its Maven artifact and the two ways to
   *     provide it, when it is not on this class path
   */
  public void requireAvailable() {
    if (!available()) {
      throw new IllegalArgumentException(
          "encoder '"
              + configName
              + "': its model is not on the class path (the server jar carries only 'minilm'):"
              + " start with './himoe --with models ...' (adds the Maven artifact dev.langchain4j:"
              + artifactId()
              + ":"
              + MODELS_VERSION
              + "), or give its files as onnx:FILE,tokenizer=FILE,pooling="
              + pooling.label()
              + (prefix.isEmpty() ? "" : ",prefix=" + prefix.strip()));
    }
  }

  /**
   * @return how token vectors are pooled
   */
  public Pooling pooling() {
    return pooling;
  }

  /**
   * @return the text put before every input (e5's {@code "query: "}), or empty
   */
  public String prefix() {
    return prefix;
  }

  /**
   * @param name a {@link #configName()} or an {@link #id()}, any case
   * @return the model, if the name is one
   */
  public static Optional<SentenceModel> byName(String name) {
    String key = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    for (SentenceModel m : values()) {
      if (m.configName.equals(key) || m.id.equals(key)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
