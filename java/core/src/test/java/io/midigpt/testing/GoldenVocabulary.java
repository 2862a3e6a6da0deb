package io.midigpt.testing;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A reference vocabulary (vocab_&lt;encoder&gt;.json), used to name tokens and find domains
 * independently of the implementation under test.
 */
public record GoldenVocabulary(String encoder, JsonNode root) {
  public static GoldenVocabulary load(String encoder) {
    return new GoldenVocabulary(encoder, GoldenFixtures.vocabulary(encoder));
  }

  public int size() {
    return root.get("vocab_size").asInt();
  }

  /** "Type:value" for a token id, as vocab_*.json's tokens table lists it. */
  public String describe(int token) {
    JsonNode entry = root.get("tokens").get(token);
    if (token < 0 || entry == null) {
      return "#" + token + "(out of vocabulary)";
    }
    return entry.get(0).asText() + ":" + entry.get(1).asInt();
  }

  /** The domain of a canonical token type name. */
  public JsonNode domain(String type) {
    for (JsonNode domain : root.get("domains")) {
      if (domain.get("type").asText().equals(type)) {
        return domain;
      }
    }
    throw new IllegalArgumentException(encoder + " has no " + type + " domain");
  }

  /** Whether {@code token} lies in the domain of {@code type}. */
  public boolean isType(int token, String type) {
    JsonNode domain = domain(type);
    int offset = domain.get("offset").asInt();
    return token >= offset && token < offset + domain.get("size").asInt();
  }

  /** The id of value {@code value} of {@code type}. */
  public int id(String type, int value) {
    return domain(type).get("offset").asInt() + value;
  }

  /** The value of the first token of {@code type} in {@code tokens}, -1 when there is none. */
  public int firstValue(int[] tokens, String type) {
    for (int token : tokens) {
      if (isType(token, type)) {
        return valueOf(token, type);
      }
    }
    return -1;
  }

  /** The value of a token within its domain. */
  public int valueOf(int token, String type) {
    return token - domain(type).get("offset").asInt();
  }
}
