package io.midigpt.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The server's one JSON mapper: strict on input (duplicate keys, trailing data), compact out. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a body; anything that is not one JSON value is a 400 naming {@code field}. */
  static JsonNode parse(String text, String field) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw ApiException.malformed(field, "empty body, expected a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.malformed(field, "not valid JSON (" + e.getOriginalMessage() + ")");
    }
  }

  /** Embeds JSON text the domain classes wrote (e.g. {@code Score.toJson()}). */
  static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the domain wrote malformed JSON", e);
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
