package io.himoe.experts.llm.internal;

import static dev.langchain4j.http.client.sse.ServerSentEventListenerUtils.ignoringExceptions;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link HttpClient} over Apache HttpClient 5 (classic, blocking sockets) whose calls
 * obey the {@link CallScope} bound on the calling thread: each HTTP request's socket times out at
 * the scope's deadline, and cancelling the scope closes the connection's socket at once (the server
 * sees it go within milliseconds; the JDK client closed it from its selector thread, which
 * sometimes noticed only at its 3 s wake-up).
 */
public final class CancellableHttpClient implements HttpClient {

  /** Headers the HTTP client sets itself from the entity and the URI. */
  private static final Set<String> OWN_HEADERS =
      Set.of("content-length", "transfer-encoding", "host", "connection");

  private final CloseableHttpClient delegate;
  private final Duration readTimeout;

  /**
   * @param delegate the Apache client (its connection manager holds the pool and connect timeout)
   * @param readTimeout the longest a request may wait for bytes when no scope is bound
   */
  public CancellableHttpClient(CloseableHttpClient delegate, Duration readTimeout) {
    this.delegate = delegate;
    this.readTimeout = readTimeout;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    CallScope scope = CallScope.CURRENT.isBound() ? CallScope.CURRENT.get() : null;
    HttpUriRequestBase http = toApache(request, scope);
    if (scope != null) {
      // cancel() closes the socket at once (CloseMode.IMMEDIATE); the blocked read then fails.
      scope.onCancel(http::cancel);
    }
    try {
      return delegate.execute(
          http,
          response -> {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : entity.getContent().readAllBytes();
            noteRetryAfter(response, scope);
            if (response.getCode() < 200 || response.getCode() >= 300) {
              throw new HttpException(response.getCode(), new String(body, StandardCharsets.UTF_8));
            }
            return toResponse(response, new String(body, StandardCharsets.UTF_8));
          });
    } catch (IOException e) {
      throw translate(e, http, scope);
    }
  }

  /**
   * On a virtual thread, streams on the calling thread: returns once the stream has ended, failed
   * or been cancelled, and the listener has been told. Hi-MoE calls a streaming model from the
   * expert's virtual thread and waits for the end anyway, so reading there saves a thread start and
   * a hand-off per call (at concurrency 1 each hand-off wakes an idle carrier). Cancelling the
   * scope closes the socket, and so does interrupting the virtual thread blocked in the read:
   * either ends the call at once. On a platform thread, whose blocked socket read an interrupt
   * would not end, the stream is read on a new virtual thread and this returns at once, as
   * LangChain4j's clients do.
   */
  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    CallScope scope = CallScope.CURRENT.isBound() ? CallScope.CURRENT.get() : null;
    HttpUriRequestBase http = toApache(request, scope);
    if (scope != null) {
      scope.onCancel(http::cancel);
    }
    Runnable read =
        () -> {
          try {
            stream(http, scope, parser, listener);
          } catch (IOException e) {
            ignoringExceptions(() -> listener.onError(translate(e, http, scope)));
          } catch (RuntimeException e) {
            ignoringExceptions(() -> listener.onError(e));
          }
        };
    if (Thread.currentThread().isVirtual()) {
      read.run();
    } else {
      Thread.ofVirtual().name("himoe-llm-sse").start(read);
    }
  }

  private void stream(
      HttpUriRequestBase http,
      @Nullable CallScope scope,
      ServerSentEventParser parser,
      ServerSentEventListener listener)
      throws IOException {
    try (ClassicHttpResponse response = delegate.executeOpen(null, http, null)) {
      noteRetryAfter(response, scope);
      HttpEntity entity = response.getEntity();
      if (response.getCode() < 200 || response.getCode() >= 300) {
        String body =
            entity == null
                ? ""
                : new String(entity.getContent().readAllBytes(), StandardCharsets.UTF_8);
        ignoringExceptions(() -> listener.onError(new HttpException(response.getCode(), body)));
        return;
      }
      ignoringExceptions(() -> listener.onOpen(toResponse(response, null)));
      if (entity == null) {
        ignoringExceptions(listener::onClose);
        return;
      }
      try (EofWatch in = new EofWatch(entity.getContent(), http)) {
        parser.parse(in, listener);
      }
      ignoringExceptions(listener::onClose);
    }
  }

  private HttpUriRequestBase toApache(HttpRequest request, @Nullable CallScope scope) {
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      throw new UnsupportedOperationException("multipart requests are not supported");
    }
    HttpUriRequestBase http =
        new HttpUriRequestBase(request.method().name(), URI.create(request.url()));
    request
        .headers()
        .forEach(
            (name, values) -> {
              if (!OWN_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> http.addHeader(name, v));
              }
            });
    if (scope != null && scope.traceId() != null && !hasHeader(request, TRACE_HEADER)) {
      // The request's trace id travels to the endpoint, so a chained Hi-MoE (or a proxy's logs)
      // can be followed from one server to the next.
      http.addHeader(TRACE_HEADER, scope.traceId());
    }
    if (request.body() != null) {
      http.setEntity(new StringEntity(request.body(), ContentType.APPLICATION_JSON));
    }
    Duration timeout = readTimeout;
    if (scope != null) {
      Duration left = scope.remaining();
      // A zero timeout means "none" to sockets; 1 ms fails at once, which is what we want.
      timeout = left.compareTo(timeout) < 0 ? left : timeout;
      if (timeout.isZero()) {
        timeout = Duration.ofMillis(1);
      }
    }
    Timeout t = Timeout.ofMilliseconds(Math.max(1, timeout.toMillis()));
    // A scope cancelled by a timer at its deadline ends the call then (cancelling closes the
    // socket), and that deadline is never later than the read timeout (the call's own limit).
    // Reading without a socket timeout then loses nothing, and a virtual thread's untimed park
    // needs no timer: a timed socket read schedules and cancels a task on the scheduler's timer
    // thread at every park, two wake-ups of that thread per token of a stream.
    Timeout read = scope != null && scope.timed() ? Timeout.INFINITE : t;
    http.setConfig(
        RequestConfig.custom().setResponseTimeout(read).setConnectionRequestTimeout(t).build());
    return http;
  }

  /**
   * A response body that, closed before its end (the consumer stopped reading), drops the
   * connection: closing the Apache stream normally would first read the rest of the response, which
   * from a hanging or slow upstream never comes.
   */
  private static final class EofWatch extends FilterInputStream {
    private final HttpUriRequestBase http;
    private volatile boolean sawEof;

    EofWatch(InputStream in, HttpUriRequestBase http) {
      super(in);
      this.http = http;
    }

    @Override
    public void close() throws IOException {
      if (!sawEof) {
        http.cancel();
      }
      try {
        super.close();
      } catch (IOException e) {
        // The connection was dropped on purpose; nothing is left to read or release.
        if (sawEof) {
          throw e;
        }
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      sawEof |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      sawEof |= n < 0;
      return n;
    }
  }

  /** The trace header, as Hi-MoE servers read and answer it. */
  public static final String TRACE_HEADER = "X-Trace-Id";

  private static boolean hasHeader(HttpRequest request, String name) {
    return request.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
  }

  /** On 429 and 503, records the endpoint's {@code Retry-After} in the scope. */
  private static void noteRetryAfter(ClassicHttpResponse response, @Nullable CallScope scope) {
    int code = response.getCode();
    if (scope == null || (code != 429 && code != 503)) {
      return;
    }
    Header h = response.getFirstHeader("Retry-After");
    if (h != null && h.getValue() != null) {
      retryAfter(h.getValue(), scope.now()).ifPresent(scope::retryAfter);
    }
  }

  /**
   * Parses a {@code Retry-After} value (RFC 9110 §10.2.3): delay-seconds or an HTTP date.
   *
   * @param value the header's value
   * @param now the current time, for a date
   * @return the wait (zero for a date in the past), or empty when the value is neither form
   */
  public static java.util.Optional<Duration> retryAfter(String value, java.time.Instant now) {
    String v = value.strip();
    if (!v.isEmpty() && v.length() <= 10 && v.chars().allMatch(Character::isDigit)) {
      return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      java.time.Instant at =
          java.time.ZonedDateTime.parse(v, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
              .toInstant();
      Duration d = Duration.between(now, at);
      return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (java.time.format.DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  private static RuntimeException translate(
      IOException e, HttpUriRequestBase http, @Nullable CallScope scope) {
    if (http.isCancelled() || (scope != null && scope.cancelReason() != null)) {
      CancellationException c = new CancellationException("HTTP call cancelled");
      c.initCause(e);
      return c;
    }
    if (e instanceof InterruptedIOException) {
      // A socket read timeout (SocketTimeoutException) or a connect timeout.
      return new TimeoutException(e);
    }
    return new UncheckedIOException(e);
  }

  private static SuccessfulHttpResponse toResponse(
      ClassicHttpResponse response, @Nullable String body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Header h : response.getHeaders()) {
      headers.computeIfAbsent(h.getName(), k -> new ArrayList<>(1)).add(h.getValue());
    }
    return SuccessfulHttpResponse.builder()
        .statusCode(response.getCode())
        .headers(headers)
        .body(body)
        .build();
  }
}
