package io.himoe.server.http;

import io.himoe.engine.Answer;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.server.config.SessionsConfig;
import io.himoe.server.sessions.Session;
import io.himoe.server.sessions.SessionHint;
import io.himoe.server.sessions.SessionStore;
import io.himoe.shared.ContentPart;
import io.himoe.shared.InputData;
import io.himoe.shared.Message;
import io.himoe.shared.ToolCall;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the session a chat request continues and records where its turn went. A conversation is
 * identified by the {@code X-Session-Id} header (or {@code himoe.session_id}), else by the
 * request's {@code user}, else by a hash of its messages up to the last assistant turn (which is
 * the hash of the previous request's messages and reply). Ids are scoped by API key, so tenants
 * never share a session.
 */
final class ChatSessions {

  /**
   * A request's session.
   *
   * @param hint what routing reads and writes
   * @param explicitId the id to store under, when the client named the session
   * @param messages the conversation (for the next turn's hash)
   * @param scope the caller's alias (or {@code anonymous})
   */
  record Begun(
      SessionHint hint, Optional<String> explicitId, List<Message> messages, String scope) {}

  /**
   * The session part of a reply and a trace.
   *
   * @param id the session id (a hash for implicit sessions)
   * @param decision {@code new}, {@code stayed} or {@code moved}
   * @param reason why
   */
  record Note(String id, String decision, String reason) {}

  private static final Pattern GOOD_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  private final SessionStore store;
  private final SessionsConfig config;
  private final InstantSource clock;

  ChatSessions(SessionStore store, SessionsConfig config, InstantSource clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Looks the request's session up and hands it to routing through the context's memory.
   *
   * @return the session, or empty when sessions are off
   */
  Optional<Begun> begin(
      Context http,
      ChatRequest req,
      InputData.Conversation c,
      Caller caller,
      io.himoe.shared.Context mctx) {
    if (!config.enabled()) {
      return Optional.empty();
    }
    String scope = caller.label();
    Optional<String> explicit = explicitId(http, req).map(id -> "s:" + scope + ":" + id);
    String lookup =
        explicit.orElseGet(() -> "p:" + scope + ":" + prefixHash(upToLastAssistant(c.messages())));
    boolean continues = explicit.isPresent() || hasAssistant(c.messages());
    Optional<Session> previous = continues ? store.get(lookup) : Optional.empty();
    boolean pinned = c.messages().getLast().role() == Message.Role.TOOL;
    SessionHint hint = new SessionHint(lookup, previous, pinned && previous.isPresent());
    mctx.memory().put(SessionHint.KEY, hint);
    return Optional.of(new Begun(hint, explicit, c.messages(), scope));
  }

  /**
   * Records which expert answered this turn.
   *
   * @param b the request's session
   * @param a the answer
   * @param reply the assistant message sent back (its text or tool calls)
   * @return what the reply and the trace say about the session
   */
  Note end(Begun b, Answer a, Message reply) {
    Optional<String> expert = Optional.empty();
    if (!a.trace().stages().isEmpty()) {
      for (ExpertTrace e : a.trace().stages().getFirst().experts()) {
        if (e.status() == ExpertStatus.ANSWERED) {
          expert = Optional.of(e.name());
          break;
        }
      }
    }
    String next =
        b.explicitId()
            .orElseGet(
                () -> {
                  List<Message> all = new java.util.ArrayList<>(b.messages());
                  all.add(reply);
                  return "p:" + b.scope() + ":" + hash(all);
                });
    long turns = b.hint().previous().map(Session::turns).orElse(0L) + 1;
    expert.ifPresent(
        e -> store.put(next, new Session(e, a.trace().routerId(), turns, clock.millis())));
    return new Note(shortId(next), b.hint().decision(), b.hint().reason());
  }

  private static Optional<String> explicitId(Context http, ChatRequest req) {
    String h = http.header("X-Session-Id");
    if (h == null && req.himoe() != null) {
      h = req.himoe().sessionId();
    }
    if (h != null) {
      if (!GOOD_ID.matcher(h).matches()) {
        throw ApiError.invalid(
            "X-Session-Id", "expected 1 to 128 letters, digits or ._:@- characters");
      }
      return Optional.of(h);
    }
    return Optional.ofNullable(req.user()).filter(u -> !u.isBlank()).map(u -> "user:" + u);
  }

  private static boolean hasAssistant(List<Message> messages) {
    for (Message m : messages) {
      if (m.role() == Message.Role.ASSISTANT) {
        return true;
      }
    }
    return false;
  }

  private static List<Message> upToLastAssistant(List<Message> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i).role() == Message.Role.ASSISTANT) {
        return messages.subList(0, i + 1);
      }
    }
    return List.of();
  }

  private static String prefixHash(List<Message> prefix) {
    return prefix.isEmpty() ? EMPTY_PREFIX : hash(prefix);
  }

  /** A digest of the turns as the model saw them: roles, text, images and tool calls. */
  static String hash(List<Message> messages) {
    try {
      // A clone of a ready digest: getInstance looks the algorithm up among the providers each
      // time, twice per chat request.
      MessageDigest d = (MessageDigest) SHA256.clone();
      for (Message m : messages) {
        d.update(m.role().name().getBytes(StandardCharsets.UTF_8));
        for (ContentPart p : m.content()) {
          switch (p) {
            case ContentPart.Text t -> {
              // The bytes of "\u0000t" + text, without building that string.
              d.update((byte) 0);
              d.update((byte) 't');
              d.update(t.text().getBytes(StandardCharsets.UTF_8));
            }
            case ContentPart.Image i -> d.update(i.bytes());
            case ContentPart.ImageUrl u ->
                d.update(("\u0000u" + u.url()).getBytes(StandardCharsets.UTF_8));
          }
        }
        for (ToolCall c : m.toolCalls()) {
          d.update(
              ("\u0000c" + c.id() + "\u0000" + c.name() + "\u0000" + c.arguments())
                  .getBytes(StandardCharsets.UTF_8));
        }
        m.toolCallId().ifPresent(id -> d.update(("\u0000r" + id).getBytes(StandardCharsets.UTF_8)));
        d.update((byte) 1);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JDK's SHA-256 cannot be cloned", e);
    }
  }

  private static final MessageDigest SHA256 = sha256();

  // After SHA256, which it needs. The digest of no turn at all: what a first turn looks up.
  private static final String EMPTY_PREFIX = hash(List.of());

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  private static String shortId(String id) {
    // Implicit ids are long hashes; 16 hex digits are enough to tell sessions apart in a trace.
    int colon = id.lastIndexOf(':');
    return id.startsWith("p:")
        ? "p:" + id.substring(colon + 1, Math.min(id.length(), colon + 17))
        : id;
  }
}
