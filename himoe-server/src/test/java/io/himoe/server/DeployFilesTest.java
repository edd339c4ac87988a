package io.himoe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.himoe.server.config.ConfigLoader;
import io.himoe.server.config.HimoeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deployment files in {@code deploy/} (docker compose, Kubernetes, nginx): there is no
 * container engine on the build machines, so they are not run here; they are parsed, and what they
 * must say is checked (the replicas' configuration is a valid Hi-MoE configuration with a
 * PostgreSQL store, readiness is probed on {@code /readyz}, keys come from a Secret, the load
 * balancer sends to every replica).
 */
class DeployFilesTest {

  static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
  static final YAMLMapper YAML = new YAMLMapper();
  static final Map<String, String> ENV =
      Map.of(
          "HIMOE_DB_URL", "jdbc:postgresql://postgres:5432/himoe",
          "HIMOE_REPLICA_ID", "himoe-a");

  static JsonNode read(String file) throws Exception {
    return YAML.readTree(DEPLOY.resolve(file).toFile());
  }

  static void isAReplicaConfig(HimoeConfig c) {
    assertThat(c.store().shared()).isTrue();
    assertThat(c.store().passwordEnv()).isEqualTo("HIMOE_DB_PASSWORD");
    assertThat(c.store().replicaId()).isEqualTo("himoe-a");
    assertThat(c.server().host()).isEqualTo("0.0.0.0");
    assertThat(c.server().auth().enabled()).isTrue();
  }

  @Test
  void theComposeFileRunsThreeReplicasOnePostgresAndALoadBalancer() throws Exception {
    JsonNode compose = read("docker-compose.yaml");
    JsonNode services = compose.get("services");
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactlyInAnyOrder("postgres", "himoe-a", "himoe-b", "himoe-c", "lb");
    JsonNode base = compose.get("x-himoe");
    assertThat(base.get("healthcheck").get("test").toString()).contains("/readyz");
    assertThat(base.get("environment").get("HIMOE_DB_URL").asText())
        .startsWith("jdbc:postgresql://postgres:5432/");
    for (String r : List.of("himoe-a", "himoe-b", "himoe-c")) {
      assertThat(services.get(r).get("environment").get("HIMOE_REPLICA_ID").asText()).isEqualTo(r);
    }
    String nginx = Files.readString(DEPLOY.resolve("nginx.conf"), StandardCharsets.UTF_8);
    assertThat(nginx).contains("himoe-a:8080", "himoe-b:8080", "himoe-c:8080");
    isAReplicaConfig(ConfigLoader.of(ENV).load(DEPLOY.resolve("himoe.yaml")));
  }

  @Test
  void theKubernetesManifestsRunAStatefulSetWithTheOutboxOnAClaimBehindAService() throws Exception {
    Map<String, JsonNode> byKind = new HashMap<>();
    Map<String, JsonNode> services = new HashMap<>();
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(DEPLOY.resolve("k8s/himoe.yaml").toFile())) {
      while (docs.hasNext()) {
        JsonNode d = docs.next();
        byKind.put(d.get("kind").asText(), d);
        if (d.get("kind").asText().equals("Service")) {
          services.put(d.get("metadata").get("name").asText(), d);
        }
      }
    }
    assertThat(byKind).containsOnlyKeys("Secret", "ConfigMap", "StatefulSet", "Service");
    JsonNode set = byKind.get("StatefulSet");
    assertThat(set.get("spec").get("replicas").asInt()).isGreaterThan(1);
    JsonNode pod = set.get("spec").get("template").get("spec");
    JsonNode container = pod.get("containers").get(0);
    assertThat(container.get("readinessProbe").get("httpGet").get("path").asText())
        .isEqualTo("/readyz");
    assertThat(container.get("envFrom").get(0).get("secretRef").get("name").asText())
        .isEqualTo(byKind.get("Secret").get("metadata").get("name").asText());
    assertThat(byKind.get("Secret").get("stringData").has("HIMOE_API_KEYS")).isTrue();
    assertThat(byKind.get("Secret").get("stringData").has("HIMOE_DB_PASSWORD")).isTrue();
    // The outbox directory of the configuration is on a claim of the StatefulSet's own (no
    // emptyDir: queued feedback survives the pod's deletion), and each replica is named by its pod.
    String config = byKind.get("ConfigMap").get("data").get("himoe.yaml").asText();
    HimoeConfig c = ConfigLoader.of(ENV).parse(config, "ConfigMap himoe-config");
    isAReplicaConfig(c);
    String outboxVolume = null;
    for (JsonNode m : container.get("volumeMounts")) {
      if (c.store().outboxDir().startsWith(m.get("mountPath").asText() + "/")) {
        outboxVolume = m.get("name").asText();
      }
    }
    assertThat(outboxVolume).as("a volume mounted over store.outbox_dir").isNotNull();
    assertThat(
            set.get("spec").get("volumeClaimTemplates").get(0).get("metadata").get("name").asText())
        .isEqualTo(outboxVolume);
    for (JsonNode v : pod.get("volumes")) {
      assertThat(v.get("name").asText()).isNotEqualTo(outboxVolume);
    }
    assertThat(config).contains("replica_id: ${HIMOE_REPLICA_ID}");
    assertThat(
            container.get("env").get(0).get("valueFrom").get("fieldRef").get("fieldPath").asText())
        .isEqualTo("metadata.name");
    // A headless Service names the pods; the other spreads the requests over them.
    assertThat(services).containsOnlyKeys(set.get("spec").get("serviceName").asText(), "himoe");
    assertThat(
            services
                .get(set.get("spec").get("serviceName").asText())
                .get("spec")
                .get("clusterIP")
                .asText())
        .isEqualTo("None");
    for (JsonNode svc : services.values()) {
      assertThat(svc.get("spec").get("selector"))
          .isEqualTo(set.get("spec").get("selector").get("matchLabels"));
    }
  }
}
