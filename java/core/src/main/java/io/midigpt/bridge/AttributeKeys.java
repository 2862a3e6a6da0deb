package io.midigpt.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidScoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Attribute names of each level and the token types the core keys them by. The table lives in
 * the core (attribute_keys.cpp); this class loads it once.
 */
final class AttributeKeys {
  private static final AttributeKeys INSTANCE = load();

  private final Map<String, Integer> trackTypes = new HashMap<>();
  private final Map<String, Integer> barTypes = new HashMap<>();
  private final Map<Integer, String> trackNames = new HashMap<>();
  private final Map<Integer, String> barNames = new HashMap<>();

  private AttributeKeys() {}

  static AttributeKeys get() {
    return INSTANCE;
  }

  int tokenType(String name, boolean barLevel) {
    Integer type = (barLevel ? barTypes : trackTypes).get(name);
    if (type == null) {
      throw new InvalidScoreException(
          "unknown " + (barLevel ? "bar" : "track") + "-level attribute \"" + name + "\"; known: "
              + (barLevel ? barTypes : trackTypes).keySet());
    }
    return type;
  }

  String name(int tokenType, boolean barLevel) {
    String name = (barLevel ? barNames : trackNames).get(tokenType);
    if (name == null) {
      throw new IllegalStateException("the core returned unknown attribute type " + tokenType);
    }
    return name;
  }

  private static AttributeKeys load() {
    AttributeKeys keys = new AttributeKeys();
    try {
      JsonNode table = new ObjectMapper().readTree(MidigptNative.attributeKeysJson());
      for (JsonNode entry : table) {
        boolean bar = "bar".equals(entry.get("level").asText());
        int type = entry.get("type_enum").asInt();
        String name = entry.get("name").asText();
        (bar ? keys.barTypes : keys.trackTypes).put(name, type);
        (bar ? keys.barNames : keys.trackNames).put(type, name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }
}
