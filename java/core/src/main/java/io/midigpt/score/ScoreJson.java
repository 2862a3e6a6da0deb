package io.midigpt.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.midigpt.InvalidScoreException;
import io.midigpt.MidigptException;

/** Score <-> the HTTP API's JSON shape. Unknown fields are rejected, naming the field. */
final class ScoreJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ScoreJson() {}

  static Score read(String json) {
    try {
      Score score = MAPPER.readValue(json, Score.class);
      if (score == null) {
        throw new InvalidScoreException("score JSON is null");
      }
      return score;
    } catch (ValueInstantiationException e) {
      // A record constructor rejected a value: surface its message, not Jackson's wrapper.
      if (e.getCause() instanceof MidigptException cause) {
        throw new InvalidScoreException(cause.getMessage() + " at " + path(e), cause);
      }
      throw new InvalidScoreException("invalid score JSON: " + e.getOriginalMessage(), e);
    } catch (JsonProcessingException e) {
      throw new InvalidScoreException("invalid score JSON: " + e.getOriginalMessage() + " at " + path(e), e);
    }
  }

  static String write(Score score) {
    try {
      return MAPPER.writeValueAsString(score);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a score always serialises", e);
    }
  }

  private static String path(JsonProcessingException e) {
    if (e instanceof JsonMappingException mapping) {
      return mapping.getPathReference();
    }
    return "line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr());
  }
}
