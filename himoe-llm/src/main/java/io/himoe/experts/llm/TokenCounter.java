package io.himoe.experts.llm;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Counts tokens with a real BPE tokenizer (jtokkit: OpenAI's {@code o200k_base}, {@code
 * cl100k_base}, ...), for usage where an upstream reported none and for context budgets. Chat
 * messages are counted as OpenAI bills them: each message adds 3 tokens of framing (4 with a name),
 * and a reply is primed with 3 more. With {@code o200k_base}, an ASCII text is split into its
 * pre-token pieces by hand and each piece's count is kept (a bounded cache of words, numbers and
 * punctuation); the counts are jtokkit's. Thread-safe.
 */
public final class TokenCounter {

  /** The encoding used when the configuration names none: GPT-4o's. */
  public static final String DEFAULT_ENCODING = "o200k_base";

  private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
  private static final TokenCounter DEFAULT = of(DEFAULT_ENCODING);
  private static final int MAX_PIECES = 20_000;
  private static final int MAX_CACHED_PIECE = 24;

  private final EncodingType type;
  // Loaded on first use: reading a vocabulary takes a noticeable time, which a request that
  // never needs a count (the upstream reported usage) should not pay.
  private volatile @Nullable Encoding encoding;

  // Each role's name in tokens, counted once per counter (every message's framing holds one).
  private final int[] roleTokens = new int[Message.Role.values().length];

  // o200k_base only: an ASCII text is split into its pre-token pieces without jtokkit's regular
  // expression (O200kAsciiPieces), and each piece's tokens are looked up here. Pieces are words,
  // numbers, punctuation and spaces, which all traffic repeats (the same few thousand words), not
  // whole texts, so the hits do not depend on requests repeating themselves. Bounded: emptied when
  // full; pieces longer than MAX_CACHED_PIECE are counted each time.
  private final @Nullable Map<String, Integer> pieceTokens;
  private final ToIntFunction<String> tokensOfPiece = this::tokensOfPiece;

  private TokenCounter(EncodingType type) {
    this.type = type;
    Arrays.fill(roleTokens, -1);
    this.pieceTokens = type == EncodingType.O200K_BASE ? new ConcurrentHashMap<>() : null;
  }

  private int tokensOfPiece(String piece) {
    Map<String, Integer> cache = pieceTokens;
    if (cache == null || piece.length() > MAX_CACHED_PIECE) {
      return encoding().countTokensOrdinary(piece);
    }
    Integer n = cache.get(piece);
    if (n == null) {
      n = encoding().countTokensOrdinary(piece);
      if (cache.size() >= MAX_PIECES) {
        cache.clear();
      }
      cache.put(piece, n);
    }
    return n;
  }

  private int roleTokens(Message.Role role) {
    int n = roleTokens[role.ordinal()];
    if (n < 0) {
      // A benign race: two threads may both count it, and store the same number.
      n = count(role.name().toLowerCase(Locale.ROOT));
      roleTokens[role.ordinal()] = n;
    }
    return n;
  }

  private Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      synchronized (this) {
        e = encoding;
        if (e == null) {
          e = REGISTRY.getEncoding(type);
          encoding = e;
        }
      }
    }
    return e;
  }

  /**
   * @param name an encoding name: {@code o200k_base}, {@code cl100k_base}, {@code p50k_base},
   *     {@code p50k_edit} or {@code r50k_base}
   * @return a counter for that encoding
   * @throws IllegalArgumentException naming the known encodings when the name is unknown
   */
  public static TokenCounter of(String name) {
    EncodingType type =
        EncodingType.fromName(name.strip().toLowerCase(Locale.ROOT))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "unknown token encoding '"
                            + name
                            + "' (known: "
                            + String.join(
                                ", ",
                                Arrays.stream(EncodingType.values())
                                    .map(EncodingType::getName)
                                    .toList())
                            + ")"));
    return new TokenCounter(type);
  }

  /**
   * @return the {@value #DEFAULT_ENCODING} counter
   */
  public static TokenCounter defaults() {
    return DEFAULT;
  }

  /**
   * @return the encoding's name
   */
  public String encodingName() {
    return type.getName();
  }

  /**
   * @param text any text
   * @return its tokens (0 for the empty text)
   */
  public int count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    if (pieceTokens != null) {
      int n = O200kAsciiPieces.count(text, tokensOfPiece);
      if (n >= 0) {
        return n;
      }
    }
    return encoding().countTokensOrdinary(text);
  }

  /**
   * @param text any text
   * @param maxTokens the most tokens to keep, &gt;= 0
   * @return the text's first {@code maxTokens} tokens (the text itself when it is shorter)
   */
  public String truncate(String text, int maxTokens) {
    var r = encoding().encodeOrdinary(text, maxTokens);
    return r.isTruncated() ? encoding().decode(r.getTokens()) : text;
  }

  /**
   * @param m a chat message
   * @return its tokens with the message framing
   */
  public int count(Message m) {
    int n = 3 + count(m.text()) + roleTokens(m.role());
    if (m.name().isPresent()) {
      n += 1 + count(m.name().get());
    }
    for (var call : m.toolCalls()) {
      n += 3 + count(call.name()) + count(call.arguments());
    }
    return n;
  }

  /**
   * @param messages a conversation
   * @return its prompt tokens, framing and reply priming included
   */
  public int count(List<Message> messages) {
    int n = 3;
    for (Message m : messages) {
      n += count(m);
    }
    return n;
  }

  /**
   * @param input a request
   * @return its prompt tokens: a conversation's messages, else its text as one user message
   */
  public int prompt(InputData input) {
    return input instanceof InputData.Conversation c
        ? count(c.messages())
        : count(List.of(Message.user(input.toText())));
  }
}
