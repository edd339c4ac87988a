package io.himoe.experts.llm.internal;

import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Builds {@link CancellableHttpClient}s: Apache HttpClient 5 classic (HTTP/1.1, blocking sockets,
 * so that an abort closes the connection's socket at once), no automatic retries, redirects or
 * content decompression (the expert retries within the deadline; SSE bytes pass as they come).
 * Pooled plain-HTTP connections are checked for staleness without waiting ({@link StaleCheck}).
 */
public final class CancellableHttpClientBuilder implements HttpClientBuilder {

  /** Connections kept per endpoint: far above one expert's concurrency, so no call waits. */
  private static final int MAX_CONNECTIONS_PER_ROUTE = 512;

  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration readTimeout = Duration.ofSeconds(120);
  // Apache's default: a connection idle for longer is checked before it is reused.
  private Duration validateAfterInactivity = Duration.ofSeconds(2);

  /** Creates a builder with a 10 s connect and 120 s read timeout. */
  public CancellableHttpClientBuilder() {}

  @Override
  public Duration connectTimeout() {
    return connectTimeout;
  }

  @Override
  public CancellableHttpClientBuilder connectTimeout(Duration timeout) {
    if (timeout != null) {
      this.connectTimeout = timeout;
    }
    return this;
  }

  @Override
  public Duration readTimeout() {
    return readTimeout;
  }

  @Override
  public CancellableHttpClientBuilder readTimeout(Duration timeout) {
    if (timeout != null) {
      this.readTimeout = timeout;
    }
    return this;
  }

  /**
   * @param idle how long a pooled connection may stay idle before it is checked for staleness when
   *     reused (zero: at every reuse)
   * @return this builder
   */
  CancellableHttpClientBuilder validateAfterInactivity(Duration idle) {
    this.validateAfterInactivity = idle;
    return this;
  }

  @Override
  public CancellableHttpClient build() {
    var connections =
        StaleCheck.connections()
            .setMaxConnPerRoute(MAX_CONNECTIONS_PER_ROUTE)
            .setMaxConnTotal(4 * MAX_CONNECTIONS_PER_ROUTE)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofMilliseconds(connectTimeout.toMillis()))
                    .setValidateAfterInactivity(
                        TimeValue.ofMilliseconds(validateAfterInactivity.toMillis()))
                    .build())
            .build();
    var apache =
        HttpClients.custom()
            .setConnectionManager(connections)
            .disableAutomaticRetries()
            .disableRedirectHandling()
            .disableContentCompression()
            .disableCookieManagement()
            .build();
    return new CancellableHttpClient(apache, readTimeout);
  }
}
