package io.midigpt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.MidigptException;
import io.midigpt.RequestValidationException;
import io.midigpt.generation.GenerationRequest;
import io.midigpt.score.Score;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /generate}: {@code {"score", "request", "request_id"?, "stream"?}}.
 * Score and request are read by the domain's own strict parsers; this class adds the HTTP-only
 * fields, {@code request_id}, {@code stream}, and the two config keys that say how the server runs
 * a request rather than how it is sampled ({@code num_candidates}, {@code batch_attempts}).
 *
 * @param numCandidates how many independent results, seeds base+i
 * @param batchAttempts accepted for client compatibility; attempts always run one after another
 */
record GenerateBody(
    Score score,
    GenerationRequest request,
    String requestId,
    boolean stream,
    int numCandidates,
    boolean batchAttempts) {
  private static final Set<String> KEYS = Set.of("score", "request", "request_id", "stream");
  /** Ids travel in URLs and headers: keep them to safe characters. */
  static final String REQUEST_ID_PATTERN = "[A-Za-z0-9._:-]{1,128}";
  private static final Pattern REQUEST_ID = Pattern.compile(REQUEST_ID_PATTERN);

  static GenerateBody parse(String text) {
    JsonNode root = Json.parse(text, "body");
    if (!root.isObject()) {
      throw ApiException.malformed("body", "expected a JSON object");
    }
    root.fieldNames().forEachRemaining(key -> {
      if (!KEYS.contains(key)) {
        throw ApiException.malformed(key, "unknown field (expected score, request, request_id,"
            + " stream)");
      }
    });
    String requestId = readRequestId(root.get("request_id"));
    boolean stream = false;
    JsonNode streamNode = root.get("stream");
    if (streamNode != null && !streamNode.isNull()) {
      if (!streamNode.isBoolean()) {
        throw ApiException.malformed("stream", "expected a boolean");
      }
      stream = streamNode.booleanValue();
    }
    return fromParts(readScore(required(root, "score")), required(root, "request"), requestId,
        stream);
  }

  /** A body from its parts: also how {@code POST /generate/midi} reads its form. */
  static GenerateBody fromParts(
      Score score, JsonNode requestNode, String requestId, boolean stream) {
    if (!requestNode.isObject()) {
      throw ApiException.malformed("request", "expected an object");
    }
    ObjectNode request = ((ObjectNode) requestNode).deepCopy();
    int candidates = 1;
    boolean batchAttempts = false;
    if (request.get("config") instanceof ObjectNode config) {
      candidates = readInt(config.remove("num_candidates"), "request.config.num_candidates", 1);
      batchAttempts = readBool(config.remove("batch_attempts"), "request.config.batch_attempts");
    }
    if (stream && candidates > 1) {
      throw ApiException.malformed(
          "request.config.num_candidates", "streaming returns one candidate; got " + candidates);
    }
    return new GenerateBody(score, readRequest(request), requestId, stream, candidates,
        batchAttempts);
  }

  static String newRequestId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static GenerationRequest readRequest(JsonNode request) {
    try {
      return GenerationRequest.fromJson(Json.write(request));
    } catch (RequestValidationException e) {
      throw DomainErrors.toApi(422, e.getMessage(), "request");
    } catch (MidigptException e) {
      throw DomainErrors.toApi(400, e.getMessage(), "request");
    }
  }

  private static Score readScore(JsonNode score) {
    if (!score.isObject()) {
      throw ApiException.malformed("score", "expected an object");
    }
    try {
      return Score.fromJson(Json.write(score));
    } catch (MidigptException e) {
      throw ApiException.malformed("score", e.getMessage());
    }
  }

  static String readRequestId(JsonNode node) {
    if (node == null || node.isNull()) {
      return newRequestId();
    }
    if (!node.isTextual() || !REQUEST_ID.matcher(node.textValue()).matches()) {
      throw ApiException.malformed(
          "request_id", "expected a string of 1-128 letters, digits, '.', '_', ':' or '-'");
    }
    return node.textValue();
  }

  private static JsonNode required(JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      throw ApiException.malformed(key, "required");
    }
    return node;
  }

  private static int readInt(JsonNode node, String field, int fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw ApiException.malformed(field, "expected a 32-bit integer");
    }
    return node.intValue();
  }

  private static boolean readBool(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      throw ApiException.malformed(field, "expected a boolean");
    }
    return node.booleanValue();
  }
}
