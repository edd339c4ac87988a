package io.himoe.experts.llm;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.himoe.experts.llm.internal.CallScope;
import io.himoe.shared.TokenListener;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One streamed model call: forwards tokens to the listener as they arrive and blocks the caller
 * until the stream completes, fails, or the call's scope is cancelled.
 */
final class StreamCall {

  private StreamCall() {}

  static ChatResponse run(
      LlmClient client,
      ChatRequest request,
      CallScope scope,
      TokenListener listener,
      AtomicInteger tokens)
      throws Exception {
    if (client.streaming() == null) {
      throw new LlmException(
          LlmException.Kind.BAD_REQUEST, client.name(), "this client has no streaming model", null);
    }
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    scope.onCancel(() -> done.cancel(false));
    client
        .streaming()
        .chat(
            request,
            new StreamingChatResponseHandler() {
              @Override
              public void onPartialResponse(PartialResponse partial, PartialResponseContext pc) {
                if (scope.cancelReason() != null || done.isDone()) {
                  pc.streamingHandle().cancel();
                  return;
                }
                try {
                  listener.onToken(partial.text());
                  tokens.incrementAndGet();
                } catch (RuntimeException e) {
                  // The consumer is gone: stop reading, which closes the connection.
                  pc.streamingHandle().cancel();
                  done.completeExceptionally(new ListenerFailed(e));
                }
              }

              @Override
              public void onCompleteResponse(ChatResponse response) {
                if (response.finishReason() == null && tokens.get() > 0) {
                  // LangChain4j completes a stream that simply stopped; without a finish reason
                  // the answer may be cut anywhere.
                  done.completeExceptionally(
                      new IllegalStateException("the stream ended without a finish reason"));
                } else {
                  done.complete(response);
                }
              }

              @Override
              public void onError(Throwable error) {
                done.completeExceptionally(error);
              }
            });
    try {
      return done.get();
    } catch (ExecutionException e) {
      Throwable cause = Objects.requireNonNullElse(e.getCause(), e);
      if (cause instanceof ListenerFailed lf) {
        throw lf;
      }
      if (tokens.get() > 0 && scope.cancelReason() == null) {
        throw new LlmException(
            LlmException.Kind.STREAM_BROKEN,
            client.name(),
            "stream failed after "
                + tokens.get()
                + " tokens were delivered ("
                + cause
                + "); not retried, since part of the answer was already sent",
            cause);
      }
      throw cause instanceof Exception ex ? ex : e;
    }
  }

  /** The caller's token listener threw: not the model's fault, so never retried. */
  static final class ListenerFailed extends RuntimeException {
    ListenerFailed(RuntimeException cause) {
      super("the token listener failed: " + cause, cause);
    }
  }
}
