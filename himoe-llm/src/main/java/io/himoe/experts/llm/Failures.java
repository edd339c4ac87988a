package io.himoe.experts.llm;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import io.himoe.experts.llm.internal.CallScope;
import io.himoe.shared.Context;
import io.himoe.shared.MoeError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import org.jspecify.annotations.Nullable;

/** Turns whatever a model call threw into one clear error. */
final class Failures {

  private static final int BODY_EXCERPT = 200;

  private Failures() {}

  static RuntimeException classify(
      Throwable t, LlmClient client, String expert, CallScope scope, Context ctx) {
    String endpoint = client.name();
    String stage = "llm " + expert;
    String reason = scope.cancelReason();
    if (ctx.cancel().isCancelled() || CallGuard.CANCELLED.equals(reason)) {
      return new MoeError.Cancelled(stage);
    }
    if (CallGuard.INTERRUPTED.equals(reason)) {
      return new MoeError.Cancelled(stage + " (thread interrupted)");
    }
    if (CallGuard.DEADLINE.equals(reason) || ctx.isExpired()) {
      return new MoeError.DeadlineExceeded(stage);
    }
    if (CallGuard.TIMEOUT.equals(reason)) {
      return new LlmException(
          LlmException.Kind.TIMEOUT,
          endpoint,
          "no complete answer within the endpoint's timeout",
          t);
    }
    if (CallGuard.SHARE.equals(reason)) {
      return new LlmException(
          LlmException.Kind.TIMEOUT,
          endpoint,
          "no complete answer within its share of the deadline (the rest is kept for another"
              + " model)",
          t);
    }
    if (t instanceof LlmException le) {
      return le;
    }
    if (t instanceof MoeError me) {
      return me;
    }
    if (t instanceof StreamCall.ListenerFailed lf) {
      return lf;
    }
    // The HTTP status is the most precise fact; LangChain4j wraps it in its own exception types.
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof HttpException h) {
        // The body is in the message (redacted); the raw exception is not kept, since an error
        // body may echo the API key.
        return new LlmException(
            byStatus(h.statusCode()), endpoint, client.redact(detail(h)), null, scope.retryAfter());
      }
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      LlmException.Kind kind = kindOf(c);
      if (kind != null) {
        return new LlmException(kind, endpoint, client.redact(detail(c)), t);
      }
    }
    return new LlmException(LlmException.Kind.BAD_RESPONSE, endpoint, client.redact(detail(t)), t);
  }

  private static LlmException.@Nullable Kind kindOf(Throwable c) {
    return switch (c) {
      case RateLimitException e -> LlmException.Kind.RATE_LIMITED;
      case InternalServerException e -> LlmException.Kind.SERVER_ERROR;
      case AuthenticationException e -> LlmException.Kind.AUTHENTICATION;
      case InvalidRequestException e -> LlmException.Kind.BAD_REQUEST;
      case ModelNotFoundException e -> LlmException.Kind.BAD_REQUEST;
      case TimeoutException e -> LlmException.Kind.TIMEOUT;
      case HttpTimeoutException e -> LlmException.Kind.TIMEOUT;
      case UnresolvedModelServerException e -> LlmException.Kind.NETWORK;
      case UncheckedIOException e -> LlmException.Kind.NETWORK;
      case IOException e when !isJson(e) -> LlmException.Kind.NETWORK;
      default -> null;
    };
  }

  private static boolean isJson(IOException e) {
    // Jackson's parse errors are IOExceptions too, but they mean a malformed body, not a network
    // fault.
    return e.getClass().getName().startsWith("com.fasterxml.jackson");
  }

  private static LlmException.Kind byStatus(int status) {
    if (status == 429) {
      return LlmException.Kind.RATE_LIMITED;
    }
    if (status == 408) {
      return LlmException.Kind.TIMEOUT;
    }
    if (status == 401 || status == 403) {
      return LlmException.Kind.AUTHENTICATION;
    }
    if (status >= 500) {
      return LlmException.Kind.SERVER_ERROR;
    }
    return LlmException.Kind.BAD_REQUEST;
  }

  private static String detail(Throwable c) {
    if (c instanceof HttpException h) {
      String body = h.getMessage() == null ? "" : h.getMessage().strip();
      if (body.length() > BODY_EXCERPT) {
        body = body.substring(0, BODY_EXCERPT) + "…";
      }
      return "HTTP " + h.statusCode() + (body.isEmpty() ? "" : ": " + body);
    }
    String msg = c.getMessage();
    return c.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }
}
