package io.himoe.server.telemetry;

import io.himoe.engine.DecisionTrace;
import io.himoe.engine.ExpertStatus;
import io.himoe.engine.ExpertTrace;
import io.himoe.engine.StageTrace;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * OpenTelemetry spans: one per HTTP request that reaches the engine, with one child span per expert
 * call taken from the decision trace (start = request start, duration = the expert's measured
 * latency, since the engine reports latencies rather than start times). With no exporter
 * configured, nothing is recorded. Spans go to the log ({@code logging}) or to an OpenTelemetry
 * collector over OTLP/HTTP ({@code otlp}, batched, flushed on close).
 */
public final class Tracing implements AutoCloseable {

  private static final AttributeKey<String> TRACE_ID = AttributeKey.stringKey("himoe.trace_id");
  private static final AttributeKey<String> ROUTER = AttributeKey.stringKey("himoe.router");
  private static final AttributeKey<String> EXPERT = AttributeKey.stringKey("himoe.expert");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("himoe.status");
  private static final AttributeKey<String> STAGE = AttributeKey.stringKey("himoe.stage");
  private static final AttributeKey<Double> COST = AttributeKey.doubleKey("himoe.cost_units");

  // Both null when tracing is disabled: nothing is recorded and nothing needs closing.
  private final @Nullable SdkTracerProvider provider;
  private final @Nullable Tracer tracer;

  private Tracing(@Nullable SdkTracerProvider provider) {
    this.provider = provider;
    this.tracer = provider == null ? null : provider.get("io.himoe.server");
  }

  /**
   * @return tracing that records nothing
   */
  public static Tracing disabled() {
    return new Tracing(null);
  }

  /**
   * @param exporter {@code none}, {@code logging} or {@code otlp}
   * @param serviceName the service name
   * @param endpoint the OTLP/HTTP traces URL (used by {@code otlp})
   * @return the tracing
   */
  public static Tracing of(String exporter, String serviceName, String endpoint) {
    return switch (exporter) {
      case "logging" -> withExporter(LoggingSpanExporter.create(), serviceName);
      case "otlp" ->
          // Batched: a slow or absent collector must not delay requests.
          new Tracing(
              provider(
                  BatchSpanProcessor.builder(
                          OtlpHttpSpanExporter.builder()
                              .setEndpoint(endpoint)
                              .setTimeout(Duration.ofSeconds(10))
                              .build())
                      .build(),
                  serviceName));
      case "none" -> disabled();
      default -> throw new IllegalArgumentException("unknown span exporter '" + exporter + "'");
    };
  }

  /**
   * @param exporter where spans go
   * @param serviceName the service name
   * @return tracing exporting every span as it ends
   */
  public static Tracing withExporter(SpanExporter exporter, String serviceName) {
    return new Tracing(provider(SimpleSpanProcessor.create(exporter), serviceName));
  }

  private static SdkTracerProvider provider(SpanProcessor processor, String serviceName) {
    return SdkTracerProvider.builder()
        .setResource(
            Resource.getDefault()
                .merge(
                    Resource.create(
                        Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
        .addSpanProcessor(processor)
        .build();
  }

  /**
   * @return whether spans are recorded
   */
  public boolean enabled() {
    return tracer != null;
  }

  /**
   * Runs one request inside a span.
   *
   * @param name the span name, e.g. {@code POST /v1/chat/completions}
   * @param traceId the Hi-MoE trace id
   * @param work the request
   * @param <T> its result
   * @return its result
   */
  public <T> T request(String name, String traceId, Supplier<T> work) {
    Tracer tracer = this.tracer;
    if (tracer == null) {
      return work.get();
    }
    Span span = tracer.spanBuilder(name).setAttribute(TRACE_ID, traceId).startSpan();
    try {
      T out = work.get();
      if (out instanceof DecisionTrace t) {
        experts(tracer, span, t);
      } else if (out instanceof io.himoe.engine.Answer a) {
        experts(tracer, span, a.trace());
      }
      return out;
    } catch (RuntimeException e) {
      span.setStatus(StatusCode.ERROR, e.getMessage() == null ? "" : e.getMessage());
      throw e;
    } finally {
      span.end();
    }
  }

  private static void experts(Tracer tracer, Span parent, DecisionTrace t) {
    parent.setAttribute(ROUTER, t.routerId());
    parent.setAttribute(COST, t.costUnits());
    Instant start = t.startedAt();
    for (StageTrace s : t.stages()) {
      for (ExpertTrace e : s.experts()) {
        if (!e.status().called()) {
          continue;
        }
        Span span =
            tracer
                .spanBuilder("expert " + e.name())
                .setParent(Context.current().with(parent))
                .setStartTimestamp(start.toEpochMilli(), TimeUnit.MILLISECONDS)
                .setAttribute(EXPERT, e.name())
                .setAttribute(STATUS, e.status().label())
                .setAttribute(STAGE, s.label())
                .setAttribute(ROUTER, s.routerId())
                .setAttribute(COST, e.costUnits())
                .startSpan();
        if (e.status() != ExpertStatus.ANSWERED) {
          span.setStatus(StatusCode.ERROR, e.detail());
        }
        span.end(start.toEpochMilli() + e.latencyMs(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Flushes and stops the exporter. */
  @Override
  public void close() {
    if (provider != null) {
      provider.close();
    }
  }
}
