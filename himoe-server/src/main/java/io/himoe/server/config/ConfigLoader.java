package io.himoe.server.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link HimoeConfig} from YAML, strictly: unknown keys, wrong types and invalid values are
 * refused with the path of the field and what was expected. {@code ${VAR}} (or {@code
 * ${VAR:-default}}) in any string is replaced by the environment variable; secret fields ({@code
 * api_key}, {@code api_keys}) must be written that way, never literally.
 */
public final class ConfigLoader {

  /** Classpath location of the embedded default configuration. */
  public static final String DEFAULT_RESOURCE = "/io/himoe/server/default-config.yaml";

  private static final Pattern ENV =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
  private static final Set<String> SECRET_KEYS = Set.of("api_key", "api_keys");

  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .build();

  private final Map<String, String> env;

  private ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * @param env the environment variables to substitute (usually {@code System.getenv()})
   * @return a loader
   */
  public static ConfigLoader of(Map<String, String> env) {
    return new ConfigLoader(env);
  }

  /**
   * @return a loader reading the process environment
   */
  public static ConfigLoader ofSystemEnv() {
    return new ConfigLoader(System.getenv());
  }

  /**
   * @param file a YAML file
   * @return the validated configuration
   * @throws ConfigException if the file is missing, unreadable or invalid
   */
  public HimoeConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), List.of("file not found"));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("cannot read: " + e.getMessage()));
    }
    return parse(text, file.toString());
  }

  /**
   * @return the embedded default configuration (built-in experts, offline)
   */
  public HimoeConfig embeddedDefault() {
    return parse(embeddedDefaultText(), "embedded default");
  }

  /**
   * @return the text of the embedded default configuration
   */
  public static String embeddedDefaultText() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param yaml the YAML text
   * @param source where it came from, for messages
   * @return the validated configuration
   * @throws ConfigException if it is invalid
   */
  public HimoeConfig parse(String yaml, String source) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(yaml);
    } catch (JacksonException e) {
      throw new ConfigException(source, List.of(syntax(e)));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new ConfigException(source, List.of("(root): the file is empty; expected a mapping"));
    }
    if (!tree.isObject()) {
      throw new ConfigException(source, List.of("(root): expected a mapping of sections"));
    }
    List<String> problems = new ArrayList<>();
    JsonNode resolved = substitute(tree, "", problems, false);
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    // The experts are read one by one into their YAML form, then typed per kind, so that every
    // expert's problems are reported together with those of the rest of the file.
    JsonNode expertsNode = ((ObjectNode) resolved).remove("experts");
    HimoeConfig config;
    try {
      config = MAPPER.treeToValue(resolved, HimoeConfig.class);
    } catch (JacksonException e) {
      throw new ConfigException(source, List.of(mapping(e, "")));
    }
    List<HimoeConfig.@Nullable Expert> entries = entries(expertsNode, problems);
    List<ExpertSpec> specs = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      HimoeConfig.Expert entry = entries.get(i);
      if (entry != null) {
        ExpertSpecs.convert(entry, "experts[" + i + "]", problems).ifPresent(specs::add);
      }
    }
    config = config.withExperts(specs);
    problems.addAll(ConfigValidator.validate(config, entries));
    if (!problems.isEmpty()) {
      throw new ConfigException(source, problems);
    }
    return config;
  }

  /** The experts in their YAML form; an entry that cannot be read is null, its problem added. */
  private static List<HimoeConfig.@Nullable Expert> entries(
      @Nullable JsonNode node, List<String> problems) {
    List<HimoeConfig.@Nullable Expert> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isArray()) {
      problems.add("experts: expected a list");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      try {
        out.add(MAPPER.treeToValue(node.get(i), HimoeConfig.Expert.class));
      } catch (JacksonException e) {
        problems.add(mapping(e, "experts[" + i + "]"));
        out.add(null);
      }
    }
    return out;
  }

  private JsonNode substitute(JsonNode node, String path, List<String> problems, boolean secret) {
    if (node instanceof ObjectNode obj) {
      ObjectNode out = obj.objectNode();
      Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        out.set(
            e.getKey(),
            substitute(e.getValue(), child, problems, SECRET_KEYS.contains(e.getKey())));
      }
      return out;
    }
    if (node instanceof ArrayNode arr) {
      ArrayNode out = arr.arrayNode();
      for (int i = 0; i < arr.size(); i++) {
        String child = path + "[" + i + "]";
        if (arr.get(i).isNull()) {
          // No list of the schema has room for one: it was dropped (experts) or failed deep in a
          // record's constructor, naming a class instead of the field.
          problems.add(child + ": expected a value, got an empty entry (~ or null)");
        }
        out.add(substitute(arr.get(i), child, problems, secret));
      }
      return out;
    }
    if (node.isTextual()) {
      String text = node.textValue();
      if (secret && !ENV.matcher(text.strip()).matches()) {
        problems.add(
            path
                + ": secrets come from the environment; write ${ENV_VAR} instead of a literal"
                + " value");
        return node;
      }
      return TextNode.valueOf(expand(text, path, problems));
    }
    if (secret && !node.isNull()) {
      problems.add(path + ": expected ${ENV_VAR}");
    }
    return node;
  }

  private String expand(String text, String path, List<String> problems) {
    Matcher m = ENV.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = env.get(m.group(1));
      if (value == null) {
        value = m.group(2);
      }
      if (value == null) {
        problems.add(path + ": environment variable " + m.group(1) + " is not set");
        value = "";
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private static String syntax(JacksonException e) {
    JsonLocation loc = e.getLocation();
    String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    return (where.isEmpty() ? "(syntax)" : where)
        + ": not valid YAML ("
        + e.getOriginalMessage()
        + ")";
  }

  private static String mapping(JacksonException e, String prefix) {
    String path = e instanceof JsonMappingException jme ? path(jme.getPath()) : "(root)";
    if (!prefix.isEmpty()) {
      path =
          path.equals("(root)")
              ? prefix
              : path.startsWith("[") ? prefix + path : prefix + "." + path;
    }
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      Set<String> names = new TreeSet<>();
      if (known != null) {
        known.forEach(k -> names.add(String.valueOf(k)));
      }
      return path + ": unknown key (expected one of: " + String.join(", ", names) + ")";
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return path + ": expected " + describe(m.getTargetType());
    }
    if (e instanceof ValueInstantiationException v
        && v.getCause() instanceof IllegalArgumentException bad
        && bad.getMessage() != null) {
      // A record refused a value (HimoeConfig.valuesOf: an empty value in a mapping), naming the
      // key under it.
      return (path.equals("(root)") ? "" : path + ".") + bad.getMessage();
    }
    return path + ": " + e.getOriginalMessage();
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "(root)" : sb.toString();
  }

  private static String describe(Class<?> type) {
    if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a text value";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping of keys";
    }
    return "a " + type.getSimpleName();
  }
}
