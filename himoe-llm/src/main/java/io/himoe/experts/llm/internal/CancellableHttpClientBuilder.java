package io.himoe.experts.llm.internal;

import dev.langchain4j.http.client.HttpClientBuilder;
import java.time.Duration;

/** Builds {@link CancellableHttpClient}s (HTTP/1.1, so that an abort closes the connection). */
public final class CancellableHttpClientBuilder implements HttpClientBuilder {

  private Duration connectTimeout = Duration.ofSeconds(10);
  private Duration readTimeout = Duration.ofSeconds(120);

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

  @Override
  public CancellableHttpClient build() {
    java.net.http.HttpClient jdk =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .build();
    return new CancellableHttpClient(jdk, readTimeout);
  }
}
