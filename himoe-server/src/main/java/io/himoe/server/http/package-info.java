/** The HTTP server: OpenAI-compatible API, feedback, experts, traces, metrics and dashboard. */
@NullMarked
package io.himoe.server.http;

import org.jspecify.annotations.NullMarked;
