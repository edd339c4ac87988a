package io.himoe.server.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the {@code gateway}, {@code sessions} and {@code server.auth} sections. */
final class GatewayCheck {

  private static final Set<String> ROUTES =
      Set.of("chat", "embeddings", "route", "feedback", "admin");
  private static final Set<String> TOKENIZERS =
      Set.of("o200k_base", "cl100k_base", "p50k_base", "p50k_edit", "r50k_base");

  private GatewayCheck() {}

  static List<String> problems(HimoeConfig c) {
    List<String> out = new ArrayList<>();
    GatewayConfig g = c.gateway();
    if (!g.unknownParams().equals("error") && !g.unknownParams().equals("drop")) {
      out.add("gateway.unknown_params: expected error or drop, got '" + g.unknownParams() + "'");
    }
    if (!TOKENIZERS.contains(g.tokenizer())) {
      out.add(
          "gateway.tokenizer: expected one of "
              + String.join(", ", TOKENIZERS.stream().sorted().toList())
              + ", got '"
              + g.tokenizer()
              + "'");
    }
    if (g.routeTurns() < 0 || g.routeTurns() > 50) {
      out.add("gateway.route_turns: expected 0 to 50 turns, got " + g.routeTurns());
    }
    for (int i = 0; i < g.cors().origins().size(); i++) {
      String o = g.cors().origins().get(i);
      if (!o.equals("*") && !o.matches("https?://[^/\\s]+")) {
        out.add(
            "gateway.cors.origins["
                + i
                + "]: expected * or an origin like https://app.example.com, got '"
                + o
                + "'");
      }
    }
    if (g.cors().maxAgeS() < 0) {
      out.add("gateway.cors.max_age_s: expected seconds >= 0, got " + g.cors().maxAgeS());
    }
    SessionsConfig s = c.sessions();
    if (!(s.margin() >= 0 && s.margin() <= 1)) {
      out.add("sessions.margin: expected a gate weight in [0, 1], got " + s.margin());
    }
    try {
      if (s.ttlDuration().isZero()) {
        out.add("sessions.ttl: expected a duration > 0");
      }
    } catch (IllegalArgumentException e) {
      out.add("sessions.ttl: " + e.getMessage());
    }
    if (s.max() < 1) {
      out.add("sessions.max: expected a count >= 1, got " + s.max());
    }
    HimoeConfig.Auth a = c.server().auth();
    for (int i = 0; i < a.protect().size(); i++) {
      if (!ROUTES.contains(a.protect().get(i))) {
        out.add(
            "server.auth.protect["
                + i
                + "]: expected one of admin, chat, embeddings, feedback, route, got '"
                + a.protect().get(i)
                + "'");
      }
    }
    Set<String> aliases = new HashSet<>();
    for (int i = 0; i < a.keys().size(); i++) {
      HimoeConfig.Key k = a.keys().get(i);
      String p = "server.auth.keys[" + i + "]";
      if (k.alias() == null || !k.alias().matches("[A-Za-z0-9._-]{1,64}")) {
        out.add(p + ".alias: expected 1 to 64 letters, digits, '.', '_' or '-'");
      } else if (!aliases.add(k.alias()) || k.alias().matches("key-\\d+")) {
        out.add(p + ".alias: '" + k.alias() + "' is used twice (key-N names the api_keys)");
      }
      if (k.key() == null || k.key().isBlank()) {
        out.add(p + ".key: expected the key, written as ${ENV_VAR}");
      } else if (k.key().strip().length() < 16) {
        out.add(p + ".key: expected at least 16 characters");
      }
      if (k.requestsPerMin() != null && k.requestsPerMin() < 1) {
        out.add(p + ".requests_per_min: expected a count >= 1, got " + k.requestsPerMin());
      }
      if (k.tokensPerMin() != null && k.tokensPerMin() < 1) {
        out.add(p + ".tokens_per_min: expected a count >= 1, got " + k.tokensPerMin());
      }
      if (k.costPerDay() != null && !(k.costPerDay() > 0)) {
        out.add(p + ".cost_per_day: expected cost units > 0, got " + k.costPerDay());
      }
      if (k.defaultMaxTokens() < 1) {
        out.add(p + ".default_max_tokens: expected a count >= 1, got " + k.defaultMaxTokens());
      } else if (k.tokensPerMin() != null && k.defaultMaxTokens() >= k.tokensPerMin()) {
        out.add(
            p
                + ".default_max_tokens: expected fewer than tokens_per_min ("
                + k.tokensPerMin()
                + "), got "
                + k.defaultMaxTokens());
      }
    }
    return out;
  }
}
