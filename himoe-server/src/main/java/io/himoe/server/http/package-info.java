/** The HTTP server: OpenAI-compatible API, feedback, experts, traces, metrics and dashboard. */
package io.himoe.server.http;
