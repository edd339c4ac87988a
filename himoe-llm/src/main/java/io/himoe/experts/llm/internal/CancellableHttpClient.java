package io.himoe.experts.llm.internal;

import static dev.langchain4j.http.client.sse.ServerSentEventListenerUtils.ignoringExceptions;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A LangChain4j {@link HttpClient} over the JDK client whose calls obey the {@link CallScope} bound
 * on the calling thread: each HTTP request times out at the scope's deadline, and cancelling the
 * scope aborts the exchange (the connection is closed, the server sees it go).
 */
public final class CancellableHttpClient implements HttpClient {

  private final java.net.http.HttpClient delegate;
  private final Duration readTimeout;

  /**
   * @param delegate the JDK client
   * @param readTimeout the longest a request may take when no scope is bound
   */
  public CancellableHttpClient(java.net.http.HttpClient delegate, Duration readTimeout) {
    this.delegate = delegate;
    this.readTimeout = readTimeout;
  }

  @Override
  public SuccessfulHttpResponse execute(HttpRequest request) {
    CallScope scope = CallScope.CURRENT.isBound() ? CallScope.CURRENT.get() : null;
    CompletableFuture<HttpResponse<byte[]>> cf =
        delegate.sendAsync(toJdk(request, scope), BodyHandlers.ofByteArray());
    if (scope != null) {
      scope.onCancel(() -> cf.cancel(true));
    }
    try {
      HttpResponse<byte[]> response = cf.get();
      noteRetryAfter(response, scope);
      if (response.statusCode() < 200 || response.statusCode() >= 300) {
        throw new HttpException(
            response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
      }
      return toResponse(response, response.body());
    } catch (InterruptedException e) {
      cf.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("HTTP call interrupted");
    } catch (CancellationException e) {
      throw e;
    } catch (ExecutionException e) {
      throw translate(java.util.Objects.requireNonNullElse(e.getCause(), e));
    }
  }

  @Override
  public void execute(
      HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
    CallScope scope = CallScope.CURRENT.isBound() ? CallScope.CURRENT.get() : null;
    CompletableFuture<HttpResponse<InputStream>> cf =
        delegate.sendAsync(toJdk(request, scope), BodyHandlers.ofInputStream());
    if (scope != null) {
      scope.onCancel(() -> cf.cancel(true));
    }
    cf.thenAccept(
            response -> {
              if (scope != null) {
                // Closing the body stream aborts a response that is already flowing.
                scope.onCancel(() -> closeQuietly(response.body()));
              }
              noteRetryAfter(response, scope);
              if (response.statusCode() < 200 || response.statusCode() >= 300) {
                HttpException error = new HttpException(response.statusCode(), readBody(response));
                ignoringExceptions(() -> listener.onError(error));
                return;
              }
              ignoringExceptions(() -> listener.onOpen(toResponse(response, null)));
              try (InputStream in = response.body()) {
                parser.parse(in, listener);
                ignoringExceptions(listener::onClose);
              } catch (IOException e) {
                ignoringExceptions(() -> listener.onError(e));
              }
            })
        .exceptionally(
            t -> {
              ignoringExceptions(() -> listener.onError(translate(unwrap(t))));
              return null;
            });
  }

  private java.net.http.HttpRequest toJdk(HttpRequest request, @Nullable CallScope scope) {
    if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
      throw new UnsupportedOperationException("multipart requests are not supported");
    }
    var b = java.net.http.HttpRequest.newBuilder().uri(URI.create(request.url()));
    request.headers().forEach((name, values) -> values.forEach(v -> b.header(name, v)));
    if (scope != null && scope.traceId() != null && !hasHeader(request, TRACE_HEADER)) {
      // The request's trace id travels to the endpoint, so a chained Hi-MoE (or a proxy's logs)
      // can be followed from one server to the next.
      b.header(TRACE_HEADER, scope.traceId());
    }
    b.method(
        request.method().name(),
        request.body() == null
            ? java.net.http.HttpRequest.BodyPublishers.noBody()
            : java.net.http.HttpRequest.BodyPublishers.ofString(request.body()));
    Duration timeout = readTimeout;
    if (scope != null) {
      Duration left = scope.remaining();
      // A zero timeout is refused by the JDK; 1 ms fails at once, which is what we want.
      timeout = left.compareTo(timeout) < 0 ? left : timeout;
      if (timeout.isZero()) {
        timeout = Duration.ofMillis(1);
      }
    }
    return b.timeout(timeout).build();
  }

  /** The trace header, as Hi-MoE servers read and answer it. */
  public static final String TRACE_HEADER = "X-Trace-Id";

  private static boolean hasHeader(HttpRequest request, String name) {
    return request.headers().keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
  }

  /** On 429 and 503, records the endpoint's {@code Retry-After} in the scope. */
  private static void noteRetryAfter(HttpResponse<?> response, @Nullable CallScope scope) {
    int code = response.statusCode();
    if (scope == null || (code != 429 && code != 503)) {
      return;
    }
    response
        .headers()
        .firstValue("Retry-After")
        .flatMap(v -> retryAfter(v, scope.now()))
        .ifPresent(scope::retryAfter);
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

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException
            || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static RuntimeException translate(Throwable t) {
    t = unwrap(t);
    if (t instanceof HttpTimeoutException) {
      return new TimeoutException(t);
    }
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof IOException io) {
      return new UncheckedIOException(io);
    }
    return new RuntimeException(t);
  }

  private static SuccessfulHttpResponse toResponse(
      HttpResponse<?> response, byte @Nullable [] body) {
    return SuccessfulHttpResponse.builder()
        .statusCode(response.statusCode())
        .headers(response.headers().map())
        .body(body == null ? null : new String(body, StandardCharsets.UTF_8))
        .build();
  }

  private static String readBody(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(error body unreadable: " + e.getMessage() + ")";
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // Already closed or broken: either way the exchange is over.
    }
  }
}
