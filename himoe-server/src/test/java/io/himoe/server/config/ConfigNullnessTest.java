package io.himoe.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The configuration records' nullness is what their types say: a key left out of the file takes a
 * default, so only {@code @Nullable} components are ever null; and a file that leaves out a
 * required key, gives a wrong type or an empty entry is refused naming the field.
 */
class ConfigNullnessTest {

  private static final String MINIMAL =
      """
      experts:
        - name: planning
          kind: planner
      routers:
        - id: main
      """;

  private final ConfigLoader loader = ConfigLoader.of(Map.of("KEY", "k-0123456789abcdef"));

  /** Every record of the schema: HimoeConfig's nested ones, the gateway's and the sessions'. */
  private static List<Class<?>> schemaRecords() {
    List<Class<?>> out = new ArrayList<>();
    Stream.of(HimoeConfig.class, GatewayConfig.class, SessionsConfig.class)
        .forEach(
            c -> {
              out.add(c);
              for (Class<?> inner : c.getDeclaredClasses()) {
                if (inner.isRecord()) {
                  out.add(inner);
                  Arrays.stream(inner.getDeclaredClasses())
                      .filter(Class::isRecord)
                      .forEach(out::add);
                }
              }
            });
    return out;
  }

  @Test
  void aRecordBuiltFromNothingSetsEveryComponentItsTypeSaysIsNeverNull() throws Exception {
    List<String> nulls = new ArrayList<>();
    List<Class<?>> records = schemaRecords();
    assertThat(records)
        .contains(
            HimoeConfig.Server.class,
            HimoeConfig.Key.class,
            HimoeConfig.Shadows.Credit.class,
            HimoeConfig.Experiment.Arm.class,
            GatewayConfig.Cors.class);
    for (Class<?> record : records) {
      RecordComponent[] components = record.getRecordComponents();
      Constructor<?> canonical =
          record.getDeclaredConstructor(
              Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      // What the YAML reader passes for a section whose keys are all left out.
      Object built = canonical.newInstance(new Object[components.length]);
      for (RecordComponent c : components) {
        boolean nullable = c.getAnnotatedType().isAnnotationPresent(Nullable.class);
        if (!nullable && c.getAccessor().invoke(built) == null) {
          nulls.add(record.getSimpleName() + "." + c.getName());
        }
      }
    }
    assertThat(nulls).as("components that are not @Nullable but were left null").isEmpty();
  }

  @Test
  void theDefaultsConstantsAreWhatAFileWithoutTheSectionGets() {
    HimoeConfig c = loader.parse(MINIMAL, "t");
    assertThat(c.server()).isEqualTo(HimoeConfig.Server.DEFAULTS);
    assertThat(c.server().auth()).isEqualTo(HimoeConfig.Auth.DEFAULTS);
    assertThat(c.budgets()).isEqualTo(HimoeConfig.Budgets.DEFAULTS);
    assertThat(c.aggregation()).isEqualTo(HimoeConfig.Aggregation.DEFAULTS);
    assertThat(c.orchestrator()).isEqualTo(HimoeConfig.Orchestrator.DEFAULTS);
    assertThat(c.shadows()).isEqualTo(HimoeConfig.Shadows.DEFAULTS);
    assertThat(c.shadows().credit()).isEqualTo(HimoeConfig.Shadows.Credit.DEFAULTS);
    assertThat(c.learning()).isEqualTo(HimoeConfig.Learning.DEFAULTS);
    assertThat(c.management()).isEqualTo(HimoeConfig.Management.DEFAULTS);
    assertThat(c.telemetry()).isEqualTo(HimoeConfig.Telemetry.DEFAULTS);
    assertThat(c.runtime()).isEqualTo(HimoeConfig.Runtime.DEFAULTS);
    assertThat(c.store()).isEqualTo(HimoeConfig.Store.EMBEDDED);
    assertThat(c.store().pool()).isEqualTo(HimoeConfig.Pool.DEFAULTS);
    assertThat(c.gateway()).isEqualTo(GatewayConfig.DEFAULTS);
    assertThat(c.gateway().cors()).isEqualTo(GatewayConfig.Cors.OFF);
    assertThat(c.sessions()).isEqualTo(SessionsConfig.DEFAULTS);
    HimoeConfig.Router r = c.routers().getFirst();
    assertThat(r.reroute()).isEqualTo(HimoeConfig.Reroute.DEFAULTS);
    assertThat(r.hedge()).isEqualTo(HimoeConfig.Hedge.DEFAULTS);
    assertThat(r.costQuality()).isEqualTo(HimoeConfig.CostQuality.DEFAULTS);
    // Absence that means something stays absent.
    assertThat(r.experts()).isNull();
    assertThat(r.aggregation()).isNull();
    assertThat(c.budgets().cost()).isNull();
    assertThat(c.learning().snapshotPath()).isNull();
  }

  @Test
  void anEmptySectionIsTheSameAsALeftOutOne() {
    HimoeConfig c =
        loader.parse(MINIMAL + "server: ~\nshadows: {credit: ~}\nstore: {pool: ~}\n", "t");
    assertThat(c).isEqualTo(loader.parse(MINIMAL, "t"));
  }

  @Test
  void aLeftOutRequiredKeyIsNamed() {
    assertThat(problems("experts:\n  - {name: p, kind: planner}\nrouters:\n  - {top_k: 1}\n"))
        .containsExactly("routers[0].id: expected a non-empty id");
    assertThat(problems("experts:\n  - {kind: planner}\nrouters:\n  - id: main\n"))
        .contains("experts[0].name: expected a non-empty name");
    assertThat(problems("experts:\n  - {name: p}\nrouters:\n  - id: main\n"))
        .singleElement()
        .asString()
        .startsWith("experts[0].kind: expected one of ")
        .endsWith(", got nothing");
    assertThat(problems(MINIMAL + "server: {auth: {keys: [{alias: team-a}]}}\n"))
        .containsExactly("server.auth.keys[0].key: expected the key, written as ${ENV_VAR}");
    assertThat(problems(MINIMAL + "orchestrator: {rules: [{contains: [plan]}]}\n"))
        .containsExactly("orchestrator.rules[0].router: expected a router id");
    assertThat(
            problems(MINIMAL + "experiments: [{name: x, arms: [{weight: 1}, {router: main}]}]\n"))
        .contains("experiments[0].arms[0].router: expected one of main, got nothing");
  }

  @Test
  void aWrongTypeNamesTheFieldAndWhatItShouldBe() {
    assertThat(problems(MINIMAL + "server: {port: eighty}\n"))
        .containsExactly("server.port: expected a whole number");
    assertThat(problems(MINIMAL + "budgets: 5\n"))
        .containsExactly("budgets: expected a mapping of keys");
    assertThat(problems(MINIMAL + "server: {auth: {protect: admin}}\n"))
        .containsExactly("server.auth.protect: expected a list");
    assertThat(problems(MINIMAL + "runtime: {enabled: yes please}\n"))
        .containsExactly("runtime.enabled: expected true or false");
    assertThat(
            problems("experts:\n  - {name: p, kind: planner, keywords: 5}\nrouters: [{id: a}]\n"))
        .containsExactly("experts[0].keywords: expected a list");
  }

  @Test
  void anEmptyEntryInAListOrAMappingIsNamedNotDroppedOrCrashed() {
    // An empty list entry was dropped (experts: [~] loaded a server with no expert) or failed
    // with a NullPointerException's class name.
    assertThat(problems("experts: [~]\nrouters: [{id: main}]\n"))
        .contains("experts[0]: expected a value, got an empty entry (~ or null)");
    assertThat(
            problems(
                "experts:\n  - {name: p, kind: planner, keywords: [plan, ~]}\n"
                    + "routers: [{id: a}]\n"))
        .containsExactly(
            "experts[0].keywords[1]: expected a value, got an empty entry (~ or null)");
    assertThat(problems(MINIMAL + "server: {auth: {api_keys: [~]}}\n"))
        .containsExactly(
            "server.auth.api_keys[0]: expected a value, got an empty entry (~ or null)");
    assertThat(problems(MINIMAL + "runtime: {memory_pools: {kv-cache: ~}}\n"))
        .containsExactly(
            "runtime.memory_pools.kv-cache: expected a value, got an empty one (~ or null)");
    assertThat(
            problems(
                "experts:\n  - {name: k, kind: knowledge, options: {docs: ~}}\n"
                    + "routers: [{id: a}]\n"))
        .containsExactly("experts[0].options.docs: expected a value, got an empty one (~ or null)");
    assertThat(problems(MINIMAL.replace("- id: main", "- {id: main, keywords: {planning: ~}}")))
        .containsExactly(
            "routers[0].keywords.planning: expected a value, got an empty one (~ or null)");
  }

  private List<String> problems(String yaml) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> loader.parse(yaml, "t"));
    assertThat(t).as(yaml).isInstanceOf(ConfigException.class);
    return ((ConfigException) t).problems();
  }

  @Test
  void javaCallersGetTheDefaultsFromNullsToo() {
    HimoeConfig.Key k = new HimoeConfig.Key("a", "k-0123456789abcdef", null, null, 100L, null);
    assertThat(k.defaultMaxTokens()).isEqualTo(50);
    assertThat(k.admin()).isFalse();
    assertThat(new HimoeConfig.Pool(4, null).queryTimeoutMs()).isEqualTo(2_000L);
    assertThatThrownBy(() -> new HimoeConfig.Runtime(null, null, null, null, mapWithNull()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("memory_pools.kv-cache: expected a value, got an empty one (~ or null)");
  }

  private static Map<String, Long> mapWithNull() {
    Map<String, Long> m = new java.util.HashMap<>();
    m.put("kv-cache", null);
    return m;
  }
}
