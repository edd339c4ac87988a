package io.himoe.server.http;

import java.util.List;

/**
 * The body of {@code POST /v1/route}: what the gate would do with a request, without calling
 * experts.
 *
 * @param model a router id, or {@code himoe}
 * @param input the request text
 * @param messages or a chat conversation instead of {@code input}
 */
record RouteRequest(String model, String input, List<ChatRequest.Message> messages) {}
